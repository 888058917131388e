"""Reading the accounting exports dropped in input/ into records, with the anomalies found."""

from sources.exports import Exports, PastReminder, read_exports

__all__ = ["Exports", "PastReminder", "read_exports"]

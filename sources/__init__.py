"""Reading the accounting exports dropped in input/ into DataFrames and records, with the anomalies."""

from sources.exports import Exports, FileReport, Frames, PastReminder, read_exports

__all__ = ["Exports", "FileReport", "Frames", "PastReminder", "read_exports"]

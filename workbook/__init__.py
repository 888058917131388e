"""The proposal workbook: written by `preparer`, edited in Excel by the accountant, read back to send."""

"""Word letters and email texts from templates, their conversion to PDF, and the print bundle."""

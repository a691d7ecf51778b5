"""The Single Central Record: its rows, page, filters, exports and export task."""

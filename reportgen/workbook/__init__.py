"""The workbook: the model as live spreadsheet formulas, for a reviewer to recalculate."""

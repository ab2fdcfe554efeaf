"""The report: the view of the results, charts, the themes and the fonts a document needs."""

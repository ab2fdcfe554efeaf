"""PDF: WeasyPrint, every workaround of it, and the process that lays a report out beside the rest."""

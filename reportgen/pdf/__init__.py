"""PDF: WeasyPrint, used only here (render.render_pdf is the way in), every workaround of it, and the process
that lays a report out beside the rest."""

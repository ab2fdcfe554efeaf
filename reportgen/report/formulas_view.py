"""Appendix B: the model's formulas as the report shows them, from the one list in reportgen/model/formulas.toml."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from reportgen.model.contract import Results
from reportgen.model.formulas import formula_sections
from reportgen.report import filters

SUPERSCRIPT = re.compile(r"\^(\([^()]*\)|\w+)")
SHOWN = {"discount_rate": lambda results: f"r = {filters.percent(results.discount_rate)}"}


def formula_html(text: str) -> Markup:
    """Plain notation as HTML: `^(y − 1)` and `^y` become superscripts, everything else is escaped."""
    return Markup(SUPERSCRIPT.sub(lambda m: f"<sup>{m.group(1).removeprefix('(').removesuffix(')')}</sup>",
                                  str(escape(text))))


def appendix_formulas(results: Results) -> list[dict]:
    """Appendix B's groups and rows; a formula that `shows` a quantity gets this run's value appended."""
    return [{"title": section.title,
             "rows": [{"id": f.id, "name": f.name,
                       "formula": formula_html(f.formula + (f"; in this report {SHOWN[f.shows](results)}" if f.shows else ""))}
                      for f in section.formulas]}
            for section in formula_sections()]

"""The model's formulas in plain notation, read from `formulas.toml`: written once, shown three times.

The report's Appendix B, the workbook's Formulas sheet and the list in docs/model.md are all made
from this one list, so a formula reworded here is reworded everywhere; tests/test_formulas.py ties
each formula's declared inputs to what the code reads.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FORMULAS_FILE = Path(__file__).with_name("formulas.toml")
FIELDS = {"id", "section", "name", "formula", "inputs", "gives", "shows"}
REQUIRED = {"id", "section", "name", "formula", "inputs"}
DOC_START = "<!-- formulas:start -->"
DOC_END = "<!-- formulas:end -->"


@dataclass(frozen=True)
class Formula:
    id: str
    section: str
    name: str
    formula: str
    inputs: tuple[str, ...]
    gives: tuple[str, ...]  # the model quantities it defines, by which other formulas name it as an input
    shows: str | None = None  # a quantity whose value in this run the report prints beside it


@dataclass(frozen=True)
class Section:
    title: str
    formulas: tuple[Formula, ...]


def parse(data: dict, where: str) -> tuple[Section, ...]:
    """The sections in reading order; a malformed entry is refused with its id, so a typo cannot hide an input."""
    titles = data["sections"]
    formulas: list[Formula] = []
    for item in data["formula"]:
        name = item.get("id", "?")
        if set(item) - FIELDS or not REQUIRED <= set(item):
            raise ValueError(f"{where}: formula {name} needs {sorted(REQUIRED)} and may add 'gives' and 'shows', "
                             f"not {sorted(set(item) - FIELDS)}")
        if item["section"] not in titles:
            raise ValueError(f"{where}: formula {name} is in section {item['section']!r}, not one of {titles}")
        formulas.append(Formula(id=item["id"], section=item["section"], name=item["name"], formula=item["formula"],
                                inputs=tuple(item["inputs"]), gives=tuple(item.get("gives", [item["id"]])),
                                shows=item.get("shows")))
    ids = [f.id for f in formulas]
    given = [q for f in formulas for q in f.gives]
    for label, names in (("id", ids), ("quantity", given)):
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"{where}: {label} given twice: {', '.join(repeated)}")
    return tuple(Section(t, tuple(f for f in formulas if f.section == t)) for t in titles)


@cache
def formula_sections(path: Path = FORMULAS_FILE) -> tuple[Section, ...]:
    with path.open("rb") as handle:
        return parse(tomllib.load(handle), path.name)


def markdown(sections: tuple[Section, ...]) -> str:
    """The list as docs/model.md shows it, between its markers: each formula with the inputs it declares."""
    lines = [DOC_START,
             "<!-- Generated from reportgen/model/formulas.toml by `python3 scripts/formulas_doc.py`; edit that file. -->",
             "",
             "## 13. The formulas in plain notation",
             "",
             "The same list, from the same file, is the report's Appendix B and the workbook's Formulas sheet.",
             "*Uses* names catalogue keys (`*` standing for any option or broker type), assessment fields",
             "(a cluster's without its index) and quantities that another formula gives;",
             "`tests/test_formulas.py` checks these against what the code reads.",
             ""]
    for section in sections:
        lines += [f"### {section.title}", ""]
        for f in section.formulas:
            uses = ", ".join(f"`{name}`" for name in f.inputs) or "nothing the model reads"
            lines.append(f"- **{f.name}** (`{f.id}`): {f.formula.replace('*', chr(92) + '*')}. Uses: {uses}.")
        lines.append("")
    return "\n".join(lines[:-1] + [DOC_END])


def with_markdown(document: str, sections: tuple[Section, ...]) -> str:
    """`document` with its generated block replaced by the current list."""
    start, end = document.index(DOC_START), document.index(DOC_END) + len(DOC_END)
    return document[:start] + markdown(sections) + document[end:]

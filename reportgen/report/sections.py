"""The report's sections in reading order: one record each, read by the view, the chart plan and report.html.j2.

A section's place in SECTIONS is its place in the document and in the contents, and fixes its number
and the numbers of its figures; `shown` decides from the results whether the report has it at all, so a
section left out is left out of the contents, the numbering and the document alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reportgen.model.contract import Results
from reportgen.problems import ReportgenError
from reportgen.report.registry import records

PARTS = ("front", "chapter", "appendix", "back")  # in this order: before the main text, numbered, lettered, after


@dataclass(frozen=True)
class Section:
    id: str  # the anchor of its heading, and how templates name it: m.heading("time-to-value")
    template: str  # its file in templates/report/sections/
    title: str  # its heading and its line in the contents; empty for the front and back parts, which have neither
    part: str  # one of PARTS
    shown: Callable[[Results], bool]  # whether the results give it anything to show


def always(results: Results) -> bool:
    return True


def has_range(results: Results) -> bool:
    """Results of a run with the simulation: the proposed option's range and the inputs' sensitivity.

    Every run sets both; results without them set (results.json then leaves their keys out) have no
    range to show.
    """
    proposed = results.options[results.proposed_option]
    return "sensitivity" in results.model_fields_set and "range" in proposed.model_fields_set


def has_changes(results: Results) -> bool:
    """A report written before for this customer, with something changed since."""
    return results.changes is not None


def check(sections: dict[str, Section]) -> dict[str, Section]:
    """The parts in PARTS' order (report.html.j2 puts the front part before the main text), titled where listed."""
    ranks = [PARTS.index(s.part) if s.part in PARTS else -1 for s in sections.values()]
    for (id_, section), rank, before in zip(sections.items(), ranks, [0, *ranks]):
        if rank < 0:
            raise ReportgenError(f"section {id_!r} in reportgen/report/sections.py has part {section.part!r}; "
                                 f"parts: {', '.join(PARTS)}")
        if rank < before:
            raise ReportgenError(f"section {id_!r} in reportgen/report/sections.py ({section.part}) comes after a "
                                 f"section of a later part; parts go in the order {', '.join(PARTS)}")
        if bool(section.title) != (section.part in ("chapter", "appendix")):
            raise ReportgenError(f"section {id_!r} in reportgen/report/sections.py: a chapter or appendix has a "
                                 "title (its heading and contents line), a front or back section none")
    return sections


SECTIONS = check(records("section", Section, (
    dict(id="cover", template="cover.html.j2", title="", part="front", shown=always),
    dict(id="contents", template="contents.html.j2", title="", part="front", shown=always),
    dict(id="summary", template="summary.html.j2", title="Executive summary", part="chapter", shown=always),
    dict(id="method", template="method.html.j2", title="How we measured", part="chapter", shown=always),
    dict(id="today", template="today.html.j2", title="Today's cost of running Kafka", part="chapter", shown=always),
    dict(id="options", template="options.html.j2", title="Options compared", part="chapter", shown=always),
    dict(id="infrastructure", template="infrastructure.html.j2", title="Infrastructure detail", part="chapter",
         shown=always),
    dict(id="operations", template="operations.html.j2", title="Operations detail", part="chapter", shown=always),
    dict(id="risk", template="risk.html.j2", title="Downtime and risk", part="chapter", shown=always),
    dict(id="time-to-value", template="time_to_value.html.j2", title="Time to value", part="chapter", shown=always),
    dict(id="roi", template="roi.html.j2", title="Return on investment", part="chapter", shown=always),
    dict(id="range", template="range.html.j2", title="Range of outcomes", part="chapter", shown=has_range),
    dict(id="capabilities", template="capabilities.html.j2", title="Capabilities compared", part="chapter",
         shown=always),
    dict(id="appendix-a", template="appendix_assumptions.html.j2", title="Assumptions", part="appendix", shown=always),
    dict(id="appendix-b", template="appendix_formulas.html.j2", title="Formulas", part="appendix", shown=always),
    dict(id="appendix-c", template="appendix_changes.html.j2", title="Changes", part="appendix", shown=has_changes),
    dict(id="disclaimer", template="disclaimer.html.j2", title="", part="back", shown=always),
), "reportgen/report/sections.py"))


def in_report(results: Results) -> list[Section]:
    """The sections these results give a report, in reading order."""
    return [s for s in SECTIONS.values() if s.shown(results)]

"""Generated assessments (the examples with other numbers and names in any script) always render.

Most examples stop at the HTML (charts and template: where text and numbers meet); a few go on
to the PDF. Every figure must be finite and every name must come out as text.
"""

from __future__ import annotations

import io
import json
import math
import re

from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from reportgen.build.pipeline import report
from reportgen.build.assemble import report_name
from reportgen.problems import InputError
from tests.conftest import EXAMPLES, example
from tests.test_report import tmp_project

# letters the report's fonts (theme and fallback) can show, with markup and template characters
ALPHABET = list("AaZzéØß ") + list("مؤسسة") + list("שלום") + list("東京数据株式会社") + list("서울") + \
    ["🚀", "📈"] + list("<>&{}%$'\"#")
NAMES = st.text(st.sampled_from(ALPHABET), min_size=1, max_size=60).filter(lambda s: s.strip() == s and s.strip())
FACTOR = st.floats(min_value=0.25, max_value=4, allow_nan=False)


@st.composite
def assessments(draw) -> dict:
    data = example(draw(st.sampled_from(EXAMPLES)))
    data.pop("measured", None)  # what was measured names the clusters this renames; tests/test_measured_today.py has it
    data["customer"]["name"] = draw(NAMES)
    names = draw(st.lists(NAMES, min_size=len(data["clusters"]), max_size=len(data["clusters"]), unique=True))
    for cluster, name in zip(data["clusters"], names):
        cluster["name"] = name
        for field in ("ingress_mbps", "egress_mbps", "retention_days"):
            if isinstance(cluster[field], (int, float)):
                cluster[field] = round(cluster[field] * draw(FACTOR), 3)
        if isinstance(cluster["partitions"], int):
            cluster["partitions"] = max(1, round(cluster["partitions"] * draw(FACTOR)))
    if isinstance(data["risk"].get("incidents_per_year"), (int, float)):
        data["risk"]["incidents_per_year"] = round(data["risk"]["incidents_per_year"] * draw(FACTOR), 2)
    return data


def numbers(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from numbers(item)
    elif isinstance(value, list):
        for item in value:
            yield from numbers(item)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield value


def rendered(project, slug: str, formats: tuple[str, ...]) -> bool:
    """Render; a scaled workload the proposed option cannot carry is refused instead, with nothing written."""
    try:
        report(project, slug, formats=formats)
    except InputError as refused:
        assert "assessment.proposed_option" in str(refused) and "cannot carry the workload" in str(refused)
        assert not project.output_dir(slug).exists()
        return False
    return True


def check_outputs(folder, data) -> str:
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    assert all(math.isfinite(n) for n in numbers(results))
    html = (folder / f"{report_name(data['customer']['slug'])}.html").read_text(encoding="utf-8")
    assert not re.search(r"\b(nan|inf|infinity)\b", re.sub(r"<[^>]*>", " ", html), re.I)
    return html


FAST = settings(max_examples=10, deadline=None, derandomize=True, database=None, phases=[Phase.explicit, Phase.generate],
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@FAST
@given(data=assessments())
def test_generated_assessments_render_to_html(tmp_path_factory, data):
    project = tmp_project(tmp_path_factory.mktemp("fuzz"), data)
    if rendered(project, data["customer"]["slug"], ("html",)):
        check_outputs(project.output_dir(data["customer"]["slug"]), data)


@settings(FAST, max_examples=2)
@given(data=assessments())
def test_generated_assessments_render_to_pdf(tmp_path_factory, data):
    project = tmp_project(tmp_path_factory.mktemp("fuzz"), data)
    slug = data["customer"]["slug"]
    assume(rendered(project, slug, ("pdf", "html", "xlsx")))
    check_outputs(project.output_dir(slug), data)
    pdf = (project.output_dir(slug) / f"{report_name(slug)}.pdf").read_bytes()
    cover = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    unshaped = [ch for ch in data["customer"]["name"] if not ch.isspace() and not "\u0600" <= ch <= "\u06ff"]
    assert not unshaped or any(ch in cover for ch in unshaped)  # Arabic is extracted in its shaped forms

"""Section 12's charts and sentence, drawn from results.json alone."""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET

from reportgen.model.contract import Percentiles, Results
from reportgen.report.filters import money_short
from reportgen.report.chart_plan import CHARTS, TORNADO_ROWS, chart_names
from reportgen.report.charts import Style, draw, draw_charts, input_value
from reportgen.report.theme import load_theme
from reportgen.report.view import range_sentence

from .conftest import ROOT


def style(results: Results) -> Style:
    return Style(load_theme(ROOT / "templates", "default"), results)


def texts(svg: bytes) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(node.itertext()) for node in root.iter("{http://www.w3.org/2000/svg}text")]


def without_spread(results: Results) -> Results:
    flat = copy.deepcopy(results)
    proposed = flat.options[flat.proposed_option]
    proposed.range.savings = Percentiles(**dict.fromkeys(("p10", "p50", "p90"), proposed.savings))
    flat.sensitivity = [row.model_copy(update={"swing": 0.0}) for row in flat.sensitivity]
    return flat


def test_the_histogram_marks_p10_p50_and_p90_and_is_reproducible(example_results):
    results = example_results["acme"]
    svg = draw(CHARTS["savings_histogram"], results, style(results))
    labels = texts(svg)
    spread = results.as_json()["options"]["confluent_cloud"]["range"]["savings"]
    for key in ("p10", "p50", "p90"):
        assert f"{key.upper()} {money_short(spread[key])}" in labels
    assert svg == draw(CHARTS["savings_histogram"], results, style(results))
    assert b"Date" not in svg and style(results).options["confluent_cloud"].lower().encode() in svg.lower()


def test_the_tornado_lists_the_inputs_that_move_savings_most_in_order(example_results):
    results = example_results["northwind"]
    moving = [row for row in results.as_json()["sensitivity"] if row["swing"] > 0][:TORNADO_ROWS]
    labels = [t for t in texts(draw(CHARTS["tornado"], results, style(results))) if "(" in t and "–" in t]
    assert labels == [f"{row['label']} ({input_value(row['low'])} – {input_value(row['high'])})" for row in moving]


def test_nothing_is_drawn_when_no_input_moves_savings(example_results):
    flat = without_spread(example_results["acme"])
    names = chart_names(flat)
    assert "savings_histogram" not in names and "tornado" not in names
    assert list(draw_charts(flat, load_theme(ROOT / "templates", "default"))) == names
    assert "savings_histogram" in chart_names(example_results["acme"]) and "tornado" in chart_names(example_results["acme"])


def test_the_range_sentence_quotes_the_proposed_options_percentiles(example_results):
    results = example_results["bluebird"]
    spread = results.as_json()["options"]["msk_serverless"]["range"]["savings"]
    assert range_sentence(results) == (
        f"In 80\u00a0% of 10,000 simulated outcomes, savings fall between {money_short(spread['p10'])} "
        f"and {money_short(spread['p90'])} (median {money_short(spread['p50'])}).")
    assert re.search(r"All 10,000 simulated outcomes give the same savings, \$[\d.]+K", range_sentence(
        without_spread(results)))


def test_input_values_read_as_written():
    assert [input_value(v) for v in (4, 0.25, 0.1, 50000.0, 1.5, 0.0)] == ["4", "0.25", "0.1", "50,000", "1.5", "0"]


def test_charts_keep_plain_svg_tags_after_weasyprint_has_touched_the_xml_registry(example_results):
    import weasyprint.pdf.metadata  # noqa: F401  (its import clears the default XML namespace, as here)
    ET.register_namespace("", "")
    svg = draw_charts(example_results["acme"], load_theme(ROOT / "templates", "default"))["tornado"]
    assert b"ns0:" not in svg and b'<svg xmlns="http://www.w3.org/2000/svg"' in svg


def test_charts_name_only_the_fallback_fonts_their_text_needs(example_results):
    plain = example_results["acme"]
    assert style(plain).rc["font.family"] == ["Noto Sans", "sans-serif"]
    cjk = copy.deepcopy(plain)
    cjk.sensitivity[0].label = "東京 クラスター ingress"
    families = style(cjk).rc["font.family"]
    assert families[0] == "Noto Sans" and "Noto Sans CJK SC" in families and families[-1] == "sans-serif"
    assert "Noto Sans CJK SC" in draw_charts(cjk, load_theme(ROOT / "templates", "default"))["tornado"].decode()

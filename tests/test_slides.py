"""The editable slides: native charts carrying the results' own values, the theme's colours, the headline rules'
words, the revision, literal customer text, a theme's own master, and the same bytes for the same results."""

from __future__ import annotations

import io
import re
import shutil
import zipfile

import pytest
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu

from reportgen.build.pipeline import compute
from reportgen.model.contract import Revision
from reportgen.problems import ReportgenError
from reportgen.report import filters, headline
from reportgen.report.theme import load_theme, option_colours
from reportgen.slides.deck import build_deck

ASSESSMENT_DATE = "2026-11-20"
WIDESCREEN = Emu(12192000), Emu(6858000)  # PowerPoint's 16:9, as its own masters have it


def built(results, theme, rationale=None) -> bytes:
    return build_deck(results, theme, rationale, assessment_date=ASSESSMENT_DATE)


def opened(data: bytes):
    return Presentation(io.BytesIO(data))


def charts(deck) -> dict[str, object]:
    """Each native chart by its series' name."""
    found = [shape.chart for slide in deck.slides for shape in slide.shapes if shape.has_chart]
    return {chart.plots[0].series[0].name: chart for chart in found}


def chart_named(deck, prefix: str):
    return next(chart for name, chart in charts(deck).items() if name.startswith(prefix))


def slide_text(slide) -> str:
    return "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


def deck_text(deck) -> str:
    return "\n".join(slide_text(slide) for slide in deck.slides)


def point_colours(chart) -> list[str]:
    return [f"#{point.format.fill.fore_color.rgb}" for point in chart.plots[0].series[0].points]


@pytest.fixture(scope="module")
def themes(project):
    return {name: load_theme(project.templates, name) for name in ("default", "harbor")}


@pytest.fixture(scope="module")
def lindqvist(project, catalogue):
    return compute(project, "lindqvist", catalogue).results


@pytest.mark.parametrize("slug", ["acme", "bluebird"])
def test_the_charts_carry_the_results_values_exactly(slug, example_results, example_json, themes):
    results, data = example_results[slug], example_json[slug]
    deck = opened(built(results, themes["default"]))
    assert 3 <= len(deck.slides) <= 5
    assert len(charts(deck)) >= 2
    order, proposed = data["option_order"], data["options"][data["proposed_option"]]
    tco = chart_named(deck, "Hard TCO")
    assert list(tco.plots[0].series[0].values) == [data["options"][o]["tco_hard"] for o in order]
    assert [c.split(" (")[0] for c in tco.plots[0].categories] == [data["options"][o]["short_name"] for o in order]
    roi = chart_named(deck, "ROI")
    assert list(roi.plots[0].series[0].values) == [data["options"][o]["roi"] for o in order
                                                   if data["options"][o]["roi"] is not None]
    savings = proposed["range"]["savings"]
    spread = chart_named(deck, "Savings")
    assert list(spread.plots[0].series[0].values) == [savings["p10"], savings["p50"], savings["p90"]]


def test_the_finding_slide_prints_the_summary_s_figures_and_sentences(example_results, example_json, themes):
    results, data = example_results["acme"], example_json["acme"]
    proposed = data["options"][data["proposed_option"]]
    text = slide_text(opened(built(results, themes["default"])).slides[1])
    assert " ".join(headline.finding(results)) in text
    for figure in (filters.money_short(proposed["savings"], data["currency"]), filters.percent(proposed["savings_pct"]),
                   filters.percent(proposed["roi"]), filters.months(proposed["payback_months"])):
        assert figure in text
    assert "Payback" in text


def test_a_proposal_that_costs_more_shows_no_payback(example_results, themes):
    results = example_results["acme"]
    proposed = results.options[results.proposed_option]
    costlier = proposed.model_copy(update={"savings": -proposed.savings, "savings_pct": -proposed.savings_pct,
                                           "payback_months": None})
    losing = results.model_copy(update={"options": {**results.options, results.proposed_option: costlier}})
    text = slide_text(opened(built(losing, themes["default"])).slides[1])
    assert "TCO increase" in text and filters.money_short(proposed.savings, results.currency) in text
    assert "Payback" not in text


def test_labels_and_number_formats_use_the_assessment_s_currency(lindqvist, themes):
    deck = built(lindqvist, themes["default"])
    tco = chart_named(opened(deck), "Hard TCO")
    assert tco.plots[0].series[0].name.endswith("(EUR)")
    shown = tco.plots[0].data_labels.number_format
    assert shown.startswith('"€"#,##0.00,,"M"') and "$" not in shown
    assert "€" in slide_text(opened(deck).slides[1])


def test_the_theme_s_colours_fill_the_bars_and_tiles(example_results, themes):
    results = example_results["acme"]
    colours = {}
    for name, theme in themes.items():
        deck = opened(built(results, theme))
        expected = option_colours(theme, results.option_order)
        colours[name] = point_colours(chart_named(deck, "Hard TCO"))
        assert colours[name] == [expected[o] for o in results.option_order]
        fills = {f"#{shape.fill.fore_color.rgb}" for shape in deck.slides[1].shapes
                 if shape.shape_type == 1 and shape.fill.type == 1}  # autoshapes with a solid fill
        assert theme.colors["tile_background"] in fills
        assert deck.slides[0].background.fill.fore_color.rgb == RGBColor.from_string(theme.colors["primary"][1:])
        assert theme.heading_font in {run.font.name for shape in deck.slides[1].shapes if shape.has_text_frame
                                      for p in shape.text_frame.paragraphs for run in p.runs}
    assert colours["default"] != colours["harbor"]


def test_the_deck_is_16_by_9(example_results, themes):
    deck = opened(built(example_results["acme"], themes["harbor"]))
    assert (deck.slide_width, deck.slide_height) == WIDESCREEN


def test_the_revision_label_is_printed_when_set(example_results, themes):
    results = example_results["acme"]
    assert "Revision" not in deck_text(opened(built(results, themes["default"])))
    label = "Revision 2 (draft), 20 November 2026"
    revision = Revision(number=2, date=ASSESSMENT_DATE, final=False, label=label)
    revised = results.model_copy(update={"revision": revision})
    deck = opened(build_deck(revised, themes["default"]))
    assert label in slide_text(deck.slides[0])
    assert all(label in slide_text(slide) for slide in deck.slides)
    assert deck.core_properties.revision == 2


def test_the_same_results_give_the_same_bytes(example_results, themes):
    results = example_results["acme"]
    first, second = built(results, themes["default"]), built(results, themes["default"])
    assert first == second
    outer = zipfile.ZipFile(io.BytesIO(first))
    workbooks = [zipfile.ZipFile(io.BytesIO(outer.read(n))) for n in outer.namelist() if n.endswith(".xlsx")]
    assert len(workbooks) >= 2
    assert {i.date_time for z in (outer, *workbooks) for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert {re.search(rb"<dcterms:created[^>]*>([^<]*)<", z.read("docProps/core.xml")).group(1) for z in workbooks} == \
        {f"{ASSESSMENT_DATE}T00:00:00Z".encode()}
    assert opened(first).core_properties.created.date().isoformat() == ASSESSMENT_DATE


def test_customer_text_is_printed_literally(example_results, themes):
    results = example_results["acme"]
    name = 'Smith & <Sons> "Q" \'Ltd\' &amp; ]]> {{ name }} %s \\n'
    renamed = results.model_copy(update={"customer": results.customer.model_copy(update={"name": name})})
    rationale = "Ops <team> & \"budget\" &lt; reasons"
    deck = opened(built(renamed, themes["default"], rationale))
    assert name in slide_text(deck.slides[0])
    assert headline.possessive(name) in slide_text(deck.slides[1])
    assert rationale in slide_text(deck.slides[2])
    assert deck.core_properties.subject == name


def test_a_date_is_needed_without_a_revision(example_results, themes):
    with pytest.raises(ValueError, match="assessment_date"):
        build_deck(example_results["acme"], themes["default"])


def _theme_with_master(tmp_path, project, master_name: str, master_bytes: bytes | None):
    templates = tmp_path / "templates"
    shutil.copytree(project.templates / "themes", templates / "themes")
    if master_bytes is not None:
        (templates / "themes" / "harbor" / master_name).write_bytes(master_bytes)
    toml = templates / "themes" / "harbor" / "theme.toml"
    toml.write_text(f'slides_master = "{master_name}"\n' + toml.read_text())
    return load_theme(templates, "harbor")


def test_a_theme_s_master_is_the_deck_s_starting_point(tmp_path, project, example_results):
    master = Presentation()
    master.slide_width, master.slide_height = WIDESCREEN
    master.slide_layouts[5].name = "Brand title only"
    master.slide_master.background.fill.solid()
    master.slide_master.background.fill.fore_color.rgb = RGBColor.from_string("FBF6EE")
    theme = _theme_with_master(tmp_path, project, "master.pptx", _saved(master))
    assert theme.slides_master == tmp_path / "templates" / "themes" / "harbor" / "master.pptx"
    results = example_results["acme"]
    deck = opened(built(results, theme))
    assert deck.slide_master.background.fill.fore_color.rgb == RGBColor.from_string("FBF6EE")
    assert {slide.slide_layout.name for slide in list(deck.slides)[1:]} == {"Brand title only"}
    assert deck.slides[1].shapes.title.text_frame.text.startswith("The finding")
    assert list(chart_named(deck, "Hard TCO").plots[0].series[0].values) == \
        [results.options[o].tco_hard for o in results.option_order]


@pytest.mark.parametrize("name, data, error", [("master.pptx", None, "is not a file inside"),
                                               ("master.potx", b"x", "is not a .pptx file"),
                                               ("../default/theme.toml", None, "relative path")])
def test_a_master_that_is_not_a_pptx_in_the_theme_is_refused(tmp_path, project, name, data, error):
    with pytest.raises(ReportgenError, match=re.escape(error)):
        _theme_with_master(tmp_path, project, name, data)


def _saved(presentation) -> bytes:
    out = io.BytesIO()
    presentation.save(out)
    return out.getvalue()


def test_a_master_the_slides_cannot_be_laid_on_is_refused_with_why(tmp_path, project, example_results):
    four_by_three = Presentation()
    theme = _theme_with_master(tmp_path / "a", project, "master.pptx", _saved(four_by_three))
    with pytest.raises(ReportgenError, match="is 10.0 by 7.5 inches; the slides are laid out for PowerPoint's"):
        built(example_results["acme"], theme)
    with_a_slide = Presentation()
    with_a_slide.slide_width, with_a_slide.slide_height = WIDESCREEN
    with_a_slide.slides.add_slide(with_a_slide.slide_layouts[6])
    theme = _theme_with_master(tmp_path / "b", project, "master.pptx", _saved(with_a_slide))
    with pytest.raises(ReportgenError, match="holds 1 slides; delete them"):
        built(example_results["acme"], theme)

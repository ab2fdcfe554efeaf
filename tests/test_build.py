"""Incremental batch builds, the change log and scaffolding (issue: regenerating reports)."""

from __future__ import annotations

import gc
import json
import shutil
import time
import weakref
from dataclasses import replace

import pytest

import reportgen.build.batch
import reportgen.build.fingerprint
from reportgen.build.batch import Environment, FileDigests, Manifest, Settings, _collector_paused, build_many, plan
from reportgen.catalogue import load_catalogue
from reportgen.build.pipeline import Project, diff, new_assessment, report
from reportgen.build.summary import changes_text

from .conftest import EXAMPLES, ROOT

SETTINGS = Settings(formats=("html",))  # the PDF is tested elsewhere; HTML keeps these tests fast


@pytest.fixture
def batch_project(tmp_path) -> Project:
    """A copy of the repository's examples and templates in a temporary project."""
    (tmp_path / "inputs").mkdir()
    for slug in EXAMPLES:
        shutil.copy(ROOT / "inputs" / f"{slug}.json", tmp_path / "inputs")
    if (ROOT / "templates").is_dir():
        shutil.copytree(ROOT / "templates", tmp_path / "templates")
    return Project(tmp_path)


def edit(project: Project, slug: str, change) -> None:
    path = project.inputs / f"{slug}.json"
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data, indent=2))


def statuses(outcomes) -> dict[str, str]:
    return {o.slug: o.status for o in outcomes}


def test_second_run_rebuilds_nothing_and_one_change_rebuilds_one(batch_project):
    catalogue = load_catalogue()
    slugs = batch_project.customers()
    first = build_many(batch_project, slugs, catalogue, SETTINGS, workers=2)
    assert statuses(first) == {slug: "built" for slug in EXAMPLES}
    started = time.perf_counter()
    second = build_many(batch_project, slugs, catalogue, SETTINGS, workers=2)
    assert statuses(second) == {slug: "up to date" for slug in EXAMPLES}
    assert time.perf_counter() - started < 1.0
    assert second[0].savings == first[0].savings
    edit(batch_project, "bluebird", lambda d: d["risk"].update(outage_cost_per_hour=6000))
    third = build_many(batch_project, slugs, catalogue, SETTINGS, workers=2)
    assert statuses(third) == {"acme": "up to date", "bluebird": "built", "northwind": "up to date"}
    assert next(o for o in third if o.slug == "bluebird").reason == "inputs changed"
    forced = build_many(batch_project, slugs, catalogue, SETTINGS, force=True, workers=2)
    assert statuses(forced) == {slug: "built" for slug in EXAMPLES}


def test_a_catalogue_change_rebuilds_exactly_the_customers_that_use_it(batch_project):
    catalogue = load_catalogue()
    slugs = batch_project.customers()
    build_many(batch_project, slugs, catalogue, SETTINGS, workers=2)
    key = "options.confluent_platform.licence_per_broker_year"  # only acme compares Confluent Platform
    entries = dict(catalogue.entries)
    entries[key] = replace(entries[key], value=entries[key].value * 2)
    changed = replace(catalogue, entries=entries)
    environment = Environment.of(batch_project.root, SETTINGS, FileDigests(batch_project.cache / "digests.json"))
    current, to_build = plan(batch_project, slugs, changed, SETTINGS, False, environment, Manifest(batch_project.output))
    assert [slug for slug, _ in to_build] == ["acme"]
    assert key in to_build[0][1]
    assert sorted(o.slug for o in current) == ["bluebird", "northwind"]


def test_a_change_to_the_catalogues_words_rebuilds_every_customer(batch_project):
    """The catalogue's version is on every cover, and an option's name in every table: not values, yet printed."""
    catalogue, slugs = load_catalogue(), batch_project.customers()
    build_many(batch_project, slugs, catalogue, SETTINGS, workers=2)
    options = dict(catalogue.options)
    options["confluent_cloud"] = replace(options["confluent_cloud"], short_name="Confluent Cloud (renamed)")
    environment = Environment.of(batch_project.root, SETTINGS, FileDigests(batch_project.cache / "digests.json"))
    for changed in (replace(catalogue, version="2099.1"), replace(catalogue, options=options)):
        _, to_build = plan(batch_project, slugs, changed, SETTINGS, False, environment, Manifest(batch_project.output))
        assert sorted(slug for slug, _ in to_build) == sorted(slugs)
        assert {reason for _, reason in to_build} == {"catalogue changed: its version, an option's name or "
                                                      "description, or a capability"}


def test_the_tool_digest_covers_reportgens_data_files_but_not_the_catalogues(tmp_path, monkeypatch):
    package = tmp_path / "reportgen"
    shutil.copytree(ROOT / "reportgen", package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(reportgen.build.fingerprint, "PACKAGE_DIR", package)
    digests = FileDigests(tmp_path / "digests.json")
    before = Environment.of(ROOT, SETTINGS, digests).tool
    price = package / "catalogue" / "assumptions.toml"
    price.write_text(price.read_text() + "\n# a note\n")
    assert Environment.of(ROOT, SETTINGS, digests).tool == before  # each catalogue value is fingerprinted apart
    formulas = package / "model" / "formulas.toml"
    formulas.write_text(formulas.read_text() + "\n# a note\n")
    assert Environment.of(ROOT, SETTINGS, digests).tool != before


def test_a_template_change_rebuilds_every_customer(batch_project):
    catalogue, slugs = load_catalogue(), batch_project.customers()
    build_many(batch_project, slugs, catalogue, SETTINGS, workers=1)
    css = batch_project.templates / "report" / "report.css"
    css.write_text(css.read_text() + "\n/* a designer's edit */\n")
    rebuilt = build_many(batch_project, slugs, catalogue, SETTINGS, workers=1)
    assert statuses(rebuilt) == {slug: "built" for slug in EXAMPLES}
    assert {o.reason for o in rebuilt} == {"templates or theme changed"}


def test_file_digests_are_kept_while_size_and_time_stay(tmp_path):
    font = tmp_path / "font.ttf"
    font.write_bytes(b"glyphs")
    first = FileDigests(tmp_path / "digests.json")
    digest = first.of(font)
    first.save()
    again = FileDigests(tmp_path / "digests.json")
    assert again.of(font) == digest and not again.changed
    font.write_bytes(b"other glyphs")
    assert again.of(font) != digest and again.changed


def test_one_broken_customer_does_not_stop_the_others(batch_project):
    (batch_project.inputs / "broken.json").write_text('{"customer": {"name": "Broken", "slug": "broken"}')
    outcomes = build_many(batch_project, batch_project.customers(), load_catalogue(), SETTINGS, workers=2)
    assert statuses(outcomes) == {"acme": "built", "bluebird": "built", "broken": "failed", "northwind": "built"}
    broken = next(o for o in outcomes if o.slug == "broken")
    assert "inputs/broken.json:1:" in broken.error
    assert not (batch_project.output / "broken").exists()


def test_change_log_lists_exactly_the_changed_values(batch_project):
    catalogue = load_catalogue()
    first = report(batch_project, "acme", formats=SETTINGS.formats, catalogue=catalogue)
    assert first.results.as_json()["changes"] is None
    changes, _ = diff(batch_project, "acme", catalogue)
    assert changes.inputs == [] and changes.catalogue == [] and changes.headline == []
    edit(batch_project, "acme", lambda d: (d["risk"].update(productivity_loss=0.6),
                                          d["overrides"].update({"options.confluent_platform.licence_per_broker_year": 9000})))
    typed_changes, results = diff(batch_project, "acme", catalogue)
    changes = typed_changes.model_dump(exclude_unset=True)  # as results.json holds it
    assert changes["inputs"] == [
        {"path": "risk.productivity_loss", "old": 0.5, "new": 0.6},
        {"path": "overrides.options.confluent_platform.licence_per_broker_year", "old": None, "new": 9000}]
    assert changes["catalogue"] == [{"key": "options.confluent_platform.licence_per_broker_year", "old": 15000, "new": 9000}]
    moved = {(row["option"], row["figure"]) for row in changes["headline"]}
    assert ("confluent_platform", "tco_hard") in moved and ("confluent_cloud", "tco_hard") not in moved
    text = changes_text(typed_changes, results)
    assert "risk.productivity_loss: 0.5 -> 0.6" in text
    rebuilt = report(batch_project, "acme", formats=SETTINGS.formats, catalogue=catalogue)
    assert rebuilt.results.as_json()["changes"] == changes
    again = report(batch_project, "acme", formats=SETTINGS.formats, catalogue=catalogue)
    assert again.results.as_json()["changes"] == changes  # nothing new: the log is carried forward, bytes stay equal


def test_diff_without_a_previous_report_says_so(batch_project):
    changes, _ = diff(batch_project, "acme", load_catalogue())
    assert changes is None
    assert changes_text(None, None) == "No previous report to compare with."


def test_a_new_assessment_validates_and_is_never_overwritten(batch_project):
    import datetime
    path = new_assessment(batch_project, "globex", "Globex Corporation", datetime.date(2026, 11, 26), load_catalogue())
    data = json.loads(path.read_text())
    assert data["customer"] == {"name": "Globex Corporation", "slug": "globex", "region": "us-east-1"}
    assert "$comment" in data["baseline"]
    from reportgen.problems import ReportgenError
    with pytest.raises(ReportgenError, match="exists already"):
        new_assessment(batch_project, "globex", "Other", datetime.date(2026, 11, 26), load_catalogue())
    with pytest.raises(ReportgenError, match="not a usable slug"):
        new_assessment(batch_project, "../evil", "Evil", datetime.date(2026, 11, 26), load_catalogue())


@pytest.mark.parametrize("resident_mb, freed", [(2048, True), (300, False)])
def test_a_worker_frees_its_reports_garbage_only_past_its_memory_limit(monkeypatch, resident_mb, freed):
    class Box:
        pass

    monkeypatch.setattr(reportgen.build.batch, "resident_mb", lambda: resident_mb)
    gc.collect()
    with _collector_paused(collect_over_mb=reportgen.build.batch.WORKER_MEMORY_MB):
        box = Box()
        box.itself = box  # a cycle: only the collector frees it
        alive = weakref.ref(box)
        del box
    assert (alive() is None) == freed
    assert gc.isenabled()
    gc.collect()

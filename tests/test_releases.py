"""The report as sent: `invoke report --final`, `invoke release`, `invoke releases`, and Appendix C and
`invoke diff` against what the customer received, as a user runs them."""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from pypdf import PdfReader

from reportgen.build.names import onepager_name, report_name, slides_name, workbook_name
from tests.test_cli_batch import make_project, run

SLUG = "bluebird"
PDF = f"{report_name(SLUG)}.pdf"
DOCUMENTS = (PDF, f"{report_name(SLUG)}.html", workbook_name(SLUG), onepager_name(SLUG), slides_name(SLUG),
             "results.json", "inputs.json")


def ok(project, *args: str) -> str:
    done = run(project, *args)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


def refused(project, *args: str) -> str:
    done = run(project, *args)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout + done.stderr


def edit(project, path: str, value) -> None:
    file = project / "inputs" / f"{SLUG}.json"
    data = json.loads(file.read_text())
    *parents, last = path.split(".")
    target = data
    for part in parents:
        target = target[part]
    target[last] = value
    file.write_text(json.dumps(data, indent=2))


def pdf_text(path, pages=None) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    chosen = reader.pages if pages is None else [reader.pages[n] for n in pages]
    return " ".join(" ".join(page.extract_text().split()) for page in chosen)


def appendix_c(pdf) -> str:
    text = pdf_text(pdf)
    return text[text.index("What changed since"):]


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """bluebird built final and released as r1, then two inputs changed one after the other and built as drafts,
    with what each step printed."""
    project = make_project(tmp_path_factory.mktemp("releases"))
    output, store = project / "output" / SLUG, project / "releases" / SLUG
    steps = {"draft": ok(project, "report", "--customer", SLUG)}
    steps["draft refused"] = refused(project, "release", "--customer", SLUG)
    steps["final"] = ok(project, "report", "--customer", SLUG, "--final")
    built = {name: (output / name).read_bytes() for name in DOCUMENTS}
    steps["release"] = ok(project, "release", "--customer", SLUG, "--note", "after CFO call")
    steps["again refused"] = refused(project, "release", "--customer", SLUG)
    edit(project, "baseline.support_and_services_per_year", 12000)
    steps["stale refused"] = refused(project, "release", "--customer", SLUG)
    steps["diff"] = ok(project, "diff", "--customer", SLUG)
    ok(project, "report", "--customer", SLUG)
    edit(project, "organization.loaded_cost_per_fte_per_year", 250000)
    ok(project, "report", "--customer", SLUG)
    steps["releases"] = ok(project, "releases", "--customer", SLUG)
    return project, output, store, built, steps


def test_a_release_freezes_byte_identical_files_with_their_digests(released):
    project, _, store, built, steps = released
    assert "released Revision 1, " in steps["release"] and f"releases/{SLUG}/r1/" in steps["release"]
    record = json.loads((store / "r1" / "release.json").read_text())
    assert record["revision"] == 1 and record["note"] == "after CFO call"
    for name, data in built.items():
        frozen = (store / "r1" / name).read_bytes()
        assert frozen == data, name
        assert record["files"][name] == {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    for name, entry in record["files"].items():
        assert hashlib.sha256((store / "r1" / name).read_bytes()).hexdigest() == entry["sha256"], name
    values = json.loads((store / "r1" / "catalogue-values.json").read_text())
    assert values == json.loads(built["results.json"])["catalogue_used"]


def test_the_released_documents_carry_the_revision_and_the_draft_after_it_says_so(released):
    _, output, store, _, _ = released
    cover = pdf_text(store / "r1" / PDF, pages=[0])
    assert "Revision 1" in cover and "(draft)" not in cover
    assert "Revision 1, " in pdf_text(store / "r1" / PDF, pages=[2])  # the footer of every page after the cover
    assert json.loads((store / "r1" / "results.json").read_text())["revision"]["final"] is True
    now = pdf_text(output / PDF, pages=[0, 2])
    assert "Revision 2 (draft)" in now and "not yet the revision sent" in now
    assert json.loads((output / "results.json").read_text())["revision"] == {
        "number": 2, "date": json.loads((output / "inputs.json").read_text())["assessment"]["date"], "final": False,
        "label": json.loads((output / "results.json").read_text())["revision"]["label"]}


def test_appendix_c_lists_every_change_since_the_release_not_since_the_last_build(released):
    _, output, _, _, _ = released
    appendix = appendix_c(output / PDF)
    assert appendix.startswith("What changed since Revision 1 for Bluebird")
    assert "baseline.support_and_services_per_year" in appendix  # changed before the last build, after the release
    assert "organization.loaded_cost_per_fte_per_year" in appendix
    changes = json.loads((output / "results.json").read_text())["changes"]
    assert changes["previous"]["revision"] == 1
    assert {row["path"] for row in changes["inputs"]} == {"baseline.support_and_services_per_year",
                                                          "organization.loaded_cost_per_fte_per_year"}


def test_releasing_a_draft_an_out_of_date_build_or_one_already_released_is_refused(released):
    project, _, store, _, steps = released
    assert "is a draft (Revision 1 (draft))" in steps["draft refused"] and "--final" in steps["draft refused"]
    assert "revision 1, released already" in steps["again refused"]
    assert "out of date (inputs changed)" in steps["stale refused"]
    assert sorted(p.name for p in store.iterdir()) == ["r1"]


def test_diff_compares_with_the_release_and_releases_lists_it(released):
    _, _, _, _, steps = released
    assert steps["diff"].startswith("Since Revision 1, released on ")
    assert "baseline.support_and_services_per_year: 0 -> 12,000" in steps["diff"]
    listing = steps["releases"]
    assert "1 revision(s) released" in listing and "after CFO call" in listing
    assert "Revision 2 (draft), not released" in listing


def test_a_final_build_of_the_released_inputs_is_that_release_again(tmp_path):
    project = make_project(tmp_path)
    ok(project, "report", "--customer", SLUG, "--final")
    ok(project, "release", "--customer", SLUG)
    inputs = project / "inputs" / f"{SLUG}.json"
    released_inputs = inputs.read_bytes()
    edit(project, "baseline.support_and_services_per_year", 12000)
    ok(project, "report", "--customer", SLUG)
    inputs.write_bytes(released_inputs)
    ok(project, "report", "--customer", SLUG, "--final")
    output, store = project / "output" / SLUG, project / "releases" / SLUG / "r1"
    for name in DOCUMENTS:
        assert (output / name).read_bytes() == (store / name).read_bytes(), name
    assert "revision 1, as released" in ok(project, "releases", "--customer", SLUG)
    (store / PDF).write_bytes((store / PDF).read_bytes() + b"\n")  # a frozen file edited by hand
    assert f"ALTERED since released: {PDF}" in ok(project, "releases", "--customer", SLUG)
    (store / "release.json").write_text("{}")
    damaged = run(project, "releases", "--customer", SLUG)
    assert damaged.returncode == 1 and "release.json" in damaged.stderr and "Traceback" not in damaged.stderr


def test_against_names_an_earlier_release_and_an_unknown_one_is_refused(tmp_path):
    project = make_project(tmp_path)
    ok(project, "report", "--customer", SLUG, "--final")
    ok(project, "release", "--customer", SLUG)
    edit(project, "baseline.support_and_services_per_year", 12000)
    ok(project, "report", "--customer", SLUG, "--final")
    assert "released Revision 2, " in ok(project, "release", "--customer", SLUG)
    edit(project, "organization.loaded_cost_per_fte_per_year", 250000)
    assert "organization.loaded_cost_per_fte_per_year" in ok(project, "diff", "--customer", SLUG)
    assert "support_and_services" not in ok(project, "diff", "--customer", SLUG)
    against = ok(project, "diff", "--customer", SLUG, "--against", "r1")
    assert against.startswith("Since Revision 1") and "support_and_services_per_year" in against
    ok(project, "report", "--customer", SLUG, "--against", "r1", "--format", "pdf")
    appendix = appendix_c(project / "output" / SLUG / PDF)
    assert appendix.startswith("What changed since Revision 1") and "support_and_services_per_year" in appendix
    unknown = run(project, "diff", "--customer", SLUG, "--against", "r7")
    assert unknown.returncode == 1 and "has no such release (releases: r1, r2)" in unknown.stdout + unknown.stderr


def test_a_draft_with_placeholders_cannot_be_final(tmp_path):
    project = make_project(tmp_path)
    both = run(project, "report", "--customer", SLUG, "--final", "--draft")
    assert both.returncode == 2 and "--final" in both.stderr


def test_a_build_with_placeholders_left_is_neither_final_nor_released(tmp_path):
    project = make_project(tmp_path)
    ok(project, "new", "--customer", "globex", "--name", "Globex")
    final = run(project, "report", "--customer", "globex", "--final")
    assert final.returncode == 1 and "TO FILL" in final.stdout + final.stderr
    ok(project, "report", "--customer", "globex", "--draft", "--format", "pdf")
    assert "placeholders from `invoke new` remain" in refused(project, "release", "--customer", "globex")
    assert not (project / "releases").exists()

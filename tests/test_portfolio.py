"""`invoke export --all`: one row per built customer with its results.json's figures and whether it is the release
sent, the columns the README documents, a CSV a spreadsheet cannot be made to run, and every customer left out
named."""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from reportgen.build.portfolio import COLUMNS, csv_bytes, csv_cell, export, rows
from reportgen.build.records import ReleaseRecord
from reportgen.build.writer import json_bytes
from reportgen.model.contract import Results

from .conftest import EXAMPLES, ROOT


def expected_row(data: dict, released: bool = False) -> dict:
    """What the CRM should get for one results.json, read from the file's own keys."""
    current, proposed = data["options"][data["current_option"]], data["options"][data["proposed_option"]]
    revision = data.get("revision") or {}
    return {
        "slug": data["customer"]["slug"], "name": data["customer"]["name"],
        "revision": revision.get("number"), "revision_date": revision.get("date"),
        "released": released, "currency": data["currency"],
        "current_option": data["current_option"], "proposed_option": data["proposed_option"],
        "current_option_name": current["name"], "proposed_option_name": proposed["name"],
        "horizon_years": data["horizon_years"],
        "tco_hard_current": current["tco_hard"], "tco_hard_proposed": proposed["tco_hard"],
        "savings": proposed["savings"], "savings_pct": proposed["savings_pct"], "roi": proposed["roi"],
        "npv": proposed["npv"], "payback_months": proposed["payback_months"],
        "savings_p10": proposed["range"]["savings"]["p10"], "savings_p90": proposed["range"]["savings"]["p90"],
        "cost_per_incident": data["cost_per_incident"],
        "catalogue_version": data["generated"]["catalogue_version"],
        "inputs_sha256": data["generated"]["inputs_sha256"],
    }


def build(tmp_project, slug: str, data: dict) -> None:
    """A customer as `invoke report` leaves it: its assessment in inputs/ and its results.json in output/."""
    shutil.copy(ROOT / "inputs" / f"{slug}.json", tmp_project.root / "inputs")
    folder = tmp_project.root / "output" / slug
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "results.json").write_bytes(json_bytes(data))


def release(tmp_project, slug: str, number: int) -> None:
    """releases/<slug>/r<N>/release.json as `invoke release` records it, freezing the files now in output/<slug>/."""
    folder = tmp_project.root / "output" / slug
    outputs = {path.name: {"size": path.stat().st_size, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
               for path in sorted(folder.iterdir())}
    data = json.loads((folder / "results.json").read_bytes())
    proposed = data["options"][data["proposed_option"]]
    frozen = {"inputs_sha256": data["generated"]["inputs_sha256"], "catalogue": {}, "templates_sha256": "0" * 64,
             "tool": "test", "settings": {}, "outputs": outputs,
             "headline": {"savings": proposed["savings"], "roi": proposed["roi"], "currency": data["currency"]},
             "revision": {"number": number, "final": True, "baseline": None, "reproduces": None}}
    figures = {"currency": data["currency"], "current_option": data["current_option"],
               "proposed_option": data["proposed_option"],
               "tco_hard_current": data["options"][data["current_option"]]["tco_hard"],
               "tco_hard_proposed": proposed["tco_hard"], "savings": proposed["savings"], "roi": proposed["roi"],
               "payback_months": proposed["payback_months"]}
    record = ReleaseRecord.model_validate({"version": 1, "revision": number, "label": f"Revision {number}",
                                           "released_on": "2026-12-06", "note": "", "build": frozen,
                                           "figures": figures, "files": outputs})
    target = tmp_project.root / "releases" / slug / f"r{number}"
    target.mkdir(parents=True)
    (target / "release.json").write_bytes(json_bytes(record.model_dump()))


def with_revision(data: dict, number: int, final: bool) -> dict:
    data = copy.deepcopy(data)
    draft = "" if final else " (draft)"
    data["revision"] = {"number": number, "date": "2026-12-06", "final": final,
                        "label": f"Revision {number}{draft}, 6 December 2026"}
    return data


def read_csv(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def as_cell(value) -> str:
    return "" if value is None else ("true" if value else "false") if isinstance(value, bool) else str(value)


@pytest.fixture
def built(tmp_project, example_json):
    for slug in EXAMPLES:
        build(tmp_project, slug, example_json[slug])
    return tmp_project


def test_each_built_customer_is_one_row_holding_its_results_figures(built, example_json):
    done = export(built.project, list(reversed(EXAMPLES)))
    assert done.exported == sorted(EXAMPLES) and done.not_exported == [] and done.stale == []
    table = read_csv(built.root / "output" / "portfolio.csv")
    assert [line["slug"] for line in table] == sorted(EXAMPLES)
    document = json.loads((built.root / "output" / "portfolio.json").read_bytes())
    assert document["columns"] == list(COLUMNS)
    for line, record in zip(table, document["rows"]):
        expected = expected_row(example_json[line["slug"]])
        assert record == expected
        assert line == {column: as_cell(value) for column, value in expected.items()}
        for column, value in expected.items():
            if isinstance(value, float):
                assert float(line[column]) == value, column  # unrounded: the cell reads back the same float


def test_released_is_true_only_while_output_holds_the_latest_release_byte_for_byte(tmp_project, example_json):
    build(tmp_project, "acme", with_revision(example_json["acme"], 1, final=True))
    release(tmp_project, "acme", 1)  # sent, and output/acme/ is still that build
    build(tmp_project, "bluebird", with_revision(example_json["bluebird"], 1, final=True))
    release(tmp_project, "bluebird", 1)
    build(tmp_project, "bluebird", with_revision(example_json["bluebird"], 2, final=False))  # rebuilt since
    build(tmp_project, "northwind", with_revision(example_json["northwind"], 1, final=True))  # never released
    export(tmp_project.project, list(EXAMPLES))
    table = read_csv(tmp_project.root / "output" / "portfolio.csv")
    assert [(r["slug"], r["revision"], r["revision_date"], r["released"]) for r in table] == [
        ("acme", "1", "2026-12-06", "true"), ("bluebird", "2", "2026-12-06", "false"),
        ("northwind", "1", "2026-12-06", "false")]
    assert json.loads((tmp_project.root / "output" / "portfolio.json").read_bytes())["rows"][0] == expected_row(
        with_revision(example_json["acme"], 1, final=True), released=True)


def test_a_release_record_that_cannot_be_read_leaves_its_customer_out_saying_why(tmp_project, example_json):
    build(tmp_project, "acme", example_json["acme"])
    build(tmp_project, "bluebird", example_json["bluebird"])
    release(tmp_project, "acme", 1)
    (tmp_project.root / "releases" / "acme" / "r1" / "release.json").write_text('{"version": 1}')
    done = export(tmp_project.project, ["acme", "bluebird"])
    assert done.exported == ["bluebird"]
    [(slug, why)] = done.not_exported
    assert slug == "acme" and "releases/acme/r1/release.json" in why and "restored from version control" in why


def test_the_export_is_the_same_bytes_whatever_order_and_however_often(built):
    output = built.root / "output"
    export(built.project, list(EXAMPLES))
    first = (output / "portfolio.csv").read_bytes(), (output / "portfolio.json").read_bytes()
    export(built.project, list(reversed(EXAMPLES)))
    assert ((output / "portfolio.csv").read_bytes(), (output / "portfolio.json").read_bytes()) == first
    assert b"\r" not in first[0] and first[0].endswith(b"\n")


HOSTILE_NAMES = ['=HYPERLINK("http://x.invalid","Click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
                 "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_name_a_spreadsheet_would_run_is_written_as_text(name, example_json):
    data = copy.deepcopy(example_json["acme"])
    data["customer"]["name"] = name
    proposed = data["options"][data["proposed_option"]]
    proposed["savings"], proposed["npv"] = -1234.5, -0.25  # negative numbers stay numbers
    table = rows({"acme": Results.model_validate(data)}, set())
    parsed = list(csv.reader(io.StringIO(csv_bytes(table).decode("utf-8"), newline="")))
    assert len(parsed) == 2 and len(parsed[1]) == len(COLUMNS)
    line = dict(zip(parsed[0], parsed[1]))
    assert line["name"] == "'" + name
    assert line["savings"] == "-1234.5" and line["npv"] == "-0.25"
    assert table[0]["name"] == name  # the JSON keeps the name as given


@pytest.mark.parametrize("value, cell", [("Acme Corp", "Acme Corp"), ("a=b", "a=b"), ("", ""), (None, ""),
                                         (True, "true"), (False, "false"), (3, 3), (-0.1, -0.1)])
def test_a_cell_is_the_value_and_text_is_prefixed_only_where_a_formula_could_start(value, cell):
    assert csv_cell(value) == cell and type(csv_cell(value)) is type(cell)


def test_numbers_are_written_unquoted_and_exact_and_text_quoted(example_json):
    data = copy.deepcopy(example_json["acme"])
    data["options"][data["proposed_option"]]["savings"] = 0.1 + 0.2
    data["options"][data["proposed_option"]]["roi"] = None
    line = csv_bytes(rows({"acme": Results.model_validate(data)}, set())).decode().splitlines()[1]
    assert line.startswith('"acme","Acme Corp","","","false","USD",')
    assert ',"self_managed_kafka","confluent_cloud","Self-managed Apache Kafka","Confluent Cloud (Enterprise)",3,' \
        in line
    assert ",0.30000000000000004," in line and f",{data['options']['confluent_cloud']['savings_pct']!r},\"\"," \
        in line


def invoke_export(root, *args: str) -> subprocess.CompletedProcess:
    shutil.copy(ROOT / "tasks.py", root / "tasks.py")
    return subprocess.run([sys.executable, "-m", "invoke", "export", *args], cwd=root, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)


def test_the_task_exports_the_built_names_the_rest_and_exits_1(built, example_json):
    root = built.root
    shutil.copy(ROOT / "inputs" / "lindqvist.json", root / "inputs")  # never built
    older = copy.deepcopy(example_json["northwind"])
    older["results_version"] = "0.9"
    (root / "output" / "northwind" / "results.json").write_bytes(json_bytes(older))
    done = invoke_export(root, "--all")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "lindqvist: not exported: no report in output/lindqvist/: run invoke report --customer lindqvist" \
        in done.stderr
    assert re.search(r"northwind: not exported: output/northwind/results\.json is not this version's results "
                     r"\(results_version: .*\): run invoke report --customer northwind", done.stderr)
    assert "2 of 4 customer(s) not exported" in done.stderr
    assert "wrote output/portfolio.csv and output/portfolio.json: 2 customer(s)" in done.stdout
    table = read_csv(root / "output" / "portfolio.csv")
    assert [line["slug"] for line in table] == ["acme", "bluebird"]
    assert table[0]["savings"] == as_cell(expected_row(example_json["acme"])["savings"])


def test_the_task_warns_of_a_report_older_than_its_assessment_and_needs_all(built, example_json):
    root = built.root
    assessment = json.loads((root / "inputs" / "bluebird.json").read_text())
    assessment["baseline"]["support_and_services_per_year"] = 12000
    (root / "inputs" / "bluebird.json").write_text(json.dumps(assessment, indent=2))
    done = invoke_export(root, "--all")
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == ("warning: bluebird: exported from its last report, but inputs/bluebird.json has "
                                   "changed since: run invoke report --customer bluebird")
    assert [line["slug"] for line in read_csv(root / "output" / "portfolio.csv")] == sorted(EXAMPLES)
    refused = invoke_export(root)
    assert refused.returncode == 2 and "give --all" in refused.stderr


def readme_columns() -> list[str]:
    """The first column of the table in README.md's section "Figures for the CRM"."""
    section = (ROOT / "README.md").read_text().split("\n## Figures for the CRM\n", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("| `")]
    return [re.match(r"\| `([a-z0-9_]+)` \|", line).group(1) for line in lines]


def test_the_readme_documents_exactly_the_columns_written_in_their_order():
    assert readme_columns() == list(COLUMNS)

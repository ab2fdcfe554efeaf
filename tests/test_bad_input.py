"""Bad and hostile input: a located, plain-English error, exit 1, and nothing written.

Cases go through the library's entry points (`Project.input_file`, `compute`) and, for a few,
through the real command line run in a copy of the project.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from PIL import Image

from reportgen.inputs.logo import MAX_LOGO_BYTES, MAX_LOGO_PIXELS
from reportgen.inputs.loader import MAX_FILE_BYTES
from reportgen.build.pipeline import compute
from reportgen.problems import InputError, ReportgenError, json_path

from .conftest import ROOT, example, variant

ACME = json.dumps(example("acme"), indent=2)


def failure(tmp_project, content: str | bytes, slug: str = "acme") -> InputError:
    path = tmp_project.root / "inputs" / f"{slug}.json"
    path.write_bytes(content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content)
    with pytest.raises(InputError) as caught:
        compute(tmp_project.project, slug)
    return caught.value


def only_problem(tmp_project, content, slug: str = "acme"):
    problems = failure(tmp_project, content, slug).problems
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


# id: (file content, line, JSON path, message fragment)
BAD_FILES = {
    "an empty file": ("", 1, "(the whole file)", "the file is empty"),
    "only blanks": ("  \n\n  ", 1, "(the whole file)", "the file is empty"),
    "not JSON": ("customer: acme\n", 1, "(the whole file)", "unexpected text 'customer:'"),
    "JSON then garbage": (ACME + "\n}\n", ACME.count("\n") + 2, "(the whole file)",
                          "unexpected text after the end of the JSON document"),
    "a list at the top": ("[1, 2]", 1, "(the whole file)", "found a list [...]; expected one JSON object"),
    "deeply nested JSON": ('{"customer": ' + "[" * 100_000 + "]" * 100_000 + "}", 1,
                           "customer" + "[0]" * 32, "nested more than 32 levels deep"),
    "a BOM then NaN": ("\ufeff" + ACME.replace('"employees": 2000', '"employees": NaN'),
                       ACME[:ACME.index('"employees"')].count("\n") + 1, "organization.employees", "found NaN"),
    "latin-1 text": (ACME.replace("Acme Corp", "Acmé Corp").encode("latin-1"), 4, "(the whole file)",
                     "is not UTF-8 text (byte 0xe9 on this line)"),
    "UTF-16 with a BOM": (ACME.encode("utf-16"), 1, "(the whole file)", "UTF-16 or binary"),
    "UTF-16 without a BOM": (ACME.encode("utf-16-le"), 1, "(the whole file)", "UTF-16 or binary"),
    "a lone surrogate escape": (ACME.replace("Acme Corp", "Acme \\udc00Corp"), 4, "customer.name", "lone surrogate"),
    "a raw lone surrogate": (ACME.replace("Acme Corp", "Acme \udc00Corp"), 4, "(the whole file)", "not UTF-8"),
}


@pytest.mark.parametrize("content, line, path, fragment", [pytest.param(*c, id=k) for k, c in BAD_FILES.items()])
def test_a_bad_file_is_one_located_problem(tmp_project, content, line, path, fragment):
    problem = only_problem(tmp_project, content)
    assert (problem.file, problem.line, json_path(problem.path)) == ("inputs/acme.json", line, path)
    assert fragment in problem.message


def test_a_file_over_the_size_limit_is_refused_before_parsing(tmp_project):
    problem = only_problem(tmp_project, b"not json at all " * (MAX_FILE_BYTES // 16 + 1))
    assert problem.line == 1
    assert f"larger than {MAX_FILE_BYTES:,} bytes" in problem.message and "nothing in it was read" in problem.message


def test_a_byte_order_mark_is_accepted(tmp_project, example_json):
    tmp_project.write("\ufeff" + ACME, "acme")
    assert compute(tmp_project.project, "acme").results.as_json()["options"] == example_json["acme"]["options"]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


# id: (changes to acme, JSON path, text on the reported line, message fragment); each is one rule met via compute()
BAD_VALUES = {
    "wrong type": ({"clusters.0.retention_days": "7"}, "clusters[0].retention_days", '"7"', 'found the text "7"'),
    "negative money": ({"risk.outage_cost_per_hour": -100}, "risk.outage_cost_per_hour",
                       '"outage_cost_per_hour": -100', "expected at least 0"),
    "negative count": ({"clusters.1.partitions": -1}, "clusters[1].partitions", '"partitions": -1',
                       "expected at least 1"),
    "share above 1": ({"risk.productivity_loss": 1.01}, "risk.productivity_loss", "1.01", "expected at most 1"),
    "horizon of 0": ({"assessment.horizon_years": 0}, "assessment.horizon_years", '"horizon_years"',
                     "expected at least 1"),
    "horizon of 50": ({"assessment.horizon_years": 50}, "assessment.horizon_years", '"horizon_years"',
                      "expected at most 10"),
    "no clusters": ({"clusters": []}, "clusters", '"clusters"', "expected at least 1"),
    "unknown option": ({"assessment.options": ["self_managed_kafka", "confluent_cloud", "kafka_cloud"]},
                       "assessment.options[2]", '"kafka_cloud"', "unknown option 'kafka_cloud'"),
    "proposed not compared": ({"assessment.options": ["self_managed_kafka", "msk"]}, "assessment.options",
                              '"options"', "add confluent_cloud"),
    "slug with dots and slashes": ({"customer.slug": "../../etc"}, "customer.slug", '"slug"',
                                   "lowercase letters, digits and single hyphens"),
    "bidi control in a cluster name": ({"clusters.0.name": "prod\u202e"}, "clusters[0].name", "prod", "U+202E"),
    "control character in a name": ({"customer.name": "Acme\x1b[31m"}, "customer.name", "Acme", "U+001B"),
    "line separator in a name": ({"customer.name": "Acme\u2028Corp"}, "customer.name", "Acme", "U+2028"),
}


@pytest.mark.parametrize("changes, path, needle, fragment", [pytest.param(*c, id=k) for k, c in BAD_VALUES.items()])
def test_a_bad_value_is_named_by_path_and_line(tmp_project, changes, path, needle, fragment):
    text = json.dumps(variant("acme", **changes), indent=2)
    problem = only_problem(tmp_project, text)
    assert (json_path(problem.path), problem.line) == (path, line_of(text, needle))
    assert fragment in problem.message


@pytest.mark.parametrize("customer", ["../acme", "inputs/acme", "/etc/passwd", "acme/..", "..", "acme\n", "ACME", ""])
def test_a_customer_argument_that_is_a_path_is_refused(tmp_project, customer):
    tmp_project.write(example("acme"))
    with pytest.raises(ReportgenError, match="is not a customer slug"):
        tmp_project.project.input_file(customer)


# --- logos --------------------------------------------------------------------------------------------------------

def logo_problem_of(tmp_project, logo: str) -> str:
    problems = failure(tmp_project, json.dumps(variant("acme", **{"customer.logo": logo}), indent=2)).problems
    assert [json_path(p.path) for p in problems] == ["customer.logo"]
    assert problems[0].line == 8
    return problems[0].message


def save_png(path, size=(40, 20)):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, "navy").save(path, format="PNG")


SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">{}</svg>'
BAD_SVGS = {
    "a script": (SVG.format("<script>alert(1)</script>"), "contains a <script> element"),
    "an event handler": (SVG.format('<rect width="5" height="5" onclick="x()"/>'), "event handler (onclick)"),
    "an external image": (SVG.format('<image href="file:///etc/passwd"/>'), "refers to another file or address"),
    "an xlink to the web": ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
                            '<use xlink:href="http://example.com/a.svg#x"/></svg>', "refers to another file"),
    "a CSS url": (SVG.format('<rect style="fill: url(http://example.com/x)"/>'), "url(...)"),
    "a style sheet import": (SVG.format("<style>@import 'http://example.com/x.css';</style>"), "style sheet"),
    "a DOCTYPE with an entity": ('<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + SVG.format("&x;"),
                                 "has a DOCTYPE"),
    "a style sheet instruction": ('<?xml-stylesheet href="http://example.com/x.css"?>' + SVG.format(""),
                                  "processing instruction"),
    "a foreign object": (SVG.format("<foreignObject><p>hi</p></foreignObject>"), "<foreignObject>"),
    "an HTML root": ("<html><body>logo</body></html>", "has <html> as its root element"),
    "broken XML": ("<svg><g></svg>", "not well-formed XML"),
    "plain text": ("just a logo", "not well-formed XML"),
}


@pytest.mark.parametrize("content, fragment", [pytest.param(*c, id=k) for k, c in BAD_SVGS.items()])
def test_an_unsafe_or_broken_svg_logo_is_refused(tmp_project, content, fragment):
    (tmp_project.root / "logo.svg").write_text(content)
    message = logo_problem_of(tmp_project, "logo.svg")
    assert message.startswith("'logo.svg' ") and fragment in message


def test_a_plain_svg_logo_and_a_png_logo_are_accepted(tmp_project):
    (tmp_project.root / "brand").mkdir()
    (tmp_project.root / "brand" / "logo.svg").write_text(
        SVG.format('<defs><linearGradient id="g"/></defs><rect fill="url(#g)" width="5" height="5"/>'
                   '<use href="#g"/><style>rect { fill: #123456; }</style>'))
    save_png(tmp_project.root / "brand" / "logo.png")
    for logo in ("brand/logo.svg", "brand/logo.png", "./brand/../brand/logo.png"):
        tmp_project.write(variant("acme", **{"customer.logo": logo}))
        assert compute(tmp_project.project, "acme").results.as_json()["customer"]["logo"] == logo


def test_a_logo_that_is_not_the_image_its_name_says_is_refused(tmp_project):
    (tmp_project.root / "logo.png").write_text("<svg/>")
    assert "named as a PNG image but its content is not PNG" in logo_problem_of(tmp_project, "logo.png")
    save_png(tmp_project.root / "photo.jpg")
    assert "named as a JPEG image but its content is not JPEG" in logo_problem_of(tmp_project, "photo.jpg")
    (tmp_project.root / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    assert "is not a readable PNG image" in logo_problem_of(tmp_project, "broken.png")
    (tmp_project.root / "logo.gif").write_bytes(b"GIF89a")
    assert "is not a .png, .jpg, .jpeg or .svg file" in logo_problem_of(tmp_project, "logo.gif")


def test_a_logo_too_large_in_bytes_or_pixels_is_refused(tmp_project):
    Image.new("1", (MAX_LOGO_PIXELS // 1000 + 1, 1000)).save(tmp_project.root / "wide.png")
    assert f"a logo may have at most {MAX_LOGO_PIXELS:,} pixels" in logo_problem_of(tmp_project, "wide.png")
    (tmp_project.root / "big.svg").write_text(SVG.format(" " * MAX_LOGO_BYTES))
    assert f"a logo may be at most {MAX_LOGO_BYTES:,} bytes" in logo_problem_of(tmp_project, "big.svg")


def test_a_logo_outside_the_project_or_remote_is_refused(tmp_project, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere") / "logo.png"
    save_png(outside)
    (tmp_project.root / "link.png").symlink_to(outside)
    cases = {
        "https://example.com/logo.png": "is a URL",
        "//example.com/logo.png": "is a URL",
        "file:///etc/passwd": "is a URL",
        "data:image/png;base64,AAAA": "is a URL",
        str(outside): "is an absolute path",
        "../" * 12 + "etc/passwd": "points outside the project folder",
        "link.png": "points outside the project folder",
        "missing.png": "does not exist",
        "inputs": "is not a .png",
    }
    for logo, fragment in cases.items():
        assert fragment in logo_problem_of(tmp_project, logo), logo


# --- the command line ---------------------------------------------------------------------------------------------

@pytest.fixture
def cli(tmp_path):
    """Run `invoke compute` in a copy of the project whose inputs the test writes."""
    shutil.copy(ROOT / "tasks.py", tmp_path / "tasks.py")
    (tmp_path / "inputs").mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "invoke", "compute", *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=60)
    run.root = tmp_path
    return run


NAN_FILE = ACME.replace('"employees": 2000', '"employees": NaN')
TYPO_FILE = ACME.replace('"msk_serverless"\n', '"msk_serverles"\n')
LOGO_FILE = json.dumps(variant("acme", **{"customer.logo": "../../etc/passwd"}), indent=2)
# id: (file content, start of the expected report: file, line and column, path, message)
CLI_CASES = {
    "NaN": (NAN_FILE, f"inputs/acme.json:{line_of(NAN_FILE, 'NaN')}:18: organization.employees: found NaN"),
    "an empty file": ("", "inputs/acme.json:1:1: (the whole file): the file is empty"),
    "an unknown option": (TYPO_FILE, f"inputs/acme.json:{line_of(TYPO_FILE, 'msk_serverles')}:7: "
                                     "assessment.options[4]: unknown option 'msk_serverles'"),
    "a logo outside": (LOGO_FILE, f"inputs/acme.json:{line_of(LOGO_FILE, 'logo')}:5: customer.logo: "
                                  "'../../etc/passwd' points outside the project"),
}


@pytest.mark.parametrize("content, expected", [pytest.param(*c, id=k) for k, c in CLI_CASES.items()])
def test_the_command_line_reports_bad_input_without_a_traceback_and_writes_nothing(cli, content, expected):
    (cli.root / "inputs" / "acme.json").write_text(content)
    run = cli("--customer", "acme")
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr and expected in run.stderr, run.stderr
    assert "nothing was written" in run.stderr
    assert not (cli.root / "output").exists()


@pytest.mark.parametrize("customer", ["../inputs/acme", "/etc/passwd", "acme/../acme"])
def test_the_command_line_refuses_a_customer_that_is_a_path(cli, customer):
    (cli.root / "inputs" / "acme.json").write_text(ACME)
    run = cli("--customer", customer)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert f"'{customer}' is not a customer slug" in run.stderr
    assert not (cli.root / "output").exists()

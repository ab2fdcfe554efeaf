"""The workbook of the largest estate the schema allows (200 clusters) opens in every spreadsheet, its
sizing reads step by step, and XlsxWriter stores its formulas as written."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from xlsxwriter.worksheet import Worksheet

from reportgen.build.pipeline import compute
from reportgen.model.scenario import catalogue_values, resolve
from reportgen.workbook.book import COMPUTED_SHEETS, build_workbook

from .conftest import TmpProject, example

CLUSTERS = 200  # the schema's maximum
MOST_CHARACTERS, MOST_ARGUMENTS = 8192, 255  # Excel's limits for one formula and for one function's arguments


def estate(clusters: int) -> dict:
    """acme with its clusters repeated up to `clusters`, numbered so that names stay unique, and few trials."""
    data = example("acme")
    pattern = data["clusters"]
    data["clusters"] = [{**pattern[i % len(pattern)], "name": f"{pattern[i % len(pattern)]['name']}-{i + 1}"}
                        for i in range(clusters)]
    data["assessment"]["monte_carlo"]["trials"] = 100
    return data


def formulas(book: openpyxl.Workbook) -> dict[str, list[str]]:
    """The formulas of each computed sheet, without their '='."""
    return {name: [cell.value[1:] for row in book[name].iter_rows() for cell in row
                   if isinstance(cell.value, str) and cell.value.startswith("=")] for name in COMPUTED_SHEETS}


def most_arguments(formula: str) -> int:
    """The most arguments any one function call of the formula takes (text in quotes skipped)."""
    counts, most = [], 0
    for token in re.findall(r'"(?:[^"]|"")*"|[(),]', formula):
        if token == "(":
            counts.append(1)
        elif token == ",":
            counts[-1] += 1
        elif token == ")":
            most = max(most, counts.pop())
    return most


@pytest.fixture(scope="module")
def books(tmp_path_factory, catalogue) -> dict[str, openpyxl.Workbook]:
    project = TmpProject(tmp_path_factory.mktemp("estate"))
    loaded = {}
    for slug, data in (("acme", example("acme")), ("estate", estate(CLUSTERS))):
        data["customer"]["slug"] = slug
        project.write(data)
        computed = compute(project.project, slug, catalogue)
        values = catalogue_values(resolve(computed.assessment), catalogue)
        loaded[slug] = openpyxl.load_workbook(io.BytesIO(build_workbook(computed.assessment, computed.results, values)))
    return loaded


def test_most_arguments_counts_each_call_apart():
    assert most_arguments('IF(MAX(A1,A2,A3)>1,"a, b","c")') == 3
    assert most_arguments("SUM(A1:A9)") == 1


def test_every_formula_of_the_largest_estate_is_within_excels_limits(books):
    found = formulas(books["estate"])
    assert len(found["Sizing"]) > 40 * CLUSTERS
    for sheet, texts in found.items():
        assert max(len(text) for text in texts) < MOST_CHARACTERS, sheet
        assert max(most_arguments(text) for text in texts) <= MOST_ARGUMENTS, sheet


def test_feasibility_takes_the_units_of_every_cluster_and_year_as_one_range(books):
    feasible = [text for text in formulas(books["estate"])["Summary"] if "Sizing!" in text]
    assert len(feasible) == 2  # the options whose units are limited: usage-based and serverless
    spans = [re.search(r"MAX\(Sizing!\$?([A-Z]+)\$?(\d+):\$?([A-Z]+)\$?(\d+)\)", text) for text in feasible]
    assert all(spans), feasible
    assert all(m[1] == m[3] and int(m[4]) - int(m[2]) + 1 == CLUSTERS * 3 for m in spans)


def test_each_sizing_step_is_a_cell_the_later_steps_refer_to(books):
    """A formula rounds up at most once: the brokers needed refer to the cells for throughput and partitions."""
    sizing = books["acme"]["Sizing"]
    texts = formulas(books["acme"])["Sizing"]
    assert max(text.count("ROUNDUP(") for text in texts) == 1
    header_row = next(row for row in sizing.iter_rows() if any(cell.value == "Brokers needed" for cell in row))
    column = {cell.value: cell.column_letter for cell in header_row if cell.value}
    row = header_row[0].row + 1
    needed = sizing[f"{column['Brokers needed']}{row}"].value
    assert f"{column['Brokers for throughput']}{row}" in needed and f"{column['Brokers for partitions']}{row}" in needed


def test_xlsxwriters_rewriting_of_newer_functions_would_change_no_formula(books):
    """The workbook skips XlsxWriter's rewriting of formulas (book.FormulaSheet): it would have nothing to do.

    Run over acme's formulas; the large estate's use the same functions."""
    stock = Worksheet()
    assert "_prepare_formula" in vars(Worksheet)  # the method FormulaSheet replaces still exists
    functions = lambda book: {name for texts in formulas(book).values() for text in texts
                              for name in re.findall(r"([A-Z][A-Z0-9.]*)\(", text)}
    assert functions(books["estate"]) <= functions(books["acme"])
    texts = [text for found in formulas(books["acme"]).values() for text in found]
    assert [t for t in texts if stock._prepare_formula("=" + t, expand_future_functions=True) != t] == []

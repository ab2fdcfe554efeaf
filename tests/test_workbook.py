"""The workbook: recalculated by an independent engine (`formulas`), it gives results.json's figures."""

from __future__ import annotations

import copy
import io

import openpyxl
import pytest

from reportgen.catalogue import load_catalogue
from reportgen.build.pipeline import Project, compute, report
from reportgen.report.theme import load_theme
from reportgen.problems import ReportgenError
from reportgen.model.contract import OutcomeRange
from reportgen.model.scenario import catalogue_values, resolve
from reportgen.workbook.book import COMPUTED_SHEETS, QUOTED_RANGES, SHEET_ORDER, build_workbook
from reportgen.workbook.grid import DASH

from .conftest import EXAMPLES, ROOT, example, variant

formulas = pytest.importorskip("formulas")
METRICS = ("tco_hard", "savings", "savings_pct", "roi", "npv", "payback_months")
TOLERANCE = 1e-4  # 0.01 %


def workbook_bytes(computed) -> bytes:
    values = catalogue_values(resolve(computed.assessment), load_catalogue())
    return build_workbook(computed.assessment, computed.results, values)


class Recalculated:
    """A written workbook loaded into the `formulas` engine, which recalculates it from its formulas alone."""

    def __init__(self, path):
        self.book = path.name
        self.model = formulas.ExcelModel().loads(str(path)).finish()
        self.cells = openpyxl.load_workbook(path)

    def names(self, names, changes: dict | None = None) -> dict:
        """The values of defined names, after setting the given {(sheet, address): value} cells."""
        inputs = {f"'[{self.book}]{sheet.upper()}'!{address}": value for (sheet, address), value in (changes or {}).items()}
        outputs = [f"'[{self.book}]'!{name.upper()}" for name in names]
        solution = self.model.calculate(inputs=inputs, outputs=outputs)
        return {name: _scalar(solution[output].value[0][0]) for name, output in zip(names, outputs)}

    def cell(self, sheet: str, address: str, changes: dict | None = None):
        return self.cells_of(sheet, [address], changes)[address]

    def cells_of(self, sheet: str, addresses: list[str], changes: dict | None = None) -> dict:
        """The values of cells of one sheet by address, recalculated at once."""
        inputs = {f"'[{self.book}]{s.upper()}'!{a}": value for (s, a), value in (changes or {}).items()}
        outputs = {address: f"'[{self.book}]{sheet.upper()}'!{address}" for address in addresses}
        solution = self.model.calculate(inputs=inputs, outputs=list(outputs.values()))
        return {address: _scalar(solution[output].value[0][0]) for address, output in outputs.items()}

    def input_address(self, key: str) -> str:
        rows = self.cells["Inputs"].iter_rows(min_col=1, max_col=1)
        return next(f"C{cell.row}" for (cell,) in rows if cell.value == key)

    def cost_address(self, option_name: str, category: str, part: str, year: int) -> str:
        """Where Costs by year holds one part of one option's costs in one year."""
        sheet = self.cells["Costs by year"]
        year_col = next(c.column_letter for c in sheet[2] if c.value == f"Year {year}")
        in_block = False
        for row in sheet.iter_rows(min_col=1, max_col=2):
            if row[0].value and str(row[0].value).startswith(option_name):
                in_block = True
            elif in_block and row[0].value == category and row[1].value == part:
                return f"{year_col}{row[0].row}"
        raise AssertionError(f"no {category} {part} for {option_name}")


def _scalar(value):
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


def assert_close(got, expected, what: str) -> None:
    if expected is None:
        assert not isinstance(got, float), f"{what}: expected n/a, the workbook gives {got}"
    else:
        assert isinstance(got, float), f"{what}: expected {expected}, the workbook gives {got!r}"
        assert got == pytest.approx(expected, rel=TOLERANCE, abs=1e-6), what


@pytest.fixture(scope="module")
def computed():
    catalogue = load_catalogue()
    return {slug: compute(Project(ROOT), slug, catalogue) for slug in EXAMPLES}


@pytest.fixture(scope="module")
def written(computed, tmp_path_factory):
    folder = tmp_path_factory.mktemp("workbooks")
    paths = {}
    for slug, c in computed.items():
        paths[slug] = folder / f"{slug}.xlsx"
        paths[slug].write_bytes(workbook_bytes(c))
    return paths


class Engines(dict):
    """Recalculated workbooks by slug, each loaded on first use (loading is the slow part)."""

    def __init__(self, written: dict):
        super().__init__()
        self.written = written

    def __missing__(self, slug: str) -> Recalculated:
        self[slug] = Recalculated(self.written[slug])
        return self[slug]


@pytest.fixture(scope="module")
def recalculated(written) -> Engines:
    return Engines(written)


def headline_names(results: dict) -> list[str]:
    return ["cost_per_incident", "impacted_engineers"] + [f"{m}_{o}" for o in results["options"] for m in METRICS]


def expected(results: dict, name: str):
    if name in ("cost_per_incident", "impacted_engineers"):
        return results[name]
    option = next(o for o in results["options"] if name.endswith("_" + o) and name[: -len(o) - 1] in METRICS)
    return results["options"][option][name[: -len(option) - 1]]


def recalculated_as_results(tmp_project, tmp_path, data: dict) -> tuple[dict, Recalculated]:
    """`data` computed and its workbook recalculated: every headline name equals results.json's."""
    results = tmp_project.compute(data)
    path = tmp_path / f"{data['customer']['slug']}-case.xlsx"
    path.write_bytes(workbook_bytes(compute(tmp_project.project, data["customer"]["slug"])))
    workbook = Recalculated(path)
    names = headline_names(results)
    got = workbook.names(names)
    for name in names:
        assert_close(got[name], expected(results, name), name)
    return results, workbook


@pytest.mark.parametrize("slug", EXAMPLES)
def test_recalculated_names_equal_results(slug, computed, written, recalculated):
    results = computed[slug].results.as_json()
    names = headline_names(results)
    got = recalculated[slug].names(names)
    for name in names:
        assert_close(got[name], expected(results, name), f"{slug}: {name}")


@pytest.mark.parametrize("slug", EXAMPLES)
def test_cached_values_equal_results(slug, computed, written):
    """Viewers that do not recalculate show the model's figures."""
    results = computed[slug].results.as_json()
    book = openpyxl.load_workbook(written[slug], data_only=True)
    for name in headline_names(results):
        (sheet, address), = book.defined_names[name].destinations
        value = book[sheet][address.replace("$", "")].value
        assert_close(_scalar(value), expected(results, name), f"{slug}: cached {name}")


def test_changing_incidents_moves_incident_cost_as_compute_does(computed, written, recalculated, tmp_project):
    acme = recalculated["acme"]
    before = computed["acme"].results.as_json()
    after = tmp_project.compute(variant("acme", **{"risk.incidents_per_year": 9}))
    change = {("Inputs", acme.input_address("risk.incidents_per_year")): 9}
    names = ["cost_per_incident"] + [f"savings_{o}" for o in before["options"]]
    got = acme.names(names, change)
    assert got["cost_per_incident"] == pytest.approx(before["cost_per_incident"], rel=TOLERANCE)
    for option_id, option in before["options"].items():
        address = acme.cost_address(option["name"], "Risk", "incidents", 1)
        moved = acme.cell("Costs by year", address, change) - acme.cell("Costs by year", address)
        expected_move = after["options"][option_id]["years"][1]["risk"]["incidents"] - option["years"][1]["risk"]["incidents"]
        assert moved == pytest.approx(expected_move, rel=TOLERANCE), option_id
        assert moved != 0
        assert_close(got[f"savings_{option_id}"], after["options"][option_id]["savings"], f"savings_{option_id}")


def test_changing_platform_fte_moves_savings_as_compute_does(computed, written, recalculated, tmp_project):
    acme = recalculated["acme"]
    after = tmp_project.compute(variant("acme", **{"baseline.platform_fte": 9}))
    names = [f"{m}_{o}" for o in after["options"] for m in ("savings", "roi", "npv", "payback_months")]
    got = acme.names(names, {("Inputs", acme.input_address("baseline.platform_fte")): 9})
    for name in names:
        assert_close(got[name], expected(after, name), name)
    proposed = after["proposed_option"]
    assert got[f"savings_{proposed}"] != pytest.approx(computed["acme"].results.as_json()["options"][proposed]["savings"])


BILL_CHANGES = {  # what changes in the assessment -> what a reviewer changes on Inputs
    "a group the model costs: scaled to the bill in every year":
        ({"measured.bill.by_part.storage": 900_000.0}, {"measured.bill.by_part.storage": 900_000.0}),
    "a group the model does not cost for MSK: added as billed, every year":
        ({"measured.bill.by_part.service_charges": 12_000.0}, {"measured.bill.by_part.service_charges": 12_000.0}),
    "a group billed 0: the model's own figure":
        ({"measured.bill.by_part.brokers": 0.0}, {"measured.bill.by_part.brokers": 0.0}),
    "a longer period: each amount x 365 / days":
        ({"measured.bill.period.start": "2026-01-01"}, {"measured.bill.period.days": 243}),
}
BILLED_CATEGORIES = {"infrastructure": ("Infrastructure", ("compute", "storage", "network")),
                     "service_charges": ("Service charges", ("capacity", "partitions", "storage", "data_transfer", "licence"))}


def current_costs(workbook: Recalculated, title: str, results: dict, changes: dict | None = None,
                  modelled: bool = False) -> dict:
    """The current option's infrastructure and service-charge parts in each year, as the workbook recalculates them
    (a dash read as 0), beside the model's figures in `results`: {(category, part, year): (workbook, model)}."""
    current = results["options"][results["current_option"]]
    addresses = {(category, part, year): workbook.cost_address(title, label + (" (modelled)" if modelled else ""),
                                                               part.replace("_", " "), year)
                 for category, (label, parts) in BILLED_CATEGORIES.items() for part in parts
                 if not modelled or current["years"][1][category][part]
                 for year in range(1, results["horizon_years"] + 1)}
    got = workbook.cells_of("Costs by year", list(addresses.values()), changes)
    return {key: (0.0 if got[address] == DASH else got[address], current["years"][key[2]][key[0]][key[1]])
            for key, address in addresses.items()}


@pytest.mark.parametrize("case", BILL_CHANGES)
def test_changing_the_bill_moves_the_current_option_as_compute_does(case, computed, recalculated, tmp_project):
    """northwind's current option (MSK) costs what the bill says: a reviewer who changes a billed amount, or the
    days billed, on Inputs sees the current option's parts in every year, its TCO and every option's savings
    (migration's dual run rests on today's run rate) move to what the model computes with that bill."""
    northwind = recalculated["northwind"]
    in_model, on_inputs = BILL_CHANGES[case]
    before = computed["northwind"].results.as_json()
    after = tmp_project.compute(variant("northwind", **in_model))
    changes = {("Inputs", northwind.input_address(key)): value for key, value in on_inputs.items()}
    current = after["current_option"]
    assert after["options"][current]["tco_hard"] != pytest.approx(before["options"][current]["tco_hard"], rel=TOLERANCE)
    names = headline_names(after)
    got = northwind.names(names, changes)
    for name in names:
        assert_close(got[name], expected(after, name), f"{case}: {name}")
    title = after["options"][current]["name"]
    for key, (workbook, model) in current_costs(northwind, title, after, changes).items():
        assert workbook == pytest.approx(model, rel=TOLERANCE, abs=1e-6), (case, key)


def test_the_modelled_rows_are_the_models_estimate_without_the_bill(computed, recalculated, tmp_project):
    """Beside the bill, the workbook keeps the model's own estimate of the current option (the modelled rows), and a
    changed billed amount does not move it."""
    northwind = recalculated["northwind"]
    unbilled = variant("northwind")
    del unbilled["measured"]["bill"]
    modelled = tmp_project.compute(unbilled)
    title = "Today's cost from the measured bill"
    storage = {("Inputs", northwind.input_address("measured.bill.by_part.storage")): 1.0}
    for changes in (None, storage):
        costs = current_costs(northwind, title, modelled, changes, modelled=True)
        assert len(costs) >= 3 * modelled["horizon_years"]
        for key, (workbook, model) in costs.items():
            assert workbook == pytest.approx(model, rel=TOLERANCE), key


def test_a_self_run_estate_with_a_bill(tmp_path, tmp_project):
    """acme runs Kafka itself: its EC2 bill scales the modelled compute, disks and network, and the service charges it
    was billed, which self-run Kafka does not cost, are added to the current option's partitions line."""
    data = variant("acme")
    data["measured"] = {"bill": example("northwind")["measured"]["bill"]}
    data["measured"]["bill"]["by_part"]["service_charges"] = 5_000.0
    results, workbook = recalculated_as_results(tmp_project, tmp_path, data)
    current = results["options"][results["current_option"]]
    for key, (cell, model) in current_costs(workbook, current["name"], results).items():
        assert cell == pytest.approx(model, rel=TOLERANCE, abs=1e-6), key
    assert current["years"][1]["service_charges"]["partitions"] == pytest.approx(5_000.0 * 365 / 184)


def quoted_cells(book) -> set[tuple[str, str]]:
    if QUOTED_RANGES not in book.defined_names:
        return set()
    (sheet, span), = book.defined_names[QUOTED_RANGES].destinations
    return {(sheet, cell.coordinate) for row in book[sheet][span.replace("$", "")] for cell in row}


def assert_computed_sheets_hold_no_constants(book) -> None:
    exempt = quoted_cells(book)
    for name in COMPUTED_SHEETS:
        for row in book[name].iter_rows():
            for cell in row:
                if cell.value is None or (name, cell.coordinate) in exempt:
                    continue
                assert cell.data_type in ("f", "s"), f"{name}!{cell.coordinate} holds the constant {cell.value!r}"


@pytest.mark.parametrize("slug", EXAMPLES)
def test_computed_sheets_hold_only_formulas_and_labels(slug, written):
    book = openpyxl.load_workbook(written[slug])
    assert book.sheetnames == list(SHEET_ORDER)
    assert_computed_sheets_hold_no_constants(book)
    formulas_in = lambda name: sum(c.data_type == "f" for row in book[name].iter_rows() for c in row)
    assert all(formulas_in(name) > 10 for name in COMPUTED_SHEETS)


def test_simulation_ranges_are_quoted_as_values_and_named(computed):
    c = copy.deepcopy(computed["acme"])
    for option in c.results.options.values():
        option.range = OutcomeRange.model_validate(
            {"trials": 100, "savings": {"p10": 1.0, "p50": 2.0, "p90": 3.0},
             "savings_pct": {"p10": 0.1, "p50": 0.2, "p90": 0.3},
             "roi": {"p10": None, "p50": None, "p90": None}, "probability_of_savings": 0.75})
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(c)))
    quoted = quoted_cells(book)
    numbers = [book[s][a].value for s, a in quoted if book[s][a].data_type == "n"]
    assert sorted(set(numbers)) == [0.1, 0.2, 0.3, 0.75, 1.0, 2.0, 3.0]
    assert_computed_sheets_hold_no_constants(book)


def test_customer_text_is_written_as_text(tmp_project):
    hostile = ["=HYPERLINK(\"http://example.com\",\"x\")", "+1+1", "-2", "@SUM(A1)"]
    data = variant("acme", **{"customer.name": hostile[0]})
    for cluster, name in zip(data["clusters"], hostile[1:]):
        cluster["name"] = name
    tmp_project.compute(data)
    c = compute(tmp_project.project, "acme")
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(c)))
    found = {text: 0 for text in hostile}
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    assert not any(text in str(cell.value) for text in hostile), cell.coordinate
                elif cell.value in found:
                    assert cell.data_type == "s"
                    found[cell.value] += 1
    assert all(found.values()), found


def test_report_writes_the_workbook_alone_with_the_themes_colours(tmp_project):
    tmp_project.write(variant("acme"))
    (tmp_project.root / "templates").symlink_to(ROOT / "templates")
    made = report(tmp_project.project, "acme", formats=("xlsx",))
    path = tmp_project.root / "output/acme/acme-kafka-tco-model.xlsx"
    assert path in made.files
    assert sorted(p.name for p in path.parent.iterdir() if not p.name.startswith(".")) == [
        "acme-kafka-tco-model.xlsx", "inputs.json", "results.json"]
    book = openpyxl.load_workbook(path)
    summary = book["Summary"]
    primary = load_theme(ROOT / "templates", "default").colors["primary"]
    assert summary["A2"].fill.fgColor.rgb.endswith(primary.lstrip("#").upper())
    for sheet in book:
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.fitToHeight == 0 and sheet.sheet_properties.pageSetUpPr.fitToPage  # width: 1, the default
    assert summary.freeze_panes == "B3"
    assert '"$"#,##0' in summary["D3"].number_format
    with pytest.raises(ReportgenError, match="nope"):
        report(tmp_project.project, "acme", "nope", formats=("xlsx",))


def test_catalogue_prices_convert_to_the_assessments_currency_by_formula(tmp_path, tmp_project):
    data = variant("bluebird", **{"assessment.currency": "EUR",
                                  "assessment.usd_to_currency": {"value": 0.9, "as_of": "2026-11-01"}})
    tmp_project.compute(data)
    c = compute(tmp_project.project, "bluebird")
    path = tmp_path / "bluebird-eur.xlsx"
    path.write_bytes(workbook_bytes(c))
    workbook = Recalculated(path)
    assert '"€"#,##0' in workbook.cells["Summary"]["D3"].number_format
    results = c.results.as_json()
    names = headline_names(results)
    rate = ("Inputs", workbook.input_address("assessment.usd_to_currency"))
    got = workbook.names(names, {rate: 0.9})
    for name in names:
        assert_close(got[name], expected(results, name), name)
    doubled = tmp_project.compute(variant("bluebird", **{"assessment.currency": "EUR",
                                                         "assessment.usd_to_currency": {"value": 1.8, "as_of": "2026-11-01"}}))
    got = workbook.names(names, {rate: 1.8})
    for name in names:
        assert_close(got[name], expected(doubled, name), f"at twice the rate: {name}")


def test_a_customer_on_a_managed_service_over_five_years(tmp_path, tmp_project):
    """The current option need not come first, nor be self-run; the horizon shapes the sheets."""
    data = variant("bluebird", **{"assessment.current_option": "msk", "assessment.horizon_years": 5,
                                  "assessment.options": ["confluent_cloud", "msk", "confluent_platform", "self_managed_kafka"],
                                  "assessment.proposed_option": "confluent_platform"})
    results = tmp_project.compute(data)
    path = tmp_path / "bluebird-msk.xlsx"
    path.write_bytes(workbook_bytes(compute(tmp_project.project, "bluebird")))
    names = headline_names(results)
    got = Recalculated(path).names(names)
    for name in names:
        assert_close(got[name], expected(results, name), name)


def test_the_workbooks_unit_constants_are_their_definitions(written):
    """The workbook shares the model's constants, so a wrong one would move both and agree: check each
    against its definition, and find it written into the formulas."""
    from reportgen.workbook import sheets
    hours_per_year, seconds_per_day = 365 * 24, 24 * 60 * 60
    definitions = {"HOURS_PER_YEAR": hours_per_year, "SECONDS_PER_DAY": seconds_per_day,
                   "SECONDS_PER_YEAR": 365 * seconds_per_day, "MONTHS_PER_YEAR": 12, "MB_PER_GB": 10**9 // 10**6}
    assert {name: getattr(sheets, name) for name in definitions} == definitions
    texts = [c.value for row in openpyxl.load_workbook(written["acme"])["Sizing"].iter_rows() for c in row
             if c.data_type == "f"]
    assert any(t.endswith(f"*{365 * seconds_per_day}/{10**9 // 10**6}") for t in texts)
    assert any(f"*{seconds_per_day}*" in t for t in texts) and any(t.startswith(f"={hours_per_year}*") for t in texts)


NEW_OPTIONS = ["msk_express", "warpstream"]


def test_express_brokers_and_diskless_agents_recalculate_to_the_results(tmp_path, tmp_project):
    """MSK Express and WarpStream beside acme's five options: one cluster gives its own compression ratio, the
    single-zone dev cluster makes Express infeasible; the recalculated figures are results.json's."""
    data = variant("acme", **{"assessment.options": example_options("acme") + NEW_OPTIONS})
    data["clusters"][0]["compression_ratio"] = 3.5
    results, workbook = recalculated_as_results(tmp_project, tmp_path, data)
    assert results["options"]["msk_express"]["feasible"] is False
    for option_id in NEW_OPTIONS:
        name = results["options"][option_id]["name"]
        for category, parts in (("Infrastructure", ("compute", "storage", "network")),
                                ("Service charges", ("capacity", "storage", "data transfer"))):
            for part in parts:
                key = "infrastructure" if category == "Infrastructure" else "service_charges"
                figure = results["options"][option_id]["years"][2][key][part.replace(" ", "_")]
                cell = workbook.cell("Costs by year", workbook.cost_address(name, category, part, 2))
                assert (0.0 if cell == "–" else cell) == pytest.approx(figure, rel=TOLERANCE, abs=1e-6), \
                    (option_id, category, part)
    summary = workbook.cells["Summary"]
    feasible = {row[0].value: row[2].value for row in summary.iter_rows(min_row=3, max_col=3) if row[0].value}
    assert feasible[results["options"]["msk_express"]["name"]] is not None
    ratio = ("Inputs", workbook.input_address("clusters[0].compression_ratio"))
    moved = tmp_project.compute({**data, "clusters": [{**data["clusters"][0], "compression_ratio": 7}] + data["clusters"][1:]})
    got = workbook.names(["savings_warpstream"], {ratio: 7})
    assert_close(got["savings_warpstream"], moved["options"]["warpstream"]["savings"], "at a ratio of 7")


def test_a_region_with_missing_prices_given_as_overrides(tmp_path, tmp_project):
    """An eu-west-1 customer in EUR gives MSK Express and the object-storage request prices the region lacks; the
    overrides reach the Assumptions sheet as the customer's and the figures recalculate to the results."""
    given = {"options.msk_express.brokers.m7g.xlarge.price_per_hour": 0.85,
             "options.msk_express.storage_per_gb_month": 0.11, "options.msk_express.data_in_per_gb": 0.011,
             "price_book.requests.object_put_per_1000": 0.0054, "price_book.requests.object_get_per_1000": 0.00043,
             "price_book.storage.object_per_gb_month": 0.022, "price_book.storage.block_per_gb_month": 0.088}
    data = variant("bluebird", **{"customer.region": "eu-west-1", "assessment.currency": "EUR",
                                  "assessment.usd_to_currency": {"value": 0.9, "as_of": "2026-11-01"},
                                  "assessment.options": ["self_managed_kafka", "msk_express", "warpstream"],
                                  "assessment.proposed_option": "warpstream", "overrides": given})
    data["baseline"] |= {"broker_instance": "m5.xlarge", "controller_instance": "m5.large"}
    results, workbook = recalculated_as_results(tmp_project, tmp_path, data)
    rows = {row[0].value: [c.value for c in row] for row in workbook.cells["Assumptions"].iter_rows(min_row=3)}
    assert rows["price_book.requests.object_put_per_1000"][1] == 0.0054
    assert "customer" in rows["price_book.requests.object_put_per_1000"]
    assert "no catalogue price for eu-west-1" in rows["price_book.requests.object_put_per_1000"]


def example_options(slug: str) -> list[str]:
    return example(slug)["assessment"]["options"]

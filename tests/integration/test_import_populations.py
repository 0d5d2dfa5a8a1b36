"""Weighted, adjusted and registered populations from files (imports.kinds.populations):
each layout on a tiny real-format sample, each refusal naming file, row, column, value and
what was expected with nothing written, re-import a no-op, a later value a revision."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import xlsxwriter

from imports.actions import import_file
from imports.source import SourceFile
from organisations.models import FigureRevision, PopulationFigure
from organisations.population import population
from tests.conftest import NHS_DATA, TEST_DATA

pytestmark = pytest.mark.django_db

SAMPLES = TEST_DATA / "populations/2019-20"
PLAIN = SAMPLES / "populations.csv"
PAYMENTS = SAMPLES / "nhspaymentsgp-19-20-populations.csv"
DES = SAMPLES / "des-populations-2020-01.csv"
REGISTRY = [
    TEST_DATA / "ods-epraccur/2019-11/epraccur.csv",
    TEST_DATA / "ods-epcn/2019-12/pcn_details.csv",
    TEST_DATA / "ods-epcn/2019-12/pcn_core_partner_details.csv",
]
PAYMENTS_DATA = NHS_DATA.parent / "payments-to-gp-populations"
JAN_2020 = date(2020, 1, 1)


@pytest.fixture
def registry():
    for path in REGISTRY:
        assert import_file(path=path).status == "succeeded"


def figures():
    return {
        (f.organisation.code, f.measure, f.as_at): f.value
        for f in PopulationFigure.objects.select_related("organisation")
    }


def state():
    return (
        PopulationFigure.objects.count(),
        PopulationFigure.history.count(),
        FigureRevision.objects.count(),
    )


def imported(path=None, *, name=None, data=None):
    source = SourceFile(name, data) if data is not None else SourceFile.from_path(path)
    run = import_file(source=source)
    assert run.status == "succeeded", run.problems
    return run


def refused(name: str, text: str):
    before = state()
    run = import_file(source=SourceFile(name, text.encode()))
    assert run.status == "failed"
    assert state() == before
    return run.problems


def test_plain_layout_imports_each_measure_to_the_hundredth(registry):
    run = imported(PLAIN)
    assert run.kind == "populations"
    assert figures() == {
        ("A81001", "weighted", JAN_2020): Decimal("4186.22"),
        ("A81002", "weighted", JAN_2020): Decimal("10021.50"),
        ("U89141", "adjusted", JAN_2020): Decimal("23456.78"),
        ("A81001", "registered", JAN_2020): Decimal("4035.00"),
    }
    assert set(PopulationFigure.objects.values_list("import_run", flat=True)) == {run.pk}
    assert run.created == 4 and PopulationFigure.history.count() == 4


def test_reimport_changes_nothing(registry):
    imported(PLAIN)
    before = state()
    again = imported(PLAIN)
    assert (again.created, again.changed, again.unchanged) == (0, 0, 4)
    assert state() == before


def test_later_file_revises_a_value_and_records_it(registry):
    imported(PLAIN)
    text = PLAIN.read_text().replace("4186.22", "4190.01")
    run = imported(name="populations-revised.csv", data=text.encode())
    assert run.changed == 1
    assert figures()["A81001", "weighted", JAN_2020] == Decimal("4190.01")
    revision = FigureRevision.objects.get()
    assert (revision.table, revision.field, revision.before, revision.after) == (
        "population figures",
        "value",
        "4186.22",
        "4190.01",
    )
    assert revision.import_run == run and revision.organisation.code == "A81001"


def test_entered_figure_stands_over_a_file(registry, django_user_model):
    from organisations.models import Organisation

    person = django_user_model.objects.create(username="finance")
    PopulationFigure.objects.create(
        organisation=Organisation.objects.get(code="A81001"),
        measure="weighted",
        as_at=JAN_2020,
        value=Decimal("4000"),
        entered_by=person,
        reason="PCSE letter of 3 Feb 2020",
    )
    run = imported(PLAIN)
    assert figures()["A81001", "weighted", JAN_2020] == Decimal("4000")
    assert any("entered by hand" in note for note in run.notes)


def test_payments_file_is_a_year_average_at_the_years_end(registry):
    run = imported(PAYMENTS)
    assert (run.kind, run.layout, run.period) == (
        "payments-to-gp",
        "2019-20 year average",
        date(2020, 3, 31),
    )
    assert figures() == {
        ("A81001", "weighted", date(2020, 3, 31)): Decimal("4755.79"),
        ("A81002", "weighted", date(2020, 3, 31)): Decimal("21924.17"),
        ("A81004", "weighted", date(2020, 3, 31)): Decimal("11937.66"),
    }
    notes = " ".join(run.notes)
    assert "average over 2019-20, NHS Payments to General Practice" in notes
    assert "registered patients" in notes and "not imported" in notes
    # Never used for a date before the year's end.
    from organisations.models import Organisation

    a81001 = Organisation.objects.get(code="A81001")
    early = population(a81001, JAN_2020, purpose="payment", kind="weighted")
    assert early.value is None
    late = population(a81001, date(2020, 4, 1), purpose="payment", kind="weighted")
    assert late.value == Decimal("4755.79")


def test_payments_file_without_a_year_in_its_name_is_refused(registry):
    problems = refused("payments.csv", PAYMENTS.read_text())
    assert problems[0]["value"] == "payments.csv"
    assert "financial year" in problems[0]["expected"]


def test_des_table_imports_practices_and_a_pcn(registry):
    run = imported(DES)
    assert (run.kind, run.layout) == ("des-populations", "DES population table")
    found = figures()
    assert found["A81001", "adjusted", JAN_2020] == Decimal("4102.35")
    assert found["A81002", "weighted", JAN_2020] == Decimal("20011.75")
    assert found["A81002", "registered", JAN_2020] == Decimal("19610")
    assert found["U89142", "adjusted", JAN_2020] == Decimal("15000.50")
    assert len(found) == 7


def test_des_table_as_xlsx_imports_the_same(registry, tmp_path):
    path = tmp_path / "des-populations-2020-01.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("Populations")
    for r, line in enumerate(DES.read_text().splitlines()):
        for c, cell in enumerate(line.split(",")):
            if r and c == 7:
                sheet.write_datetime(r, c, date(2020, 1, 1), workbook.add_format())
            elif r and c in (4, 5, 6) and cell:
                sheet.write_number(r, c, float(cell))
            elif cell:
                sheet.write_string(r, c, cell)
    workbook.close()
    run = imported(path)
    assert run.kind == "des-populations"
    assert figures()["A81001", "adjusted", JAN_2020] == Decimal("4102.35")
    assert len(figures()) == 7


def plain(*rows: str) -> str:
    return "\n".join(["ODS code,Measure,Date,Value", *rows]) + "\n"


@pytest.mark.parametrize(
    ("row", "column", "value", "expected"),
    [
        ("A81001,weighted,2020-01-01,-5", "Value", "-5", "zero or more"),
        ("A81001,weighted,2020-01-01,lots", "Value", "lots", "a number of patients"),
        ("A81001,capitated,2020-01-01,5", "Measure", "capitated", "weighted, adjusted"),
        ("A81001,weighted,2020-13-01,5", "Date", "2020-13-01", "YYYY-MM-DD"),
        ("Z99999,weighted,2020-01-01,5", "ODS code", "Z99999", "practice or PCN in the registry"),
    ],
)
def test_bad_value_refuses_the_whole_file(registry, row, column, value, expected):
    problems = refused("populations.csv", plain("A81002,weighted,2020-01-01,10", row))
    assert len(problems) == 1
    problem = problems[0]
    assert (problem["file"], problem["row"], problem["column"], problem["value"]) == (
        "populations.csv",
        3,
        column,
        value,
    )
    assert expected in problem["expected"]


def test_future_date_is_refused(registry):
    tomorrow = date.today() + timedelta(days=2)
    problems = refused("populations.csv", plain(f"A81001,weighted,{tomorrow},5"))
    assert (problems[0]["row"], problems[0]["column"]) == (2, "Date")
    assert "on or before today" in problems[0]["expected"]


def test_two_values_for_one_organisation_measure_and_date_are_refused(registry):
    problems = refused(
        "populations.csv",
        plain("A81001,weighted,2020-01-01,5", "A81001,contractor weighted population,01/01/2020,6"),
    )
    assert [p["row"] for p in problems] == [2, 3]
    assert problems[0]["expected"] == "one value per organisation, measure and date"


def test_des_table_bad_value_names_its_own_column(registry):
    text = DES.read_text().replace("4102.35", "n/a")
    problems = refused("des-populations-2020-01.csv", text)
    assert (problems[0]["row"], problems[0]["column"], problems[0]["value"]) == (
        2,
        "Adjusted Population",
        "n/a",
    )


def test_payments_file_sets_aside_organisations_not_practices(registry):
    """NHS Digital's file also pays walk-in and out-of-hours centres (10 rows in 2019-20),
    which are not GP practices in ODS: set aside with a note, not a refusal."""
    text = PAYMENTS.read_text().replace(",A81004,", ",Y05566,")
    run = imported(name="nhspaymentsgp-19-20-populations.csv", data=text.encode())
    assert (run.created, run.skipped) == (2, 1)
    assert any("Y05566" in note and "set aside" in note for note in run.notes)


def test_payments_file_malformed_code_is_refused(registry):
    text = PAYMENTS.read_text().replace(",A81004,", ",??,")
    problems = refused("nhspaymentsgp-19-20-populations.csv", text)
    assert (problems[0]["row"], problems[0]["column"], problems[0]["value"]) == (
        4,
        "Practice Code",
        "??",
    )


def test_real_2019_20_payments_file(nhs_data):
    payments = PAYMENTS_DATA / "nhspaymentsgp-19-20-populations.csv"
    if not payments.is_file():
        pytest.skip(f"NHS Payments to General Practice file not present at {payments}")
    imported(nhs_data / "ods-epraccur-2019-11/epraccur.csv")
    run = imported(payments)
    assert (run.created, run.skipped) == (6991, 10)
    figure = PopulationFigure.objects.get(organisation__code="E83003")
    assert (figure.measure, figure.as_at, figure.value) == (
        "weighted",
        date(2020, 3, 31),
        Decimal("8292.59"),
    )

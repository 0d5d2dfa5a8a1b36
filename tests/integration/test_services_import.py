"""Sign-ups imported from a spreadsheet: a good file records every row through the actions; a
bad one names file, row, column, value and what was expected, and writes nothing."""

import csv
import io
from datetime import date

import pytest
import xlsxwriter
from django.core.management import CommandError, call_command

from imports.problems import ImportRejected
from services.models import SignUp
from services.queries import standing_signups
from services.signup_import import import_signups
from tests.conftest import TEST_DATA

GOOD = (TEST_DATA / "services" / "good.csv").read_text()


def write(tmp_path, text: str, name: str = "signups.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def as_xlsx(tmp_path, text: str):
    """The CSV as a workbook's first sheet, dates written as Excel date cells."""
    path = tmp_path / "signups.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("Sign-ups")
    dates = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for r, row in enumerate(csv.reader(io.StringIO(text))):
        for c, value in enumerate(row):
            if r and c == 4 and "-" in value:
                sheet.write_datetime(r, c, date.fromisoformat(value), dates)
            elif value:
                sheet.write_string(r, c, value)
    workbook.close()
    return path


def rejected(path, by) -> list[tuple]:
    with pytest.raises(ImportRejected) as refused:
        import_signups(path=path, by=by)
    return [(p.file, p.row, p.column, p.value, p.expected) for p in refused.value.problems]


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_a_good_file_records_every_row(area, commissioner_user, tmp_path, form):
    path = write(tmp_path, GOOD) if form == "csv" else as_xlsx(tmp_path, GOOD)
    result = import_signups(path=path, by=commissioner_user)
    assert (result.created, result.corrected) == (4, 0)
    assert result.warnings == [
        "row 5: the file names A00003 'Surgery Three'; the registry calls it 'Surgery 3'"
    ]
    one = area["practices"][0]
    standing = standing_signups([one.pk], date(2020, 4, 1))
    assert standing[(one.pk, "online_consultation")].status == "live"
    record = SignUp.objects.get(service="home_visiting")
    assert (record.note, record.history.get().history_change_reason) == (
        "hub from November",
        f"imported from {path.name}",
    )
    again = import_signups(path=path, by=commissioner_user)
    assert (again.created, again.corrected) == (0, 0)  # nothing changed, nothing written


def test_a_bad_file_is_refused_whole_with_each_problem(area, commissioner_user, tmp_path):
    bad = GOOD + (
        "A0001,,Online consultation,live,2020-01-01,\n"
        "U00001,,Online consultation,live,2020-01-01,\n"
        "A00002,,Video clinics,booked,2020-13-01,\n"
        "A00002,,Electronic repeat dispensing,live,2019-07-01,\n"
    )
    path = write(tmp_path, bad)
    assert rejected(path, commissioner_user) == [
        (
            "signups.csv",
            6,
            "Practice ODS code",
            "A0001",
            "a practice ODS code: a letter and five digits, e.g. A81001",
        ),
        ("signups.csv", 7, "Practice ODS code", "U00001", "the ODS code of a GP practice"),
        (
            "signups.csv",
            8,
            "Service",
            "Video clinics",
            "a service on file: Online consultation, "
            "Electronic repeat dispensing, MDT go-live, Home visiting",
        ),
        (
            "signups.csv",
            8,
            "Status",
            "booked",
            "one of not signed up, planned, signed up, live, withdrawn",
        ),
        ("signups.csv", 8, "From", "2020-13-01", "a date as 2019-07-01 or 01/07/2019"),
        (
            "signups.csv",
            9,
            "Practice ODS code",
            "A00002",
            "one row a practice, service and date: see row 4",
        ),
    ]
    assert not SignUp.objects.exists() and not SignUp.history.exists()


def test_an_ods_code_typed_with_spaces_is_the_practice(area, commissioner_user, tmp_path):
    path = write(
        tmp_path,
        "Practice ODS code,Service,Status,From\n"
        "A 00001,Home visiting,live,2020-01-01\n"
        " a00002 ,Home visiting,planned,2020-01-01\n",
    )
    assert import_signups(path=path, by=commissioner_user).created == 2
    one, two, _ = area["practices"]
    standing = standing_signups([one.pk, two.pk], date(2020, 1, 1))
    assert standing[(one.pk, "home_visiting")].status == "live"
    assert standing[(two.pk, "home_visiting")].status == "planned"


def test_practices_out_of_reach_or_closed_are_problems(area, this_pcn_manager, tmp_path):
    three = area["practices"][2]
    two = area["practices"][1]
    two.close_date = date(2019, 12, 31)
    two.save()
    path = write(
        tmp_path,
        "Practice ODS code,Service,Status,From\n"
        "A00001,Home visiting,live,2020-01-01\n"
        "A00002,Home visiting,live,2020-01-01\n"
        f"{three.code},Home visiting,live,2020-01-01\n",
    )
    assert rejected(path, this_pcn_manager) == [
        (
            "signups.csv",
            3,
            "From",
            "2020-01-01",
            "a row PCN Hub accepts: A00002 closed on 31 December 2019, before 1 January 2020",
        ),
        (
            "signups.csv",
            4,
            "Practice ODS code",
            "A00003",
            "a practice you may record services for: you may not record for A00003",
        ),
    ]
    assert not SignUp.objects.exists()


def test_dates_before_a_practice_was_theirs_are_problems(area, moved, other_pcn_manager, tmp_path):
    path = write(
        tmp_path,
        "Practice ODS code,Service,Status,From\n"
        "A00002,Home visiting,planned,2020-01-01\n"
        "A00002,Home visiting,live,2021-04-01\n",
    )
    assert rejected(path, other_pcn_manager) == [
        (
            "signups.csv",
            2,
            "From",
            "2020-01-01",
            "a date when A00002 is one of your practices; it was not on 1 January 2020",
        ),
    ]
    assert not SignUp.objects.exists()


def test_a_file_of_another_layout_is_refused(area, commissioner_user, tmp_path):
    path = write(tmp_path, "Practice,Service,Status,When,Colour\nA00001,x,y,z,blue\n")
    found = rejected(path, commissioner_user)
    assert ("signups.csv", 1, "When", "When", found[0][4]) == found[0]
    assert "only known columns" in found[0][4]
    assert (
        "signups.csv",
        1,
        "Practice ODS code",
        None,
        "a column named Practice ODS code",
    ) in found


def test_the_command_imports_or_reports_and_writes_nothing(area, commissioner_user, tmp_path):
    out = io.StringIO()
    call_command(
        "import_service_signups", str(write(tmp_path, GOOD)), "--user", "commissioner", stdout=out
    )
    assert "4 status(es) recorded, 0 corrected" in out.getvalue()
    bad = write(tmp_path, GOOD.replace("Planned", "Pending"), "bad.csv")
    errors = io.StringIO()
    with pytest.raises(CommandError, match="bad.csv was rejected; nothing was written"):
        call_command("import_service_signups", str(bad), "--user", "commissioner", stderr=errors)
    assert "bad.csv, row 4, column Status: 'Pending': expected one of" in errors.getvalue()
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        call_command("import_service_signups", str(bad), "--user", "nobody")

"""Bad input never half-writes: the run fails with problems naming row and column, and the
registry is exactly as it was."""

import gzip
import io
import zipfile
import zlib

import pytest
import xlsxwriter
from django.core.management import CommandError, call_command

from imports.actions import import_file
from imports.source import SourceFile
from organisations.models import ListSize, Organisation, Relationship
from tests.conftest import TEST_DATA

pytestmark = pytest.mark.django_db

EPRACCUR = (TEST_DATA / "ods-epraccur/2019-11/epraccur.csv").read_bytes()
PARTNERS = (TEST_DATA / "ods-epcn/2019-12/pcn_core_partner_details.csv").read_bytes()
TOTALS = (TEST_DATA / "gp-reg-pat-prac/2021-01/gp-reg-pat-prac-all.csv").read_bytes()


def _zipped(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def _workbook() -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    book.add_worksheet().write(0, 0, "Practice code")
    book.close()
    return out.getvalue()


def registry_state():
    return (
        Organisation.objects.count(),
        Relationship.objects.count(),
        ListSize.objects.count(),
        Organisation.history.count(),
    )


def rejected(name: str, data: bytes, kind: str | None = None):
    import_file(source=SourceFile("epraccur.csv", EPRACCUR))
    before = registry_state()
    run = import_file(source=SourceFile(name, data), kind=kind)
    assert run.status == "failed"
    assert run.problem_count >= 1 and run.problems
    assert registry_state() == before
    return run.problems[0]


def test_unrecognised_file_is_rejected():
    problem = rejected("notes.csv", b"hello,world\n1,2\n")
    assert problem["row"] == 1
    assert "a known NHS file" in problem["expected"]


def test_missing_column_is_named():
    rows = [line.split(",") for line in PARTNERS.decode().splitlines()]
    data = "\n".join(",".join(row[:9] + row[10:]) for row in rows).encode()
    problem = rejected("pcn_core_partner_details.csv", data)
    assert problem["column"] == "Practice to PCN Relationship End Date"
    assert problem["row"] == 1


def test_unknown_column_is_named():
    lines = TOTALS.decode().splitlines()
    data = "\n".join([lines[0] + ",SURPRISE"] + [line + ",1" for line in lines[1:]])
    problem = rejected("gp-reg-pat-prac-all.csv", data.encode())
    assert (problem["row"], problem["column"]) == (1, "SURPRISE")


def test_malformed_ods_code_names_row_and_column():
    data = PARTNERS.replace(b"A81002,", b"A8100X,")
    problem = rejected("pcn_core_partner_details.csv", data)
    assert (problem["row"], problem["column"], problem["value"]) == (
        3,
        "Partner Organisation Code",
        "A8100X",
    )
    assert "practice ODS code" in problem["expected"]


def test_unparseable_date_names_row_and_column():
    data = PARTNERS.replace(b"20190701,,TRUE\nA81003", b"2019-07-01,,TRUE\nA81003")
    problem = rejected("pcn_core_partner_details.csv", data)
    assert problem["row"] == 3
    assert problem["column"] == "Practice to PCN Relationship Start Date"
    assert "YYYYMMDD" in problem["expected"]


def test_a_date_in_2099_is_refused_with_its_row_and_nothing_changes():
    """A closed practice's close date set to 2099 would reopen it with its details dated
    2099, which no correct later file could undo."""
    data = EPRACCUR.replace(b'"TS18 2AW","19740401",""', b'"TS18 2AW","19740401","20990101"')
    assert data != EPRACCUR
    problem = rejected("epraccur.csv", data)
    assert (problem["row"], problem["column"], problem["value"]) == (
        2,
        "12 (close_date)",
        "20990101",
    )
    assert problem["expected"].startswith("a date no later than")


def test_an_extract_date_in_2099_is_refused():
    problem = rejected("gp-reg-pat-prac-all.csv", TOTALS.replace(b"01JAN2021", b"01JAN2099"))
    assert (problem["row"], problem["column"]) == (2, "EXTRACT_DATE")
    assert problem["expected"].startswith("a date no later than")


def test_a_date_within_the_tolerance_is_taken(settings):
    from datetime import timedelta

    from django.utils import timezone

    soon = (timezone.localdate() + timedelta(days=20)).strftime("%Y%m%d").encode()
    data = EPRACCUR.replace(b'"TS18 2AW","19740401",""', b'"TS18 2AW","19740401","' + soon + b'"')
    assert import_file(source=SourceFile("epraccur.csv", data)).status == "succeeded"
    settings.IMPORT_FUTURE_DAYS = 10
    assert import_file(source=SourceFile("epraccur.csv", data)).status == "failed"


@pytest.mark.parametrize("count", [b"-5", b"lots", b"12.5", b""])
def test_bad_patient_count_names_row_and_column(count):
    data = TOTALS.replace(b"A81002,TS18 2AW,ALL,ALL,9876", b"A81002,TS18 2AW,ALL,ALL," + count)
    problem = rejected("gp-reg-pat-prac-all.csv", data)
    assert (problem["row"], problem["column"]) == (3, "NUMBER_OF_PATIENTS")


def test_duplicate_key_is_rejected():
    lines = TOTALS.splitlines()
    problem = rejected("gp-reg-pat-prac-all.csv", b"\r\n".join([*lines, lines[1]]))
    assert problem["row"] == 2
    assert problem["expected"].startswith("one row per")


def test_truncated_row_is_rejected():
    data = TOTALS.replace(b",ALL,ALL,9876", b",ALL")
    problem = rejected("gp-reg-pat-prac-all.csv", data)
    assert problem["row"] == 3
    assert "10 fields" in problem["expected"]


def test_wrong_encoding_names_row():
    data = TOTALS.replace(b"TS26 8DB", "TS26 8DB\u00e9".encode("cp1252"))
    problem = rejected("gp-reg-pat-prac-all.csv", data)
    assert problem["row"] == 4
    assert "UTF-8" in problem["expected"]


def test_epraccur_bad_status_and_extra_field():
    problem = rejected("epraccur.csv", EPRACCUR.replace(b'"19740401","","A"', b'"19740401","","Q"'))
    assert problem["column"] == "13 (status_code)"
    problem = rejected("epraccur.csv", EPRACCUR.replace(b'"4",""\r\n', b'"4","",""\r\n', 1))
    assert (problem["row"], problem["column"]) == (1, "(whole row)")


def test_problems_are_capped_at_fifty_with_a_total():
    header, first, *_ = TOTALS.decode().splitlines()
    bad = [first.replace("A81001", f"B{i:05d}").replace(",4120", ",x") for i in range(120)]
    data = "\n".join([header, *bad]).encode()
    run = import_file(source=SourceFile("gp-reg-pat-prac-all.csv", data))
    assert (run.status, run.problem_count, len(run.problems)) == ("failed", 120, 50)


def test_cli_exits_non_zero_and_prints_the_report(tmp_path, capsys):
    path = tmp_path / "gp-reg-pat-prac-all.csv"
    path.write_bytes(TOTALS.replace(b",9876", b",-1"))
    with pytest.raises(CommandError, match="failed to import"):
        call_command("import_file", str(path), verbosity=0)
    err = capsys.readouterr().err
    assert "row 3, column NUMBER_OF_PATIENTS: '-1'" in err
    assert ListSize.objects.count() == 0


def test_blank_extract_date_is_a_problem_not_a_crash():
    data = TOTALS.replace(
        b"GP_PRAC_PAT_LIST,01JAN2021,GP,16C,E38000247,A81002",
        b"GP_PRAC_PAT_LIST,,GP,16C,E38000247,A81002",
    )
    problem = rejected("gp-reg-pat-prac-all.csv", data)
    assert (problem["row"], problem["column"]) == (3, "EXTRACT_DATE")


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("pcn_core_partner_details.csv", PARTNERS, "epcn"),
        ("broken.zip", b"PK\x03\x04 not really a zip", None),
        ("broken.csv.gz", b"\x1f\x8b not really gzip", None),
        ("utf16.csv", TOTALS.decode().encode("utf-16"), None),
        ("utf16-partners.csv", PARTNERS.decode().encode("utf-16-le"), "epcn"),
        ("truncated.zip", _zipped({"gp-reg-pat-prac-all.csv": TOTALS})[:200], None),
        ("truncated.csv.gz", gzip.compress(TOTALS)[:60], None),
        ("two.zip", _zipped({"a.csv": TOTALS, "b.csv": TOTALS}), None),
        ("truncated.xlsx", _workbook()[:300], None),
        ("binary\x00name.csv", bytes(range(256)) * 4, None),
    ],
)
def test_unreadable_file_fails_the_run_with_a_report(name, data, kind):
    """On PostgreSQL too: a report naming NUL bytes still saves, so the run ends failed."""
    problem = rejected(name, data, kind=kind)
    assert problem["expected"] and "\x00" not in str(problem)


def test_malformed_code_in_a_list_size_file_stops_the_import():
    problem = rejected("gp-reg-pat-prac-all.csv", TOTALS.replace(b"A81002", b"a81!!1"))
    assert (problem["row"], problem["column"], problem["value"]) == (3, "CODE", "a81!!1")


def test_a_zip_or_gzip_expanding_past_the_limit_is_refused_unread(settings):
    """A "bomb": the cap stops the expansion; nothing is written."""
    settings.IMPORT_MAX_EXPANDED_BYTES = 2**20
    zeros = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    bomb = b"".join(zeros.compress(bytes(2**20)) for _ in range(64)) + zeros.flush()
    assert len(bomb) < 100_000  # 64 MB of zeros
    problem = rejected("gp-reg-pat-prac-all.csv.gz", bomb)
    assert problem["value"] == "more than 1,048,576 bytes"
    assert "at most 1,048,576 bytes" in problem["expected"]
    big_zip = _zipped({"gp-reg-pat-prac-all.csv": TOTALS + bytes(2**21)})
    assert "expanding to at most" in rejected("list.zip", big_zip)["expected"]
    settings.IMPORT_MAX_ZIP_MEMBERS = 3
    many = _zipped({f"{i}.csv": b"x" for i in range(4)})
    assert rejected("many.zip", many)["expected"] == "a zip of at most 3"


def test_an_upload_larger_than_the_limit_is_refused_by_the_form(client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests import factories as f

    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    admin = f.UserFactory(username="admin_uploads")
    f.RoleAssignmentFactory(user=admin, role="registry_admin", organisation=None)
    client.force_login(admin)
    page = client.post(
        "/imports/upload/", {"file": SimpleUploadedFile("epraccur.csv", EPRACCUR), "kind": ""}
    )
    assert page.status_code == 200 and "the most PCN Hub takes is 0 MB" in page.text

"""Registrations imported from a file in the layout of the national 2019/20 registration form:
a good file drafts (or submits) through the actions; a bad one names row, column, value and
what was expected, and writes nothing."""

import csv
import io
from datetime import date

import pytest
import xlsxwriter
from django.core.management import CommandError, call_command
from django.db import connection

from imports.problems import ImportRejected
from registrations import actions
from registrations.form_import import import_registrations
from registrations.models import Origin, Registration, RegistrationMember, Status
from tests.conftest import TEST_DATA

pytestmark = pytest.mark.django_db

DATA = TEST_DATA / "registrations"
GOOD = (DATA / "good.csv").read_text()


def write(tmp_path, text: str, name: str = "registrations.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def as_xlsx(tmp_path, text: str):
    """The CSV as the first sheet of a workbook, figures written as numbers as Excel keeps them."""
    path = tmp_path / "registrations.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("PCN registrations")
    for r, row in enumerate(csv.reader(io.StringIO(text))):
        for c, value in enumerate(row):
            if r and value.isdigit():
                sheet.write_number(r, c, int(value))
            elif value:
                sheet.write_string(r, c, value)
    workbook.add_worksheet("Notes").write_string(0, 0, "not read")
    workbook.close()
    return path


def member_codes(registration) -> list[str]:
    return sorted(registration.members.values_list("practice__code", flat=True))


def state():
    return (
        Registration.objects.count(),
        Registration.history.count(),
        RegistrationMember.objects.count(),
        sorted(RegistrationMember.objects.values_list("registration_id", "practice__code")),
    )


def refused(path, by):
    before = state()
    with pytest.raises(ImportRejected) as caught:
        import_registrations(path=path, by=by)
    assert state() == before
    assert caught.value.total >= 1 and caught.value.problems
    return caught.value.problems


def assert_good_registration(registration, by_area):
    assert registration.pcn == by_area["this_pcn"]
    assert registration.des_year == "2019/20"
    assert registration.status == Status.DRAFT
    assert registration.origin == Origin.IMPORT
    assert member_codes(registration) == ["A00001", "A00002"]
    first = by_area["practices"][0]
    assert registration.clinical_director_name == "Dr Ada Clinician"
    assert registration.clinical_director_practice == first
    assert registration.payee_practice == first
    assert registration.payee_provider_name == ""
    shown = actions.reveal_bank_details(registration=registration, by=_superuser(), channel="page")
    assert shown == {
        "bank_account_name": "Surgery 1 Partnership",
        "bank_sort_code": "123456",
        "bank_account_number": "12345678",
        "unreadable": [],
    }


def _superuser():
    from tests import factories as f

    return f.UserFactory(username="root", is_superuser=True)


def test_good_csv_drafts_the_registration(area, this_pcn_manager):
    result = import_registrations(path=DATA / "good.csv", by=this_pcn_manager)
    assert result.warnings == []
    assert result.updated == []
    (registration,) = result.created
    registration = Registration.objects.get(pk=registration.pk)
    assert_good_registration(registration, area)
    assert registration.area_description == "The town of Testbury and its villages"
    assert registration.history.first().history_user == this_pcn_manager
    with connection.cursor() as cursor:
        cursor.execute("SELECT bank_sort_code, bank_account_number FROM registrations_registration")
        stored = cursor.fetchone()
    assert "123456" not in stored[0] and "12345678" not in stored[1]


def test_good_xlsx_drafts_the_same_registration(area, this_pcn_manager, tmp_path):
    result = import_registrations(path=as_xlsx(tmp_path, GOOD), by=this_pcn_manager)
    assert result.warnings == []
    (registration,) = result.created
    assert_good_registration(Registration.objects.get(pk=registration.pk), area)


def test_pcn_columns_may_be_repeated_and_columns_reordered(area, commissioner_user):
    result = import_registrations(path=DATA / "repeated.csv", by=commissioner_user)
    (registration,) = result.created
    assert_good_registration(Registration.objects.get(pk=registration.pk), area)


def test_submit_submits_with_the_registry_list_sizes(area, this_pcn_manager):
    result = import_registrations(path=DATA / "good.csv", by=this_pcn_manager, submit=True)
    registration = Registration.objects.get(pk=result.created[0].pk)
    assert registration.status == Status.SUBMITTED
    assert registration.transitions.get().by == this_pcn_manager
    sizes = set(registration.members.values_list("list_size", "list_size_date"))
    assert sizes == {(10_000, date(2019, 1, 1))}


def test_cli_creates_and_submits(area, this_pcn_manager, capsys):
    call_command(
        "import_registrations", str(DATA / "good.csv"), "--user", "this_pcn_manager", "--submit"
    )
    out = capsys.readouterr().out
    assert "created U00001 2019/20 (submitted), 2 member(s)" in out
    assert Registration.objects.get().status == Status.SUBMITTED


def test_a_list_size_other_than_the_registrys_is_a_warning(area, this_pcn_manager, tmp_path):
    path = write(tmp_path, GOOD.replace(",A00002,10000,", ",A00002,9500,"))
    result = import_registrations(path=path, by=this_pcn_manager)
    (warning,) = result.warnings
    assert "row 3: A00002 lists 9,500 patients" in warning
    assert "the registry holds 10,000 (registered list at 1 Jan 2019" in warning
    registration = Registration.objects.get()
    actions.submit(registration=registration, by=this_pcn_manager)
    assert set(registration.members.values_list("list_size", flat=True)) == {10_000}


def test_an_existing_draft_is_updated_not_duplicated(drafted, this_pcn_manager, tmp_path):
    lines = GOOD.replace("Dr Ada Clinician", "Dr Ada Lovelace").splitlines()
    path = write(tmp_path, "\n".join(lines[:2]))  # Surgery 1 only
    result = import_registrations(path=path, by=this_pcn_manager)
    assert result.created == [] and result.updated == [drafted]
    registration = Registration.objects.get()
    assert member_codes(registration) == ["A00001"]
    assert registration.clinical_director_name == "Dr Ada Lovelace"
    assert registration.origin == Origin.FORM
    assert registration.history.first().history_change_reason == "imported from registrations.csv"


def test_a_payee_that_is_not_a_member_is_named(area, this_pcn_manager, tmp_path):
    text = GOOD.replace(",A00001,A00001,,", ",A00001,,Testbury GP Federation,")
    result = import_registrations(path=write(tmp_path, text), by=this_pcn_manager)
    registration = Registration.objects.get(pk=result.created[0].pk)
    assert registration.payee_practice is None
    assert registration.payee_provider_name == "Testbury GP Federation"


def _replace(old, new):
    return lambda text: text.replace(old, new)


def _with_notes_column(text):
    header, *rows = text.splitlines()
    return "\n".join([header + ",Notes", *(row + "," for row in rows)])


BAD = {
    "unknown year": (
        _replace("2019/20,", "2018/19,"),
        (2, "DES year", "2018/19"),
        "a DES year on file (2019/20, 2020/21)",
    ),
    "no DES year": (
        _replace("2019/20,", ","),
        (2, "DES year", None),
        "the DES year, e.g. 2019/20",
    ),
    "not a PCN": (
        _replace("U00001", "U00009"),
        (2, "PCN ODS code", "U00009"),
        "the ODS code of a PCN in the registry",
    ),
    "a practice's code as the PCN": (
        _replace(",U00001,", ",A00003,"),
        (2, "PCN ODS code", "A00003"),
        "a PCN ODS code: U and five digits",
    ),
    "unknown practice": (
        _replace(",A00002,", ",A00099,"),
        (3, "Practice ODS code", "A00099"),
        "the ODS code of a GP practice in the registry",
    ),
    "malformed practice code": (
        _replace(",A00002,", ",A0002,"),
        (3, "Practice ODS code", "A0002"),
        "a practice ODS code: a letter and five digits",
    ),
    "practice listed twice": (
        _replace(",Surgery 2,A00002,", ",Surgery 2,A00001,"),
        (3, "Practice ODS code", "A00001"),
        "each practice once; it is listed on row 2",
    ),
    "practice in another PCN in the registry": (
        _replace(",Surgery 2,A00002,", ",Surgery 3,A00003,"),
        (3, "Practice ODS code", "A00003"),
        "on 1 July 2019 it is in U00002 (move it through a change request)",
    ),
    "short sort code": (
        _replace("12-34-56", "12-34-5"),
        (2, "Sort code", "12-34-5"),
        "a sort code of 6 digits, like 12-34-56",
    ),
    "letters in the sort code": (
        _replace("12-34-56", "ab-cd-ef"),
        (2, "Sort code", "ab-cd-ef"),
        "a sort code of 6 digits",
    ),
    "short account number": (
        _replace(",12345678,", ",1234567,"),
        (2, "Account number", "1234567"),
        "an account number of 8 digits",
    ),
    "Clinical Director outside the members": (
        _replace("Dr Ada Clinician,A00001,", "Dr Ada Clinician,A00003,"),
        (2, "Clinical Director practice ODS code", "A00003"),
        "the Clinical Director's practice to be one of U00001's member practices in this file "
        "(A00001, A00002)",
    ),
    "payee outside the members": (
        _replace(",A00001,A00001,,", ",A00001,A00003,,"),
        (2, "Nominated payee ODS code", "A00003"),
        "the nominated payee to be one of U00001's member practices in this file",
    ),
    "payee as code and name": (
        _replace(",A00001,A00001,,", ",A00001,A00001,Testbury GP Federation,"),
        (2, "Nominated payee name", "Testbury GP Federation"),
        "the payee as a member practice's ODS code or another provider's name, not both",
    ),
    "list size not a number": (
        _replace(",A00002,10000,", ",A00002,about 10k,"),
        (3, "Practice's registered list size (as at 1 January)", "about 10k"),
        "a whole number of patients, or blank",
    ),
    "unknown column": (
        _with_notes_column,
        (1, "Notes", "Notes"),
        "only known columns",
    ),
}


@pytest.mark.parametrize("existing", [False, True], ids=["new", "existing draft"])
@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_file_is_refused_and_writes_nothing(
    case, existing, request, area, this_pcn_manager, tmp_path
):
    edit, (row, column, value), expected = BAD[case]
    if existing:
        draft = request.getfixturevalue("drafted")
        members_before = member_codes(draft)
    problems = refused(write(tmp_path, edit(GOOD)), this_pcn_manager)
    problem = problems[0]
    assert (problem.row, problem.column, problem.value) == (row, column, value), problems
    assert expected in problem.expected
    if existing:
        assert member_codes(Registration.objects.get(pk=draft.pk)) == members_before
        assert Registration.objects.get(pk=draft.pk).clinical_director_name == "Dr Ada Clinician"


def test_bad_xlsx_is_refused_like_the_csv(area, this_pcn_manager, tmp_path):
    path = as_xlsx(tmp_path, GOOD.replace(",12345678,", ",1234567,"))
    (problem,) = refused(path, this_pcn_manager)
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "registrations.xlsx",
        2,
        "Account number",
        "1234567",
    )


def test_missing_required_column_is_named(area, this_pcn_manager):
    (problem,) = refused(DATA / "missing_sort_code.csv", this_pcn_manager)
    assert (problem.row, problem.column, problem.value) == (1, "Sort code", None)
    assert problem.expected == "a column named Sort code"


def test_a_repeated_pcn_value_must_agree_with_the_first(area, this_pcn_manager):
    (problem,) = refused(DATA / "disagreeing.csv", this_pcn_manager)
    assert (problem.row, problem.column, problem.value) == (3, "Clinical Director", "Dr Bob Other")
    assert "given for U00001 on row 2 ('Dr Ada Clinician'), or blank" in problem.expected


def test_a_practice_closed_before_go_live_is_refused(area, this_pcn_manager):
    practice = area["practices"][1]
    practice.close_date = date(2019, 3, 31)
    practice.save()
    (problem,) = refused(DATA / "good.csv", this_pcn_manager)
    assert (problem.row, problem.column, problem.value) == (3, "Practice ODS code", "A00002")
    assert "a practice open at the 2019/20 go-live (1 July 2019); it closed on 31 March 2019" in (
        problem.expected
    )


def test_a_pcn_manager_cannot_import_another_pcn(area, this_pcn_manager):
    (problem,) = refused(DATA / "other_pcn.csv", this_pcn_manager)
    assert (problem.row, problem.column, problem.value) == (2, "PCN ODS code", "U00002")
    assert "you may not register for U00002" in problem.expected


def test_one_refused_pcn_refuses_the_whole_file(area, this_pcn_manager):
    (problem,) = refused(DATA / "two_pcns.csv", this_pcn_manager)
    assert (problem.row, problem.value) == (4, "U00002")
    assert not Registration.objects.exists()


def test_a_commissioner_imports_several_pcns(area, commissioner_user):
    result = import_registrations(path=DATA / "two_pcns.csv", by=commissioner_user)
    assert sorted(r.pcn.code for r in result.created) == ["U00001", "U00002"]
    other = Registration.objects.get(pcn=area["other_pcn"])
    assert member_codes(other) == ["A00003"]
    assert other.masked_account_number == "****4321"


def test_a_registration_that_cannot_be_changed_is_refused(drafted, this_pcn_manager):
    actions.submit(registration=drafted, by=this_pcn_manager)
    (problem,) = refused(DATA / "good.csv", this_pcn_manager)
    assert (problem.row, problem.column, problem.value) == (2, "PCN ODS code", "U00001")
    assert "U00001's is submitted" in problem.expected


def test_a_returned_registration_can_be_reimported(drafted, this_pcn_manager, commissioner_user):
    actions.submit(registration=drafted, by=this_pcn_manager)
    actions.decide(
        registration=drafted,
        by=commissioner_user,
        outcome=Status.RETURNED,
        panel_date=date(2019, 5, 16),
        decision_makers="Primary Care Commissioning Committee",
        reason="list below 30,000",
    )
    result = import_registrations(path=DATA / "good.csv", by=this_pcn_manager, submit=True)
    assert result.updated == [drafted]
    assert Registration.objects.get().status == Status.SUBMITTED


def test_a_draft_naming_a_dropped_practice_is_refused(drafted, this_pcn_manager, tmp_path):
    header, _, second = GOOD.splitlines()
    # Surgery 2 only, and no Clinical Director practice: the draft's (Surgery 1) would be lost.
    problem, payee = refused(write(tmp_path, "\n".join([header, second])), this_pcn_manager)
    assert (problem.row, problem.column) == (2, "Clinical Director practice ODS code")
    assert "the 2019/20 draft names A00001, which this file does not list" in problem.expected
    assert (payee.row, payee.column) == (2, "Nominated payee ODS code")
    assert member_codes(drafted) == ["A00001", "A00002"]


def test_what_an_action_refuses_while_writing_rolls_everything_back(
    area, commissioner_user, tmp_path
):
    """A00001 is claimed by the other PCN's submitted registration: set_members refuses it
    after U00001's draft was started, and the draft goes with the refusal."""
    claimed = Registration.objects.create(
        pcn=area["other_pcn"],
        commissioner=area["commissioner"],
        des_year="2019/20",
        status=Status.SUBMITTED,
    )
    RegistrationMember.objects.create(registration=claimed, practice=area["practices"][0])
    (problem,) = refused(DATA / "good.csv", commissioner_user)
    assert (problem.row, problem.column, problem.value) == (2, None, "U00001")
    assert "A00001: already in U00002's 2019/20 registration" in problem.expected
    assert Registration.objects.filter(pcn=area["this_pcn"]).count() == 0


def test_problems_are_capped_at_fifty_with_a_total(area, this_pcn_manager, tmp_path):
    header, first, _ = GOOD.splitlines()
    rows = [first.replace("A00001,10000", f"B{i:05d},10000") for i in range(60)]
    with pytest.raises(ImportRejected) as caught:
        import_registrations(path=write(tmp_path, "\n".join([header, *rows])), by=this_pcn_manager)
    # 60 unknown practices, and the Clinical Director and payee practices are not listed
    assert (caught.value.total, len(caught.value.problems)) == (62, 50)


def test_cli_exits_non_zero_and_prints_the_problems(area, this_pcn_manager, tmp_path, capsys):
    path = write(tmp_path, GOOD.replace("12-34-56", "12-34-5"))
    with pytest.raises(CommandError, match="rejected; nothing was written"):
        call_command("import_registrations", str(path), "--user", "this_pcn_manager")
    err = capsys.readouterr().err
    assert "registrations.csv: REJECTED, 1 problem(s), nothing written." in err
    assert "row 2, column Sort code: '12-34-5' — expected a sort code of 6 digits" in err
    assert not Registration.objects.exists()


def test_cli_names_an_unknown_user(area, tmp_path):
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        call_command("import_registrations", str(DATA / "good.csv"), "--user", "nobody")

"""Plans imported from a spreadsheet laid out like the STP implementation plan: deliverables,
key actions with owners and X-marked milestones, from Excel or CSV, one or two header rows;
a bad file names row, column, value and what was expected, and writes nothing."""

from datetime import date
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from delivery import actions
from delivery.models import Action, Contact, Deliverable, Milestone, Programme
from delivery.plan_import import import_plan
from imports.problems import ImportRejected
from tests import factories as f
from tests.conftest import TEST_DATA
from tests.plans import STP_CONTACTS, add_stp_owners, summary

XLSX = TEST_DATA / "plans" / "stp-implementation-plan.xlsx"
CSV = TEST_DATA / "plans" / "stp-implementation-plan.csv"
HEADER = (
    "Deliverable (National milestone date),Key actions (Action owner),2017/18,,2018/19,\n"
    ",,Q1,Q2,H1,H2\n"
)
SMALL = HEADER + (
    "National 1 - Evening and weekend access,Extended access hubs (Priya Shah),X,,,\n"
    ",Triage hub with NHS 111 (Tim Sacks),,X,,\n"
)


@pytest.fixture
def owners(this_pcn_manager):
    add_stp_owners(this_pcn_manager)


def stp_programme(area, by, start=date(2017, 4, 1), end=date(2021, 3, 31)):
    return actions.create_programme(
        name="STP primary care", start=start, end=end, organisations=[area["ics"]], by=by
    )


@pytest.fixture
def programme(area, programme_office_user, owners):
    return stp_programme(area, programme_office_user)


def write(tmp_path, text: str, name: str = "plan.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def state():
    return [
        model.objects.count()
        for model in (Programme, Deliverable, Action, Milestone, Contact, Action.owners.through)
    ] + [Deliverable.history.count(), Milestone.history.count()]


def refused(path, by, **kwargs):
    before = state()
    with pytest.raises(ImportRejected) as caught:
        import_plan(path=path, by=by, **kwargs)
    assert state() == before
    assert caught.value.total >= 1
    return caught.value.problems


def test_import_plan_reads_the_stp_layout_from_excel(programme, programme_office_user):
    result = import_plan(path=XLSX, by=programme_office_user, programme=programme)
    assert (result.deliverables_created, result.actions_created, result.milestones_created) == (
        5,
        10,
        15,
    )
    assert result.contacts_added == [] and result.warnings == []
    deliverables = {d.reference: d for d in programme.deliverables.all()}
    assert sorted(deliverables) == ["Local 1", "Local 7", "National 1", "National 2", "National 4"]
    national_2 = deliverables["National 2"]
    assert national_2.kind == "national" and national_2.national_milestone == date(2018, 3, 31)
    assert national_2.title == "More clinical pharmacists in GP surgeries: over 900 across England"
    # A bare year is not a date: it stays in the title.
    assert deliverables["National 4"].title.endswith("projects (2019)")
    assert deliverables["National 4"].national_milestone is None
    local = deliverables["Local 1"]
    assert local.kind == "local" and local.title.startswith("Workforce. International recruitment")
    hub = Action.objects.get(title__startswith="An integrated extended access service")
    assert hub.title.endswith("in evenings and weekends")
    assert [u.username for u in hub.owners.all()] == ["this_pcn_manager"]
    assert [c.name for c in hub.contacts.all()] == ["Priya Shah"]
    assert [m.period for m in hub.milestones.all()] == ["Q2 2017/18", "Q4 2017/18"]
    # The Cyrillic Х of a plan pasted from Word, and a small x, mark milestones too.
    visiting = Action.objects.get(title__startswith="A home visiting service")
    assert [m.period for m in visiting.milestones.all()] == ["Q1 2017/18"]
    bids = Action.objects.get(title__startswith="Coordinate the wave 3 bids")
    assert [c.name for c in bids.contacts.all()] == ["Gill Stead", "John Nicholls", "Lesley Grant"]
    assert [m.period for m in bids.milestones.all()] == ["Q2 2017/18"]
    finance = Action.objects.get(title__startswith="Agree a five-year financial plan")
    assert [(m.period, m.start, m.end) for m in finance.milestones.all()] == [
        ("Q2 2017/18", date(2017, 7, 1), date(2017, 9, 30)),
        ("H1 2019/20", date(2019, 4, 1), date(2019, 9, 30)),
        ("H2 2020/21", date(2020, 10, 1), date(2021, 3, 31)),
    ]
    assert Action.objects.filter(title="A clinical triage hub working alongside NHS 111.").exists()
    assert national_2.history.first().history_user == programme_office_user


def test_import_plan_reads_the_same_plan_from_its_csv(
    area, programme, programme_office_user, owners
):
    import_plan(path=XLSX, by=programme_office_user, programme=programme)
    other = stp_programme(area, programme_office_user)
    result = import_plan(path=CSV, by=programme_office_user, programme=other)
    assert result.milestones_created == 15
    assert summary(other) == summary(programme)


def test_import_plan_reads_one_header_row_and_an_owner_column(
    tmp_path, programme, programme_office_user
):
    path = write(
        tmp_path,
        "Deliverable,Key actions,Action owner,National milestone date,Q1 2017/18,2017/18 Q2,"
        "H1 2019/20,Status\n"
        "National 1 - Access,Extended access hubs,Priya Shah; rachel vyas,31/03/2019,X,,,On track\n"
        ",Triage hub (phase 2),Tim Sacks,,,X,X,\n"
        "Local 1 - Workforce,Recruit international GPs,,,,,X,\n",
    )
    result = import_plan(path=path, by=programme_office_user, programme=programme)
    assert (result.deliverables_created, result.actions_created, result.milestones_created) == (
        2,
        3,
        4,
    )
    assert summary(programme) == [
        (
            "local",
            "Local 1",
            "Workforce",
            None,
            [("Recruit international GPs", [], ["H1 2019/20"])],
        ),
        (
            "national",
            "National 1",
            "Access",
            date(2019, 3, 31),
            [
                ("Extended access hubs", ["Priya Shah", "Rachel Vyas"], ["Q1 2017/18"]),
                ("Triage hub (phase 2)", ["Tim Sacks"], ["Q2 2017/18", "H1 2019/20"]),
            ],
        ),
    ]


def test_import_plan_reads_a_banner_split_headers_and_a_repeated_header(
    tmp_path, programme, programme_office_user
):
    """As the STP plan's Word tables have it: "(National milestone date)" under
    "Deliverable", a "Delivery milestone" banner over the years, "Q 1", and the header again
    on every page."""
    header = (
        "Deliverable,Key actions,Delivery milestone,,,\n"
        "(National milestone date),(Action owner),2019/20,,2020/21,\n"
        ",,Q 1,Q2,H1,H2\n"
    )
    path = write(
        tmp_path,
        header
        + "National 5 - Practices working in networks (March 2020),"
        + "Fund the networks (Tim Sacks),X,,,X\n"
        + header
        + "Local deliverable 2 - Workload,Ten high impact actions (Ian Porter),,X,,\n",
    )
    import_plan(path=path, by=programme_office_user, programme=programme)
    assert summary(programme) == [
        (
            "local",
            "Local 2",
            "Workload",
            None,
            [("Ten high impact actions", ["Ian Porter"], ["Q2 2019/20"])],
        ),
        (
            "national",
            "National 5",
            "Practices working in networks",
            date(2020, 3, 31),
            [("Fund the networks", ["Tim Sacks"], ["Q1 2019/20", "H2 2020/21"])],
        ),
    ]
    changed = header.replace("2020/21", "2018/19")
    path = write(tmp_path, header + "National 6 - x,y (Tim Sacks),X,,,\n" + changed)
    [problem] = refused(path, programme_office_user, programme=programme)
    assert (problem.row, problem.value) == (5, "Deliverable")
    assert problem.expected == "the same header as at the top, or none"


def test_import_plan_again_adds_only_what_is_new(tmp_path, programme, programme_office_user):
    import_plan(path=XLSX, by=programme_office_user, programme=programme)
    before = state()
    again = import_plan(path=CSV, by=programme_office_user, programme=programme)
    assert (again.deliverables_matched, again.actions_matched) == (5, 10)
    assert (again.deliverables_created, again.actions_created, again.milestones_created) == (
        0,
        0,
        0,
    )
    assert state() == before
    text = CSV.read_text().replace(
        'NHS 111. (Priya Shah, David Moore)",,,,,,,,X',
        'NHS 111. (Priya Shah, David Moore)",,,,,X,,,X',
    )
    text = text.replace("National 4 - Invest in", "National 4 - Spend on")
    more = import_plan(path=write(tmp_path, text), by=programme_office_user, programme=programme)
    assert (more.actions_matched, more.milestones_created) == (10, 1)
    triage = Action.objects.get(title__startswith="A clinical triage hub")
    assert [m.period for m in triage.milestones.all()] == ["Q1 2018/19", "Q4 2018/19"]
    assert more.warnings == [
        "row 11: National 4 is already in the plan as 'Invest in primary care infrastructure "
        "projects (2019)'; that title is kept"
    ]


def test_import_plan_creates_a_new_programme(area, programme_office_user, owners):
    result = import_plan(
        path=XLSX,
        by=programme_office_user,
        new_programme={
            "name": "LLR primary care",
            "start": date(2017, 4, 1),
            "end": date(2021, 3, 31),
            "organisations": [area["ics"]],
        },
    )
    programme = result.programme
    assert programme.name == "LLR primary care" and list(programme.organisations.all()) == [
        area["ics"]
    ]
    assert programme.deliverables.count() == 5 and result.milestones_created == 15
    assert programme.history.first().history_user == programme_office_user


def test_import_plan_adds_unknown_owners_as_contacts_when_asked(
    area, programme_office_user, this_pcn_manager
):
    add_stp_owners(this_pcn_manager, contacts=())
    programme = stp_programme(area, programme_office_user)
    problems = refused(XLSX, programme_office_user, programme=programme)
    assert {p.value for p in problems} == set(STP_CONTACTS)
    result = import_plan(
        path=XLSX, by=programme_office_user, programme=programme, add_contacts=True
    )
    assert sorted(result.contacts_added) == sorted(STP_CONTACTS)
    assert sorted(Contact.objects.values_list("name", flat=True)) == sorted(STP_CONTACTS)


def test_import_plan_refuses_an_owner_two_people_share_even_adding_contacts(
    area, programme_office_user, this_pcn_manager
):
    add_stp_owners(this_pcn_manager)
    f.UserFactory(username="rvyas2", first_name="Rachel", last_name="Vyas")
    programme = stp_programme(area, programme_office_user)
    for add in (False, True):
        with pytest.raises(ImportRejected) as rejected:
            import_plan(path=XLSX, by=programme_office_user, programme=programme, add_contacts=add)
        assert {(p.value, p.expected) for p in rejected.value.problems} == {
            ("Rachel Vyas", "the owner's username: two people have that name")
        }
    assert not programme.deliverables.exists() and not Contact.objects.filter(name="Rachel Vyas")


def test_import_plan_only_for_those_who_may_edit_the_plan(
    area, programme, programme_office_user, commissioner_user
):
    reader = f.RoleAssignmentFactory(role="read_only", organisation=area["ics"]).user
    for person in (reader, commissioner_user):
        with pytest.raises(PermissionDenied):
            import_plan(path=XLSX, by=person, programme=programme)
    assert not programme.deliverables.exists()


BAD = {
    "milestone outside the plan": (
        SMALL.replace("(Tim Sacks),,X,,", "(Tim Sacks),,X,X,X"),
        (4, "2018/19 H1", "X", "a milestone inside the plan's period, 1 Apr 2017 to 31 Mar 2018"),
    ),
    "owner not a person or contact": (
        SMALL.replace("Tim Sacks", "Nobody Known"),
        (4, "Key actions (Action owner)", "Nobody Known", "an owner who is a person in PCN Hub"),
    ),
    "no header row": (
        "National 1 - Access,Hubs (Tim Sacks),X\n",
        (1, None, "National 1 - Access", "a header row (in the first ten rows)"),
    ),
    "no key actions column": (
        "Deliverable,Q1 2017/18\nNational 1 - Access,X\n",
        (1, "Key actions (Action owner)", None, "a column named Key actions (Action owner)"),
    ),
    "unknown column": (
        "Deliverable,Key actions,Budget,Q1 2017/18\nNational 1 - Access,Hubs (Tim Sacks),100,X\n",
        (1, "Budget", "Budget", "only the plan's columns"),
    ),
    "unreadable period header": (
        SMALL.replace(",,Q1,Q2,H1,H2", ",,Q1,Q5,H1,H2"),
        (2, "2017/18 Q5", "2017/18 Q5", "a period of the financial calendar"),
    ),
    "mark other than X": (
        SMALL.replace("(Tim Sacks),,X", "(Tim Sacks),,done"),
        (4, "2017/18 Q2", "done", "X for a milestone in this period, or blank"),
    ),
    "deliverable without a reference": (
        SMALL.replace("National 1 - Evening", "Evening"),
        (3, "Deliverable (National milestone date)", "Evening and weekend access", "its reference"),
    ),
    "action before any deliverable": (
        SMALL.replace("National 1 - Evening and weekend access,", ","),
        (
            3,
            "Key actions (Action owner)",
            "Extended access hubs (Priya Shah)",
            "a deliverable above",
        ),
    ),
    "a deliverable twice": (
        SMALL + "National 1 - Again,More (Tim Sacks),X,,,\n",
        (5, "Deliverable (National milestone date)", "National 1 - Again", "each deliverable once"),
    ),
    "a key action twice": (
        SMALL + ",Extended access hubs (Tim Sacks),X,,,\n",
        (5, "Key actions (Action owner)", "Extended access hubs", "each key action once"),
    ),
    "marks without a key action": (
        SMALL + ",,,X,,\n",
        (5, "2017/18 Q2", "X", "a key action on the row of its marks"),
    ),
    "header only": (HEADER, (None, None, None, "at least one deliverable under the header")),
    "empty file": ("", (None, None, None, "a plan: a header row, then a row for each key action")),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_import_plan_refuses_bad_input_and_writes_nothing(
    case, tmp_path, area, programme_office_user, owners
):
    text, (row, column, value, expected) = BAD[case]
    programme = stp_programme(area, programme_office_user, end=date(2018, 3, 31))
    problems = refused(write(tmp_path, text), programme_office_user, programme=programme)
    assert any(
        (p.file, p.row, p.column, p.value) == ("plan.csv", row, column, value)
        and expected in p.expected
        for p in problems
    ), problems


def test_import_plan_refuses_a_file_that_is_not_a_workbook(
    tmp_path, programme, programme_office_user
):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    [problem] = refused(path, programme_office_user, programme=programme)
    assert problem.expected == "a readable .xlsx workbook"


def test_import_plan_rolls_back_what_it_wrote_when_an_action_refuses(
    tmp_path, area, programme_office_user, owners
):
    """A reference too long for PCN Hub is refused by add_deliverable, after the first
    deliverable was written: the whole file goes, and so does the new programme."""
    long = "National 1" + "0" * 40 + " - Too long"
    path = write(tmp_path, SMALL + f"{long},Something (Tim Sacks),X,,,\n")
    before = state()
    with pytest.raises(ImportRejected) as caught:
        import_plan(
            path=path,
            by=programme_office_user,
            new_programme={
                "name": "P",
                "start": date(2017, 4, 1),
                "end": date(2019, 3, 31),
                "organisations": [area["ics"]],
            },
        )
    assert state() == before
    [problem] = caught.value.problems
    assert (problem.row, problem.value) == (5, long)
    assert "a deliverable: " in problem.expected and "at most 40 characters" in problem.expected


def test_import_plan_command_imports_and_exits_non_zero_on_problems(
    tmp_path, area, programme, programme_office_user
):
    out, err = StringIO(), StringIO()
    call_command(
        "import_plan",
        str(XLSX),
        "--programme",
        str(programme.pk),
        "--user",
        "programme_office",
        stdout=out,
    )
    assert "5 deliverables, 10 key actions and 15 milestones added" in out.getvalue()
    bad = write(tmp_path, SMALL.replace("Tim Sacks", "Nobody Known"))
    with pytest.raises(CommandError, match="rejected; nothing was written"):
        call_command(
            "import_plan",
            str(bad),
            "--name",
            "New",
            "--start",
            "2017/18",
            "--end",
            "2018/19",
            "--organisation",
            "Q01",
            "--user",
            "programme_office",
            stderr=err,
        )
    assert "row 4, column Key actions (Action owner): 'Nobody Known'" in err.getvalue()
    assert not Programme.objects.filter(name="New").exists()
    call_command(
        "import_plan",
        str(bad),
        "--name",
        "New",
        "--start",
        "2017/18",
        "--end",
        "2018/19",
        "--organisation",
        "Q01",
        "--user",
        "programme_office",
        "--add-contacts",
        stdout=out,
    )
    new = Programme.objects.get(name="New")
    assert (new.start, new.end) == (date(2017, 4, 1), date(2019, 3, 31))
    assert "new contacts: Nobody Known" in out.getvalue()
    with pytest.raises(CommandError, match="not both"):
        call_command(
            "import_plan", str(bad), "--programme", "1", "--name", "x", "--user", "programme_office"
        )


def test_the_import_page_saves_a_good_file_and_shows_a_bad_ones_problems(
    client, area, programme, programme_office_user
):
    url = reverse("plan_import", args=[programme.pk])
    reader = f.RoleAssignmentFactory(role="read_only", organisation=area["ics"]).user
    client.force_login(reader)
    assert client.get(url).status_code == 404
    assert client.get(reverse("programme", args=[programme.pk])).status_code == 200
    client.force_login(programme_office_user)
    assert url in client.get(reverse("programme", args=[programme.pk])).text
    bad = SimpleUploadedFile(
        "plan.csv", SMALL.replace("(Tim Sacks),,X", "(Tim Sacks),,done").encode()
    )
    page = client.post(url, {"file": bad, "add_contacts": "no"})
    assert page.status_code == 200 and "This file was not imported" in page.text
    assert "<code>done</code>" in page.text and "2017/18 Q2" in page.text
    assert not programme.deliverables.exists()
    with CSV.open("rb") as upload:
        posted = client.post(url, {"file": upload, "add_contacts": "no"})
    assert posted.status_code == 302
    assert posted["Location"] == reverse("programme", args=[programme.pk])
    assert programme.deliverables.count() == 5


def test_the_new_plan_page_creates_the_programme_with_its_plan(
    client, area, programme_office_user, this_pcn_manager, owners
):
    url = reverse("plan_import_new")
    client.force_login(this_pcn_manager)
    assert client.get(url).status_code == 404
    client.force_login(programme_office_user)
    page = client.get(url)
    assert page.status_code == 200 and "Organisations it covers" in page.text
    form = {
        "name": "LLR primary care",
        "start": "2017-04-01",
        "end": "31/03/2021",
        "organisations": area["ics"].code,
        "add_contacts": "no",
    }
    with XLSX.open("rb") as upload:
        posted = client.post(url, {**form, "file": upload})
    programme = Programme.objects.get(name="LLR primary care")
    assert posted.status_code == 302 and programme.deliverables.count() == 5
    with XLSX.open("rb") as upload:
        page = client.post(url, {**form, "name": "Shorter", "end": "2018-03-31", "file": upload})
    assert "This file was not imported" in page.text and "no programme was created" in page.text
    assert not Programme.objects.filter(name="Shorter").exists()

"""A plan downloaded as Excel or CSV in the STP implementation plan's layout: two header rows
(the year merged over its quarters or halves), X marks, then status, why and the latest
comment; each reads back into a new programme as the same plan."""

import csv
import io
from datetime import date

import fastexcel
import pytest
from django.urls import reverse

from delivery import actions
from delivery.exports import column_periods, plan_csv, plan_xlsx
from delivery.models import Action
from delivery.plan import load
from delivery.plan_import import import_plan
from pcnhub.nhs_calendar import quarter_of, year_of
from tests import factories as f
from tests.conftest import TEST_DATA
from tests.plans import add_stp_owners, summary

XLSX = TEST_DATA / "plans" / "stp-implementation-plan.xlsx"


@pytest.fixture
def programme(area, programme_office_user, this_pcn_manager):
    """The sample STP plan imported, the home visiting service reported at risk."""
    add_stp_owners(this_pcn_manager)
    programme = actions.create_programme(
        name="STP primary care",
        start=date(2017, 4, 1),
        end=date(2021, 3, 31),
        organisations=[area["ics"]],
        by=programme_office_user,
    )
    import_plan(path=XLSX, by=programme_office_user, programme=programme)
    visiting = Action.objects.get(title__startswith="A home visiting service")
    actions.set_status(
        action=visiting, status="at_risk", commentary="Rota gaps at weekends", by=this_pcn_manager
    )
    return programme


def sheet_rows(data: bytes) -> list[list[str | None]]:
    sheet = fastexcel.read_excel(data).load_sheet(0, header_row=None, skip_rows=0, dtypes="string")
    return [list(row) for row in sheet.to_polars().iter_rows()]


def test_the_plan_exports_in_the_stp_layout(programme):
    rows = sheet_rows(plan_xlsx(load(programme, date(2019, 1, 1))))
    assert rows[0][0] == "STP primary care"
    top, sub = rows[3], rows[4]
    assert top[:3] == [
        "Deliverable (National milestone date)",
        "Key actions (Action owner)",
        "2017/18",
    ]
    # Only the first cell of a merge holds its text; 2019/20 and 2020/21 have only halves.
    assert top[2:15] == [
        "2017/18",
        None,
        None,
        None,
        "2018/19",
        None,
        None,
        None,
        "2019/20",
        None,
        "2020/21",
        None,
        "Status",
    ]
    assert sub[2:14] == ["Q1", "Q2", "Q3", "Q4", "Q1", "Q2", "Q3", "Q4", "H1", "H2", "H1", "H2"]
    assert top[15:] == ["Why", "Latest commentary"]
    body = {row[1]: row for row in rows[5:]}
    [visiting] = [row for title, row in body.items() if title.startswith("A home visiting")]
    assert visiting[0] is None  # under National 1's merged cell
    assert visiting[2:14] == ["X"] + [None] * 11
    assert visiting[14] == "At risk" and visiting[16].startswith(
        "Rota gaps at weekends (Rachel Vyas, "
    )
    assert rows[5][0].startswith("National 1 - ")  # in the order the plan was written
    [access] = [row for row in rows[5:] if row[0] and row[0].startswith("National 1 - ")]
    assert access[0].endswith("and everyone by March 2019") and access[1] == (
        "An integrated extended access service giving at least 45 minutes of GP time per "
        "1,000 patients in evenings and weekends (Rachel Vyas, Priya Shah)"
    )
    national_2 = next(row for row in rows[5:] if row[0] and row[0].startswith("National 2"))
    assert national_2[0].endswith("across England (31 March 2018)")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_exported_plan_imports_as_the_same_plan(
    tmp_path, area, programme, programme_office_user, fmt
):
    plan = load(programme, date(2019, 1, 1))
    path = tmp_path / f"plan.{fmt}"
    if fmt == "xlsx":
        path.write_bytes(plan_xlsx(plan))
    else:
        path.write_text(plan_csv(plan), encoding="utf-8-sig")
    result = import_plan(
        path=path,
        by=programme_office_user,
        new_programme={
            "name": "Copy",
            "start": programme.start,
            "end": programme.end,
            "organisations": [area["ics"]],
        },
    )
    assert (result.deliverables_created, result.actions_created, result.milestones_created) == (
        5,
        10,
        15,
    )
    assert summary(result.programme) == summary(programme)


def test_a_month_milestone_is_marked_in_its_quarter_and_years_take_the_periods_used(
    area, programme_office_user
):
    by = programme_office_user
    programme = actions.create_programme(
        name="Short",
        start=date(2019, 4, 1),
        end=date(2021, 3, 31),
        organisations=[area["ics"]],
        by=by,
    )
    deliverable = actions.add_deliverable(
        programme=programme, kind="local", reference="Local 1", title="Workforce", by=by
    )
    action = actions.add_action(
        deliverable=deliverable, title="Recruit (phase 1)", owners=[], by=by
    )
    actions.add_milestone(action=action, period="Aug 2019", by=by)
    actions.add_milestone(action=action, period="H2 2019/20", by=by)
    actions.add_milestone(action=action, period="2020/21", by=by)
    plan = load(programme, date(2019, 1, 1))
    assert [p.label for p in column_periods(plan)] == [
        "Q1 2019/20",
        "Q2 2019/20",
        "H1 2019/20",
        "Q3 2019/20",
        "Q4 2019/20",
        "H2 2019/20",
        "Q1 2020/21",
        "Q2 2020/21",
        "Q3 2020/21",
        "Q4 2020/21",
        "2020/21",
    ]
    header, sub, row = list(csv.reader(io.StringIO(plan_csv(plan))))
    assert sub[2:13] == ["Q1", "Q2", "H1", "Q3", "Q4", "H2", "Q1", "Q2", "Q3", "Q4", "Year"]
    assert row[1] == "Recruit (phase 1) ()"
    assert [i for i, mark in enumerate(row[2:13]) if mark] == [1, 5, 10]


def test_the_downloads_for_those_who_may_see_the_plan(
    client, area, programme, outsider, django_assert_max_num_queries
):
    reader = f.RoleAssignmentFactory(role="read_only", organisation=area["ics"]).user
    client.force_login(reader)
    with django_assert_max_num_queries(16):
        workbook = client.get(reverse("plan_export", args=[programme.pk, "xlsx"]))
    assert workbook.status_code == 200
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="stp-primary-care-plan.xlsx"' in workbook["Content-Disposition"]
    text = client.get(reverse("plan_export", args=[programme.pk, "csv"])).content.decode(
        "utf-8-sig"
    )
    assert text.startswith(
        "Deliverable (National milestone date),Key actions (Action owner),2017/18"
    )
    assert client.get(reverse("plan_export", args=[programme.pk, "pdf"])).status_code == 404
    client.force_login(outsider)
    assert client.get(reverse("plan_export", args=[programme.pk, "csv"])).status_code == 404


def one_action_plan(area, by, start, end, milestones, name="Outline"):
    """A programme of one deliverable and one key action with milestones in these periods."""
    programme = actions.create_programme(
        name=name, start=start, end=end, organisations=[area["ics"]], by=by
    )
    deliverable = actions.add_deliverable(
        programme=programme, kind="national", reference="National 1", title="Network DES", by=by
    )
    action = actions.add_action(deliverable=deliverable, title="Map the networks", owners=[], by=by)
    for period in milestones:
        actions.add_milestone(action=action, period=period, by=by)
    return programme


def exported(tmp_path, plan, fmt: str):
    path = tmp_path / f"plan.{fmt}"
    if fmt == "xlsx":
        path.write_bytes(plan_xlsx(plan))
    else:
        path.write_text(plan_csv(plan), encoding="utf-8-sig")
    return path


def marks(text: str) -> list[tuple[str, str]]:
    """(year, quarter or half) heading each X of a one-action CSV export."""
    top, sub, row = list(csv.reader(io.StringIO(text)))
    years, year = [], None
    for cell in top[2:]:
        year = cell or year
        years.append(year)
    return [(years[i], sub[2 + i]) for i, mark in enumerate(row[2:]) if mark == "X"]


# The demo CCG plan's period starts in Q4 2018/19; a plan may also end within a quarter.
CUT = [
    (
        date(2019, 2, 1),
        date(2023, 3, 31),
        ["Mar 2019", "Aug 2019", "2019-11-15", "Q4 2019/20", "2021/22"],
        ["Mar 2019", "Q2 2019/20", "Q3 2019/20", "Q4 2019/20", "2021/22"],
        "2018/19 Q4 runs beyond the plan's period (1 Feb 2019 to 31 Mar 2023): its marks are "
        "milestones due Mar 2019, when the plan's part of it ends",
    ),
    (
        date(2019, 4, 1),
        date(2020, 11, 15),
        ["Q1 2019/20", "2020-11-10"],
        ["Q1 2019/20", "15 Nov 2020"],
        "2020/21 Q3 runs beyond the plan's period (1 Apr 2019 to 15 Nov 2020): its marks are "
        "milestones due 15 Nov 2020, when the plan's part of it ends",
    ),
]


@pytest.mark.parametrize(("start", "end", "periods", "_", "__"), CUT)
def test_a_quarter_the_plan_starts_or_ends_in_has_its_column(
    area, programme_office_user, start, end, periods, _, __
):
    programme = one_action_plan(area, programme_office_user, start, end, periods)
    plan = load(programme, date(2019, 1, 1))
    columns = column_periods(plan)
    assert (columns[0].start, columns[-1].end) == (start, end)
    [action] = plan.actions.values()
    found = marks(plan_csv(plan))
    # Every milestone is marked, each in its own column here: the first and last in the
    # quarters the plan's start and end cut.
    assert len(found) == len(action.milestones)
    first, last = action.milestones[0], action.milestones[-1]
    assert found[0] == (year_of(first.end), quarter_of(first.end).label.split()[0])
    if last.period == "15 Nov 2020":
        assert found[-1] == ("2020/21", "Q3") and columns[-1].label == "Q3 2020/21"


@pytest.mark.parametrize(("start", "end", "periods", "read_back", "warning"), CUT)
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_plan_cut_mid_quarter_imports_back_marked_as_it_was(
    tmp_path, area, programme_office_user, start, end, periods, read_back, warning, fmt
):
    by = programme_office_user
    programme = one_action_plan(area, by, start, end, periods)
    plan = load(programme, date(2019, 1, 1))
    result = import_plan(
        path=exported(tmp_path, plan, fmt),
        by=by,
        new_programme={
            "name": "Copy",
            "start": start,
            "end": end,
            "organisations": [area["ics"]],
        },
    )
    [(*_, [(_, _, copied)])] = summary(result.programme)
    assert copied == read_back
    assert result.warnings == [warning]
    assert marks(plan_csv(load(result.programme, date(2019, 1, 1)))) == marks(plan_csv(plan))


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_exported_plan_imported_into_itself_adds_nothing(
    tmp_path, area, programme_office_user, fmt
):
    """Month and day milestones are marked in their quarters; each quarter is already
    covered by the milestone ending in it, whatever its own period's label."""
    by = programme_office_user
    programme = one_action_plan(
        area,
        by,
        date(2019, 2, 1),
        date(2023, 3, 31),
        ["Mar 2019", "Aug 2019", "2019-08-20", "2019-11-15", "H2 2019/20", "2021/22"],
    )
    before = summary(programme)
    plan = load(programme, date(2019, 1, 1))
    result = import_plan(path=exported(tmp_path, plan, fmt), by=by, programme=programme)
    assert (result.deliverables_created, result.actions_created, result.milestones_created) == (
        0,
        0,
        0,
    )
    assert (result.deliverables_matched, result.actions_matched) == (1, 1)
    assert summary(programme) == before and result.warnings == []


def test_a_mark_in_a_column_no_milestone_ends_in_is_still_added(
    tmp_path, area, programme_office_user
):
    by = programme_office_user
    programme = one_action_plan(area, by, date(2019, 4, 1), date(2021, 3, 31), ["Aug 2019"])
    top, sub, row = list(csv.reader(io.StringIO(plan_csv(load(programme, date(2019, 1, 1))))))
    assert sub[2:6] == ["Q1", "Q2", "Q3", "Q4"] and row[2:6] == ["", "X", "", ""]
    row[2] = row[4] = "X"  # Q1 and Q3 2019/20 beside Aug 2019's Q2
    path = tmp_path / "plan.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([top, sub, row])
    result = import_plan(path=path, by=by, programme=programme)
    assert result.milestones_created == 2
    [(*_, [(_, _, periods)])] = summary(programme)
    assert periods == ["Q1 2019/20", "Aug 2019", "Q3 2019/20"]

"""The demo: 2019/20 registrations in every state with the uncovered practices on the
commissioner's coverage page, and money from 2019/20 to 2024/25 with a mid-year move, the
backdated 2024/25 revision as arrears and a reconciliation with one variance; the seeds'
plans with their computed measures, the service roll-out, and assurance rounds against both
frameworks, signed and open. Each test loads the whole demo once (about ten seconds), so the
assertions are grouped."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from organisations.models import Organisation
from payments.inputs import pcns_in
from payments.reconcile import reconcile
from payments.schedule import schedule
from registrations.models import ChangeRequest, Registration, Status


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.DEBUG = True  # the demo refuses to load otherwise
    call_command("load_demo", stdout=StringIO())


def test_the_demo_registrations_coverage_page_and_checks(demo, client):
    assert set(Registration.objects.values_list("status", flat=True)) == set(Status)
    rural = Registration.objects.get(status=Status.APPROVED_EXCEPTION)
    assert "Rural and remote" in rural.population_exception
    returned = Registration.objects.get(status=Status.RETURNED)
    assert "not signed by all members" in returned.transitions.last().reason

    commissioner = get_user_model().objects.get(username="commissioner")
    assert commissioner.check_password("pcnhub-demo")
    client.force_login(commissioner)
    shown = client.get("/coverage/99X/")
    assert "Practices not in an approved PCN" in shown.text
    assert "None</td>" in shown.text  # a practice ODS places in no PCN at all
    history = client.get("/coverage/99X/", {"as_at": "2019-05-15"})
    assert 'id="practices-pct">0.0%' in history.text  # panels sat on 16 and 17 May

    out = StringIO()
    with pytest.raises(CommandError, match="fail at least one rule"):
        call_command("check_registrations", "--year", "2019/20", "--on", "2019-07-01", stdout=out)
    assert "FAIL  documents" in out.getvalue() and "WARN  population_minimum" in out.getvalue()
    quiet = StringIO()
    call_command("check_registrations", "--year", "2019/20", "--on", "2019-05-01", stdout=quiet)
    assert "0 failures" in quiet.getvalue()  # before the agreement deadline nothing fails yet


def test_the_demo_money_move_arrears_and_reconciliation(demo):
    assert ChangeRequest.objects.get().effective_date == date(2022, 10, 1)  # the mid-year move
    ccg = Organisation.objects.get(code="99X")
    found = schedule(pcns_in(ccg, "2024/25"), "2024/25")
    arrears = [s for s in found.lines if s.arrears_for and not s.paid]
    assert arrears and {s.line.month for s in arrears} == {date(2024, 9, 1)}
    assert {s.arrears_for for s in arrears} == {date(2024, m, 1) for m in range(4, 9)}
    assert all(s.line.amount > 0 for s in arrears)  # every revised rate went up
    from payments.entries import network_budget
    from payments.models import StaffMember

    teams = sorted({m.pcn for m in StaffMember.objects.select_related("pcn")}, key=lambda p: p.code)
    budgets = [network_budget(pcn, "2024/25")[0] for pcn in teams]
    assert sorted(b.over_committed for b in budgets) == [False, True]
    assert any(s.line.entitlement == "arrs" and s.paid for s in found.lines)
    from payments.funds import progress
    from payments.models import LocalFund

    resilience = LocalFund.objects.get(kind="resilience")
    [(day, target, spent)] = progress(resilience, date(2020, 1, 15)).behind
    assert (day, target) == (date(2019, 12, 31), Decimal("0.75")) and spent < target
    variances, agreed = reconcile(found)
    [variance] = variances
    assert (variance.month, variance.difference) == (date(2024, 5, 1), Decimal("-25.00"))
    assert "Care Home Premium" in variance.explanation[0] and agreed >= 2


def check_assurance_rounds_snapshots_and_rollup(client):
    from assurance.demo import PLANNED_2019, seed
    from assurance.models import PlannedAction, Round
    from delivery.models import Snapshot
    from delivery.snapshots import compare

    rounds = Round.objects.select_related("commissioner", "framework")
    assert sorted((r.commissioner.code, r.framework.key, r.state) for r in rounds) == [
        ("99X", "gpfv-plan-assurance", "closed"),
        ("99X", "gpfv-plan-assurance", "closed"),
        ("99X", "nhse-assurance-2019-20", "closed"),
        ("99X", "nhse-assurance-2019-20", "open"),
        ("99Y", "nhse-assurance-2019-20", "open"),
        ("99Z", "nhse-assurance-2019-20", "open"),
    ]
    november, december = Snapshot.objects.filter(
        subject="assurance:gpfv-plan-assurance:99X"
    ).order_by("signed_at", "pk")
    access = next(c for c in compare(november, december) if c.key == "extended-access")
    assert ("Rating", "Red", "Amber") in [(f.field, f.before, f.after) for f in access.fields]
    q2 = rounds.get(label="Q2 2019/20 return")
    carried = sum(len(months) for months in PLANNED_2019.values())
    assert PlannedAction.objects.filter(rating__round=q2).count() == carried  # from Q1
    [q1_snapshot] = Snapshot.objects.filter(subject="assurance:nhse-assurance-2019-20:99X")
    coverage = next(i for i in q1_snapshot.content["items"] if i["key"] == "pcn-coverage")
    assert coverage["fields"]["Live figure when signed"].startswith("% of practices")
    people = {u.username: u for u in get_user_model().objects.all()}
    assert seed(assurance_user=people["assurance"], people=people) == 6  # nothing added
    assert Round.objects.count() == 6

    client.force_login(people["assurance"])
    shown = client.get(f"/assurance/rounds/{q2.pk}/", {"as_at": "2019-12-31"})
    assert "% of practices in an approved PCN on 31 Dec 2019" in shown.text
    assert "Rate<span" in shown.text  # the region's assurance team rates 99X
    changes = client.get(f"/assurance/rounds/{q2.pk}/changes/")
    assert "Improved</strong>" in changes.text
    # The demo registry links the CCGs to the STP from its September 2020 map: roll up today.
    rollup = client.get("/assurance/areas/QZ9/")
    assert rollup.text.count('href="/assurance/rounds/') == 3


def test_check_registrations_refuses_an_unknown_year_or_area(db):
    with pytest.raises(CommandError, match="no DES year '2031/32'"):
        call_command("check_registrations", "--year", "2031/32")
    with pytest.raises(CommandError, match="no commissioner, ICS or region"):
        call_command("check_registrations", "--year", "2019/20", "--commissioner", "ZZZ")


def check_plans_from_the_seeds(client):
    from delivery.models import Programme
    from delivery.plan import load

    stp_plan = Programme.objects.get(name__startswith="Primary care implementation plan")
    kinds = list(stp_plan.deliverables.values_list("kind", flat=True))
    assert (kinds.count("national"), kinds.count("local")) == (5, 7)
    today = date.today()
    plan = load(stp_plan, today)
    assert plan.counts()["off_track"] == 1 and plan.counts()["at_risk"] == 1
    outline = Programme.objects.get(name__startswith="Primary care outline milestone plan")
    measure = outline.measures.get(computed="pcn_practices_pct")
    client.force_login(get_user_model().objects.get(username="commissioner"))
    page = client.get(f"/plans/{outline.pk}/")
    assert "computed by PCN Hub" in page.text and measure.descriptor in page.text
    baseline = outline.baselines.get()
    slipped = client.get(f"/plans/baselines/{baseline.pk}/")
    assert "1 milestone later" in slipped.text
    client.force_login(get_user_model().objects.get(username="pcn"))
    mine = client.get("/plans/mine/")
    assert "Recruit a first-contact physiotherapist" in mine.text


def check_service_roll_out_2019_to_2021(client):
    from delivery.measures import computed
    from services.models import Provision, SignUp
    from services.queries import extended_access, service_pct

    ccg = Organisation.objects.get(code="99X")
    assert SignUp.objects.filter(valid_from__year__in=(2019, 2020, 2021)).count() == (
        SignUp.objects.count()
    )
    assert set(SignUp.objects.values_list("service", flat=True)) == {
        "online_consultation",
        "electronic_repeat_dispensing",
        "mdt_go_live",
        "home_visiting",
    }
    rising = [
        service_pct(ccg, date(year, 3, 31), "online_consultation") for year in (2019, 2020, 2021)
    ]
    assert rising[0] == 0 < rising[1] and min(rising[1:]) > 75  # a few never sign up
    assert SignUp.objects.filter(status="withdrawn", valid_from__year=2021).exists()
    assert service_pct(ccg, date(2020, 3, 31), "mdt_go_live") == 0
    assert service_pct(ccg, date(2021, 9, 30), "mdt_go_live") > 90  # all but the unaffiliated
    closed = Organisation.objects.filter(kind="practice", close_date=date(2020, 9, 30)).get()
    assert not SignUp.objects.filter(practice=closed, valid_from__gt=closed.close_date).exists()

    assert not Provision.objects.filter(valid_from__lt=date(2019, 7, 1)).exists()
    at_go_live = extended_access(ccg, date(2019, 7, 1))
    assert at_go_live.pct == 100  # its practice in no PCN offers its own
    assert 25 < at_go_live.per_1000 < 40
    south = extended_access(Organisation.objects.get(code="99Z"), date(2019, 7, 1))
    assert 95 < south.pct < 100  # its practice in no PCN offers none
    stopped = Provision.objects.get(evening_minutes=0, weekend_minutes=0)
    assert stopped.valid_from == date(2020, 4, 1)
    minutes = computed("extended_access_minutes").compute
    area = stopped.provider
    assert minutes(area, date(2020, 3, 31)) > 0 == minutes(area, date(2020, 4, 1))
    assert minutes(area, date(2020, 10, 1)) > 0
    mover = Organisation.objects.filter(
        parent_links__rel_type="practice_pcn", parent_links__valid_from=date(2020, 4, 1)
    ).get()
    new_pcn = mover.parent_links.get(valid_from=date(2020, 4, 1)).parent
    assert (
        mover
        in Provision.objects.get(provider=new_pcn, valid_from=date(2020, 4, 1)).practices.all()
    )

    client.force_login(get_user_model().objects.get(username="commissioner"))
    page = client.get("/services/99X/", {"as_at": "2021-03-31"})
    assert page.status_code == 200 and 'id="service-grid"' in page.text
    access = client.get("/services/99X/extended-access/", {"as_at": "2020-01-01"})
    assert "Network Contract DES extended hours access" in access.text


def test_the_demo_plans_services_and_assurance(demo, client):
    """One load of the demo for the three parts of issue 5 it shows."""
    check_plans_from_the_seeds(client)
    check_service_roll_out_2019_to_2021(client)
    check_assurance_rounds_snapshots_and_rollup(client)

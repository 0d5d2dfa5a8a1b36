"""The demo: 2019/20 registrations in every state with the uncovered practices on the
commissioner's coverage page, and money from 2019/20 to 2024/25 with a mid-year move, the
backdated 2024/25 revision as arrears and a reconciliation with one variance; assurance
rounds against both frameworks, signed and open. Each test loads the whole demo once (about
eight seconds), so the assertions are grouped."""

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


def test_the_demo_assurance_rounds_snapshots_and_rollup(demo, client):
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

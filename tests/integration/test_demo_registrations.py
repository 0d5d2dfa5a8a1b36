"""The demo's 2019/20 registrations: every state, the exception, the returned one, and the
uncovered practices on the commissioner's coverage page; the CLI checks them."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from registrations.models import Registration, Status


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.DEBUG = True  # the demo refuses to load otherwise
    call_command("load_demo", stdout=StringIO())


def test_the_demo_has_a_registration_in_every_state(demo):
    states = set(Registration.objects.values_list("status", flat=True))
    assert states == set(Status)
    rural = Registration.objects.get(status=Status.APPROVED_EXCEPTION)
    assert "Rural and remote" in rural.population_exception
    returned = Registration.objects.get(status=Status.RETURNED)
    assert "not signed by all members" in returned.transitions.last().reason


def test_the_demo_coverage_page_shows_the_uncovered_practices(demo, client):
    commissioner = get_user_model().objects.get(username="commissioner")
    assert commissioner.check_password("pcnhub-demo")
    client.force_login(commissioner)
    shown = client.get("/coverage/99X/")
    assert shown.status_code == 200
    assert "Practices not in an approved PCN" in shown.text
    assert "None</td>" in shown.text  # a practice ODS places in no PCN at all
    history = client.get("/coverage/99X/", {"as_at": "2019-05-15"})
    assert 'id="practices-pct">0.0%' in history.text  # panels sat on 16 and 17 May


def test_check_registrations_prints_failures_and_exits_non_zero(demo):
    out = StringIO()
    with pytest.raises(CommandError, match="fail at least one rule"):
        call_command("check_registrations", "--year", "2019/20", "--on", "2019-07-01", stdout=out)
    assert "FAIL  documents" in out.getvalue()
    assert "WARN  population_minimum" in out.getvalue()
    quiet = StringIO()
    call_command(
        "check_registrations", "--year", "2019/20", "--on", "2019-05-01", stdout=quiet
    )  # before the agreement deadline nothing fails yet
    assert "0 failures" in quiet.getvalue()


def test_check_registrations_refuses_an_unknown_year_or_area(db):
    with pytest.raises(CommandError, match="no DES year '2031/32'"):
        call_command("check_registrations", "--year", "2031/32")
    with pytest.raises(CommandError, match="no commissioner, ICS or region"):
        call_command("check_registrations", "--year", "2019/20", "--commissioner", "ZZZ")


def test_the_demo_has_payments_with_the_backdated_revision_as_arrears(demo):
    from datetime import date

    from organisations.models import Organisation
    from payments.inputs import pcns_in
    from payments.schedule import schedule
    from registrations.models import ChangeRequest

    assert ChangeRequest.objects.get().effective_date == date(2022, 10, 1)  # the mid-year move
    found = schedule(pcns_in(Organisation.objects.get(code="99X"), "2024/25"), "2024/25")
    arrears = [s for s in found.lines if s.arrears_for and not s.paid]
    assert arrears and {s.line.month for s in arrears} == {date(2024, 9, 1)}
    assert {s.arrears_for for s in arrears} == {date(2024, m, 1) for m in range(4, 9)}
    assert all(s.line.amount > 0 for s in arrears)  # every revised rate went up

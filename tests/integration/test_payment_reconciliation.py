"""Reconciliation: statements are refused whole when wrong, and each variance is explained."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports.problems import ImportRejected
from payments.models import PaymentStatement, Received
from payments.reconcile import load_statement, reconcile
from payments.schedule import schedule

# The networks are approved and have a nominated payee (tests/conftest.py), so they are paid.
pytestmark = pytest.mark.usefixtures("approved_networks")


@pytest.fixture
def approved_networks(approved_networks, area):
    """This PCN's money goes to a provider account under the PCN's own code, U00001, so its
    statement rows are told apart from its practices' own."""
    registration = approved_networks.get(pcn=area["this_pcn"])
    registration.payee_practice = None
    registration.payee_provider_name = "This PCN network account"
    registration.payee_provider_code = "U00001"
    registration.save()
    return approved_networks


YEARS = {"first_month": date(2019, 4, 1), "last_month": date(2025, 3, 1)}
HEADER = "Payee ODS code,Month,Entitlement,Amount\r\n"


def statement(tmp_path, text, name="statement.csv"):
    path = tmp_path / name
    path.write_text(HEADER + text, encoding="utf-8")
    return path


def test_a_statement_with_one_variance_is_explained_by_entitlement(area, finance_user, tmp_path):
    """Set against the month each line is paid in: 2019/20's first statement, July, pays core
    for April to July (payments/calendar); the Clinical Director contribution and Extended
    Hours Access start in July. 20,000 patients: core £2,500.00 a month."""
    path = statement(
        tmp_path,
        "U00001,2019-07,Core PCN funding,10000.00\r\n"
        "U00001,Jul 2019,Clinical Director contribution,1142.89\r\n"
        "U00001,Jul 2019,Extended Hours Access,2442.22\r\n"
        'U00001,2019-08,Core PCN funding,"£2,400.00"\r\n'
        "U00001,2019-08,Clinical Director contribution,1142.89\r\n"
        "U00001,2019-08,Extended Hours Access,2442.22\r\n",
    )
    load_statement(path=path, by=finance_user, **YEARS)
    variances, agreed = reconcile(schedule([area["this_pcn"]], "2019/20"))
    assert agreed == 1  # July: core for April-July and the rest as expected, no false variance
    [august] = variances
    assert (august.month, august.expected, august.received, august.difference) == (
        date(2019, 8, 1),
        Decimal("6085.11"),
        Decimal("5985.11"),
        Decimal("-100.00"),
    )
    assert august.explanation == ("Core PCN funding: expected £2,500.00, received £2,400.00",)


@pytest.mark.parametrize(
    ("row", "column", "expected"),
    [
        (
            "ZZ999,2019-04,,10.00",
            "Payee ODS code",
            "the ODS code of a practice or PCN PCN Hub pays",
        ),
        ("U00001,April-ish,,10.00", "Month", "a month such as 2024-04"),
        ("U00001,2031-04,,10.00", "Month", "the years with rates"),
        ("U00001,2019-04,,ten pounds", "Amount", "pounds and pence"),
        ("U00001,2019-04,Bonus,10.00", "Entitlement", "an entitlement's name"),
    ],
)
def test_a_bad_statement_is_refused_whole_and_saves_nothing(
    area, finance_user, tmp_path, row, column, expected
):
    path = statement(tmp_path, "U00001,2019-04,,2500.00\r\n" + row + "\r\n")
    with pytest.raises(ImportRejected) as refused:
        load_statement(path=path, by=finance_user, **YEARS)
    [problem] = refused.value.problems
    assert (problem.file, problem.row, problem.column) == ("statement.csv", 3, column)
    assert expected in problem.expected
    assert not PaymentStatement.objects.exists() and not Received.objects.exists()


def test_the_page_loads_a_statement_and_lists_the_variance(
    client, area, finance_user, commissioner_user
):
    client.force_login(finance_user)
    url = reverse("reconciliation", args=["U00001"]) + "?year=2019/20"
    bad = client.post(
        url, {"file": SimpleUploadedFile("s.csv", (HEADER + "ZZ999,2019-04,,1\r\n").encode())}
    )
    assert "This statement was not loaded" in bad.text and "ZZ999" in bad.text
    good = client.post(
        url, {"file": SimpleUploadedFile("s.csv", (HEADER + "U00001,2019-08,,2400\r\n").encode())}
    )
    assert good.status_code == 302
    shown = client.get(url)
    assert "Core PCN funding: expected £2,500.00" in shown.text
    client.force_login(commissioner_user)
    assert "Load a payment statement" not in client.get(url).text
    assert client.post(url, {}).status_code == 404


def test_a_variance_on_an_entitlement_that_cannot_be_calculated_says_so(
    area, finance_user, tmp_path
):
    """The standing cast has no weighted populations: a participation payment received is set
    against 'cannot be calculated', never against an expected £0.00."""
    from payments.rates import ENTITLEMENTS

    label = ENTITLEMENTS["network_participation"]
    path = statement(tmp_path, f"A00001,2019-07,{label},1000.00\r\n")
    load_statement(path=path, by=finance_user, **YEARS)
    variances, _ = reconcile(schedule([area["this_pcn"]], "2019/20"))
    [july] = variances
    assert july.explanation == (f"{label}: cannot be calculated, received £1,000.00",)

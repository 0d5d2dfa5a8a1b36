"""The audit page: bank details seen in full and rate revisions, scoped, filtered, as CSV,
and kept for good."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.db.models import ProtectedError

from payments.versions import approve_revision, propose_revision, reject_revision
from registrations.actions import reveal_bank_details
from tests import factories as f

URL = "/accounts/audit/"


@pytest.fixture
def seen(area, drafted, finance_user):
    reveal_bank_details(registration=drafted, by=finance_user)
    return drafted


def test_finance_reads_who_saw_bank_details_with_filters_and_csv(client, area, seen, finance_user):
    client.force_login(finance_user)
    page = client.get(URL)
    assert page.status_code == 200
    assert "Bank details seen in full" in page.text
    assert "finance" in page.text and "U00001" in page.text and "2019/20" in page.text
    assert "None recorded that match" in client.get(URL, {"person": "nobody"}).text
    assert "U00001" not in client.get(URL, {"organisation": "U00002"}).text
    assert "None recorded" in client.get(URL, {"start": "2099-01-01"}).text
    refused = client.get(URL, {"start": "2024-02-01", "end": "2024-01-01"})
    assert "The end date is before the start date" in refused.text
    body = client.get(URL, {"format": "csv", "list": "bank"}).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [(r["Seen by"], r["PCN code"], r["Through"]) for r in rows] == [
        ("finance", "U00001", "page")
    ]


def test_the_audit_is_scoped_and_only_for_finance(
    client, area, seen, programme_office_user, this_pcn_manager
):
    elsewhere = f.CommissionerFactory(code="02Y", name="Another CCG")
    outsider = f.UserFactory(username="other_finance")
    f.RoleAssignmentFactory(user=outsider, role="commissioner_finance", organisation=elsewhere)
    client.force_login(outsider)
    page = client.get(URL)
    assert page.status_code == 200 and "U00001" not in page.text
    for person in (programme_office_user, this_pcn_manager):
        client.force_login(person)
        assert client.get(URL).status_code == 404


def test_rate_revisions_are_listed_with_who_proposed_and_who_decided(
    client, db, finance_user, england_finance
):
    common = {
        "year": "2023/24",
        "entitlement": "core",
        "effective_from": date(2023, 4, 1),
        "source": "a letter",
        "status": "confirmed",
        "note": "",
        "supersedes": "2023/24 Network Contract DES",
        "by": finance_user,
    }
    wrong = propose_revision(
        **common,
        value=Decimal("1.65"),
        label="2023/24 typo",
        published=date(2023, 8, 1),
        reason="a slip",
    )
    reject_revision(version=wrong, by=england_finance, reason="the letter says 1.55")
    right = propose_revision(
        **common,
        value=Decimal("1.55"),
        label="2023/24 autumn letter",
        published=date(2023, 9, 1),
        reason="the autumn letter",
    )
    client.force_login(finance_user)
    page = client.get(URL, {"list": "rates"})
    assert "2023/24 autumn letter" in page.text and "core 1.55 per year" in page.text
    assert "2023/24 Network Contract DES" not in page.text  # shipped in the rate files
    assert "autumn" not in client.get(URL, {"list": "rates", "organisation": "2024/25"}).text
    approve_revision(version=right, by=england_finance, reason="matches the letter")
    body = client.get(URL, {"format": "csv", "list": "rates"}).content.decode("utf-8-sig")
    rows = [
        (
            r["Version"],
            r["Proposed by"],
            r["Why"],
            r["Status"],
            r["Approved or rejected by"],
            r["Decision reason"],
        )
        for r in csv.DictReader(io.StringIO(body))
    ]
    assert rows == [
        (
            "2023/24 autumn letter",
            "finance",
            "the autumn letter",
            "approved",
            "england_finance",
            "matches the letter",
        ),
        (
            "2023/24 typo",
            "finance",
            "a slip",
            "rejected",
            "england_finance",
            "the letter says 1.55",
        ),
    ]
    decided = client.get(URL, {"list": "rates", "person": "england_finance"}).text
    assert "2023/24 typo" in decided and "2023/24 autumn letter" in decided


def test_a_registration_whose_bank_details_were_seen_is_never_deleted(seen):
    with pytest.raises(ProtectedError):
        seen.delete()

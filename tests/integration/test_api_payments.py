"""/api/payments/... and /api/rates/: scope, lines with why, money as strings, marking a month
paid and its refusals, the rate versions, and bounded queries."""

from decimal import Decimal

import pytest
from django.utils import timezone

from payments.models import PaidMonth
from tests import factories as f

# The networks are approved and have a nominated payee (tests/conftest.py), so they are paid.
pytestmark = pytest.mark.usefixtures("approved_networks")

YEAR = "year=2019/20"


def url(code, step=""):
    return f"/api/payments/{code}/{step + '/' if step else ''}"


def core(body, pcn="U00001"):
    return [
        line
        for line in body["lines"]
        if line["entitlement"] == "core" and line["pcn_code"] == pcn and not line["arrears_for"]
    ]


def test_payments_anonymous_refused(api, area):
    assert api.get(url("U00001") + f"?{YEAR}").status_code in (401, 403)
    assert api.get("/api/rates/?year=2024/25").status_code in (401, 403)


def test_payments_pcn_manager_reads_their_pcns_lines_with_why(api, area, this_pcn_manager):
    api.force_login(this_pcn_manager)
    response = api.get(url("U00001") + f"?{YEAR}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["scope"] == {"code": "U00001", "kind": "pcn", "name": "This PCN"}
    assert body["year"] == "2019/20"
    assert body["known_on"] == timezone.localdate().isoformat()
    assert body["months"][0] == "2019-04-01" and body["months"][-1] == "2020-03-01"
    assert len(body["months"]) == 12
    lines = core(body)
    assert [line["month"] for line in lines] == body["months"]
    assert {line["amount"] for line in lines} == {"2500.00"}  # 20,000 x £1.50 / 12
    assert all(
        isinstance(line["amount"], str)
        for line in body["lines"]
        if not line["cannot_be_calculated"]
    )
    assert isinstance(body["total"], str)
    assert body["total"] == str(sum(Decimal(line["amount"] or 0) for line in body["lines"]))
    first = lines[0]
    assert set(first) == {
        "payee_code",
        "payee_name",
        "pcn_code",
        "pcn_name",
        "entitlement",
        "label",
        "month",
        "for_month",
        "paid_month",
        "amount",
        "paid",
        "arrears_for",
        "formula",
        "cannot_be_calculated",
        "basis",
        "basis_value",
        "status",
        "withheld",
        "paid_to",
        "basis_as_at",
        "basis_source",
        "rate",
        "per",
        "version",
        "rate_status",
        "rate_note",
        "rate_source",
    }
    assert first["paid"] is False and first["arrears_for"] is None
    # April's core is for April and paid in July, 2019/20's first payment (payments/calendar).
    assert (first["month"], first["for_month"], first["paid_month"]) == (
        "2019-04-01",
        "2019-04-01",
        "2019-07-01",
    )
    assert [line["paid_month"] for line in lines[3:5]] == ["2019-07-01", "2019-08-01"]
    assert first["payee_code"] == "A00001"  # the nominated payee on record that month
    assert (first["basis"], first["basis_value"], first["basis_as_at"]) == (
        "registered",
        "20000",
        "2019-01-01",
    )
    assert "sum of 2 practices' registered list at 1 Jan 2019" in first["basis_source"]
    assert (first["rate"], first["per"]) == ("1.50000", "year")
    assert first["version"] == "2019/20 Network Contract DES"
    assert "rounded to £2,500.00" in first["formula"]
    assert {line["pcn_code"] for line in body["lines"]} == {"U00001"}


def test_payments_filters_by_month_and_payee(api, area, this_pcn_manager):
    api.force_login(this_pcn_manager)
    # The month filter keeps the lines paid in the month: July 2019 pays core for April-July.
    assert api.get(url("u00001") + f"?{YEAR}&month=2019-04").json()["lines"] == []
    july = api.get(url("u00001") + f"?{YEAR}&month=2019-07").json()
    assert {line["paid_month"] for line in july["lines"]} == {"2019-07-01"}
    assert [line["for_month"] for line in core(july)] == [f"2019-0{m}-01" for m in (4, 5, 6, 7)]
    assert july["total"] == str(sum(Decimal(line["amount"] or 0) for line in july["lines"]))
    assert api.get(url("U00001") + f"?{YEAR}&payee=a99999").json()["lines"] == []
    assert api.get(url("U00001") + f"?{YEAR}&payee=a00001").json()["lines"]
    for bad in ("month=2019-4", "month=2019-13", "month=2020-04"):
        response = api.get(url("U00001") + f"?{YEAR}&{bad}")
        assert response.status_code == 400
        assert "month" in response.json()


def test_payments_other_pcn_and_unknown_codes_answer_404(api, area, this_pcn_manager):
    api.force_login(this_pcn_manager)
    assert api.get(url("U00002") + f"?{YEAR}").status_code == 404
    assert api.get(url("01X") + f"?{YEAR}").status_code == 404  # above their PCN
    assert api.get(url("ZZZZZ") + f"?{YEAR}").status_code == 404
    assert api.get(url("A00001") + f"?{YEAR}").status_code == 404  # a practice is no scope


@pytest.mark.parametrize("query", ["", "?year=2030/31", "?year=2019"])
def test_payments_missing_or_unknown_year_answers_400_listing_the_years(
    api, area, this_pcn_manager, query
):
    api.force_login(this_pcn_manager)
    response = api.get(url("U00001") + query)
    assert response.status_code == 400
    (message,) = response.json()["year"]
    assert "2019/20" in message and "2024/25" in message


def test_payments_bad_as_at_answers_400(api, area, this_pcn_manager):
    api.force_login(this_pcn_manager)
    assert api.get(url("U00001") + f"?{YEAR}&as_at=2019-02-30").status_code == 400


def test_payments_commissioner_reads_the_whole_commissioner(
    api, area, commissioner_user, programme_office_user
):
    api.force_login(commissioner_user)
    response = api.get(url("01X") + f"?{YEAR}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["scope"] == {"code": "01X", "kind": "commissioner", "name": "NHS Test CCG"}
    assert {line["pcn_code"] for line in body["lines"]} == {"U00001", "U00002"}
    assert {line["amount"] for line in core(body, "U00002")} == {"1250.00"}  # 10,000 patients
    assert api.get(url("Q01") + f"?{YEAR}").status_code == 404  # above the commissioner
    api.force_login(programme_office_user)
    ics = api.get(url("Q01") + f"?{YEAR}").json()
    assert ics["scope"]["kind"] == "ics"
    assert ics["lines"] == body["lines"]


def test_payments_finance_marks_a_month_paid_once(api, area, finance_user, this_pcn_manager):
    api.force_login(finance_user)
    response = api.post(url("U00001", "paid"), {"month": "2019-08-01"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["pcn"], body["month"]) == ("U00001", "2019-08-01")
    assert body["lines"] == PaidMonth.objects.get().lines.count() > 0

    api.force_login(this_pcn_manager)
    shown = api.get(url("U00001") + f"?{YEAR}").json()
    august = [line for line in core(shown) if line["month"] == "2019-08-01"]
    assert [(line["paid"], line["amount"]) for line in august] == [(True, "2500.00")]
    # A paid line keeps what it was paid on: the rate and the population in words.
    assert august[0]["rate"] == "1.50000"
    assert "registered list at 1 Jan 2019" in august[0]["basis_source"]
    assert {line["paid"] for line in core(shown) if line["month"] != "2019-08-01"} == {False}

    api.force_login(finance_user)
    again = api.post(url("U00001", "paid"), {"month": "2019-08-01"}, format="json")
    assert again.status_code == 400
    message = "August 2019 is already marked paid for U00001: paid months never change"
    assert again.json() == {"detail": message, "errors": {"non_field_errors": [message]}}
    assert PaidMonth.objects.count() == 1


def test_payments_mark_paid_refusals(api, area, finance_user, commissioner_user, this_pcn_manager):
    body = {"month": "2019-08-01"}
    api.force_login(commissioner_user)
    refused = api.post(url("U00001", "paid"), body, format="json")
    assert refused.status_code == 403
    assert "may not mark payments for U00001" in refused.json()["detail"]
    api.force_login(this_pcn_manager)
    assert api.post(url("U00001", "paid"), body, format="json").status_code == 403
    assert api.post(url("U00002", "paid"), body, format="json").status_code == 404

    api.force_login(finance_user)
    area_wide = api.post(url("01X", "paid"), body, format="json")
    assert area_wide.status_code == 400
    assert "one PCN at a time" in area_wide.json()["detail"]
    for bad in ({"month": "April 2019"}, {"month": "2019-02-30"}, {}):
        response = api.post(url("U00001", "paid"), bad, format="json")
        assert response.status_code == 400
        assert response.json()["detail"] == "the request body is not valid"
        assert "month" in response.json()["errors"]
    no_rates = api.post(url("U00001", "paid"), {"month": "2031-04-01"}, format="json")
    assert no_rates.status_code == 400
    assert no_rates.json()["errors"] == {
        "month": ["no rates on file for 2031/32, so nothing to pay"]
    }
    assert not PaidMonth.objects.exists()


def test_rates_lists_the_years_versions_in_chain_order(api, area, other_pcn_manager):
    api.force_login(other_pcn_manager)
    response = api.get("/api/rates/?year=2024/25")
    assert response.status_code == 200, response.content
    versions = response.json()
    assert [v["label"] for v in versions] == [
        "2024/25 Network Contract DES",
        "2024/25 revision (September 2024)",
    ]
    first = versions[0]
    assert (first["year"], first["published"], first["from_file"]) == (
        "2024/25",
        "2024-03-28",
        True,
    )
    assert first["created_by"] is None
    rate = next(r for r in first["rates"] if r["entitlement"] == "core_registered")
    assert rate == {
        "entitlement": "core_registered",
        "value": "2.21800",
        "per": "year",
        "unit": "per_registered_patient",
        "start": "2024-04-01",
        "end": "2025-03-31",
        "basis": "registered",
        "basis_date": "2024-01-01",
        "payee": "pcn",
        "source": rate["source"],
        "status": "confirmed",
        "note": "",
    }
    revised = {r["entitlement"]: r["value"] for r in versions[1]["rates"]}
    assert revised["core_registered"] == "2.26900"
    earlier = api.get("/api/rates/?year=2024/25&as_at=2024-06-30").json()
    assert [v["label"] for v in earlier] == ["2024/25 Network Contract DES"]
    missing = api.get("/api/rates/")
    assert missing.status_code == 400 and "2024/25" in missing.json()["year"][0]


def test_rates_refused_without_a_role(api, outsider):
    api.force_login(outsider)
    assert api.get("/api/rates/?year=2024/25").status_code == 403


# Query counts: the same bound with 2 extra member practices as with 10. Measured with the
# PCN manager: session and user 2; the scope organisation 1; roles and scope (2 levels) 3;
# the years on file 1; the schedule 13 (versions and their rates 2, members 1, populations by
# the population rule 5: registered lists, entered figures and practice codes, weighted figures
# and codes; beds, achievements, payees, ARRS claims, paid months 1 each).
QUERY_BOUND = 22  # who may be paid: registrations, steps, ODS starts, payee changes


@pytest.fixture(params=[2, 10], ids=["2_extra_practices", "10_extra_practices"])
def crowded(request, area):
    for i in range(request.param):
        practice = f.PracticeFactory(code=f"B{i:05d}", name=f"Extra Surgery {i}")
        f.RelationshipFactory(child=practice, parent=area["this_pcn"])
        f.ListSizeFactory(organisation=practice, patients=5000)
    return request.param


def test_payments_query_count_is_bounded(
    api, crowded, this_pcn_manager, django_assert_max_num_queries
):
    api.force_login(this_pcn_manager)
    with django_assert_max_num_queries(QUERY_BOUND):
        response = api.get(url("U00001") + f"?{YEAR}")
    assert response.status_code == 200
    patients = 20_000 + 5000 * crowded
    assert {line["amount"] for line in core(response.json())} == {
        str(patients * Decimal("1.50") / 12)
    }

"""/api/registrations/...: scope, rule results, masked and revealed bank details, the workflow
steps and their refusals, and bounded queries."""

import json
from datetime import date

import pytest
from drf_spectacular.validation import validate_schema

from organisations.models import RelType
from registrations import actions
from registrations.models import BankDetailsView, Registration, Status
from tests import factories as f

PANEL = {"panel_date": "2019-05-16", "decision_makers": "Primary Care Commissioning Committee"}


def url(registration, step=""):
    return f"/api/registrations/{registration.pk}/{step + '/' if step else ''}"


def rules(body):
    return {r["code"]: r for r in body["rule_results"]}


def submitted(registration, by):
    actions.submit(registration=registration, by=by)
    return registration


def test_registration_list_anonymous_refused(api, drafted):
    assert api.get("/api/registrations/").status_code in (401, 403)


def test_registration_list_and_detail_show_rule_results_and_masked_bank_details(
    api, drafted, this_pcn_manager
):
    api.force_login(this_pcn_manager)
    listed = api.get("/api/registrations/")
    assert listed.status_code == 200
    assert listed.json()["count"] == 1
    detail = api.get(url(drafted))
    assert detail.status_code == 200
    body = detail.json()
    assert listed.json()["results"][0] == body
    for response in (listed, detail):
        text = response.content.decode()
        assert "123456" not in text  # the sort code, and the account number 12345678
        assert "Surgery 1 Partnership" not in text
    assert body["id"] == drafted.pk
    assert (body["des_year"], body["status"], body["status_label"]) == ("2019/20", "draft", "Draft")
    assert body["pcn"] == {"code": "U00001", "name": "This PCN"}
    assert body["commissioner"] == {"code": "01X", "name": "NHS Test CCG"}
    assert [m["code"] for m in body["members"]] == ["A00001", "A00002"]
    assert body["members"][0] == {
        "code": "A00001",
        "name": "Surgery 1",
        "list_size": None,
        "list_size_date": None,
        "list_size_basis": "",
        "list_size_source": "",
        "variation_status": "not_started",
    }
    assert body["list_size"] == 20_000
    assert body["masked_sort_code"] == "**-**-56"
    assert body["masked_account_number"] == "****5678"
    assert body["has_bank_details"] is True
    assert not {"bank_sort_code", "bank_account_number", "bank_account_name"} & set(body)
    assert body["clinical_director_name"] == "Dr Ada Clinician"
    assert body["clinical_director_practice"] == "A00001"
    assert body["payee_practice"] == "A00001"
    found = rules(body)
    assert found["population_minimum"]["result"] == "fail"
    assert "20,000 patients at 1 January 2019" in found["population_minimum"]["reason"]
    assert set(found["population_minimum"]) == {"code", "title", "result", "reason", "source"}
    assert {r["result"] for code, r in found.items() if code != "population_minimum"} == {"pass"}
    assert body["transitions"] == []


def test_registration_rules_are_checked_on_as_at(api, drafted, this_pcn_manager):
    """Before the documents were due, an unsigned one is a warning rather than a failure."""
    drafted.documents.filter(key="full_agreement").delete()
    api.force_login(this_pcn_manager)
    now = rules(api.get(url(drafted)).json())["documents"]
    before = rules(api.get(url(drafted) + "?as_at=2019-06-01").json())["documents"]
    assert (now["result"], before["result"]) == ("fail", "warning")
    assert api.get(url(drafted) + "?as_at=2019-06-31").status_code == 400


def test_registration_other_pcn_answers_404_for_detail_bank_details_and_steps(
    api, drafted, other_pcn_manager
):
    api.force_login(other_pcn_manager)
    assert api.get("/api/registrations/").json()["count"] == 0
    assert api.get(url(drafted)).status_code == 404
    assert api.get(url(drafted, "bank-details")).status_code == 404
    assert api.post(url(drafted, "submit"), {}, format="json").status_code == 404
    assert not BankDetailsView.objects.exists()
    assert Registration.objects.get(pk=drafted.pk).status == Status.DRAFT


def test_registration_bank_details_answer_404_to_a_pcn_manager(api, drafted, this_pcn_manager):
    api.force_login(this_pcn_manager)
    assert api.get(url(drafted)).status_code == 200
    response = api.get(url(drafted, "bank-details"))
    assert response.status_code == 404
    assert "123456" not in response.content.decode()
    assert not BankDetailsView.objects.exists()


def test_registration_bank_details_shown_in_full_to_finance_and_recorded(
    api, drafted, finance_user
):
    api.force_login(finance_user)
    response = api.get(url(drafted, "bank-details"))
    assert response.status_code == 200
    assert response.json() == {
        "bank_account_name": "Surgery 1 Partnership",
        "bank_sort_code": "123456",
        "bank_account_number": "12345678",
        "unreadable": [],
    }
    assert response["Cache-Control"] == "no-store"
    view = BankDetailsView.objects.get()
    assert (view.registration_id, view.viewed_by, view.channel) == (drafted.pk, finance_user, "api")
    # Finance reads the registration too, masked like everyone else.
    assert "123456" not in api.get(url(drafted)).content.decode()


def test_registration_submit_by_its_pcn_manager(api, drafted, this_pcn_manager):
    api.force_login(this_pcn_manager)
    response = api.post(url(drafted, "submit"), {"reason": "ready"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "submitted"
    assert [m["list_size"] for m in body["members"]] == [10_000, 10_000]
    assert body["members"][0]["list_size_date"] == "2019-01-01"
    assert body["members"][0]["list_size_basis"] == "registered list at 1 Jan 2019"
    assert body["list_size_note"] == ""
    (step,) = body["transitions"]
    assert step["from_status"] == "draft"
    assert step["to_status"] == "submitted"
    assert step["by"] == "this_pcn_manager"
    assert step["reason"] == "ready"
    assert Registration.objects.get(pk=drafted.pk).status == Status.SUBMITTED
    again = api.post(url(drafted, "submit"), format="json")
    assert again.status_code == 400
    assert "only a draft or returned registration can be submitted" in again.json()["detail"]


def test_registration_decide_by_a_pcn_manager_answers_403(api, drafted, this_pcn_manager):
    submitted(drafted, this_pcn_manager)
    api.force_login(this_pcn_manager)
    body = {"outcome": "approved_exception", "exception_reason": "rural", **PANEL}
    response = api.post(url(drafted, "decide"), body, format="json")
    assert response.status_code == 403
    assert "may not decide registration for 01X" in response.json()["detail"]
    assert Registration.objects.get(pk=drafted.pk).status == Status.SUBMITTED


def test_registration_decide_on_a_never_submitted_one_answers_400(api, drafted, commissioner_user):
    api.force_login(commissioner_user)
    response = api.post(url(drafted, "decide"), {"outcome": "approved", **PANEL}, format="json")
    assert response.status_code == 400
    message = "only a submitted registration can be decided; this one is draft"
    assert response.json() == {"detail": message, "errors": {"non_field_errors": [message]}}
    assert Registration.objects.get(pk=drafted.pk).status == Status.DRAFT


def test_registration_decide_field_errors_come_back_by_field(
    api, drafted, this_pcn_manager, commissioner_user
):
    submitted(drafted, this_pcn_manager)
    api.force_login(commissioner_user)
    body = {"outcome": "returned", "panel_date": "2019-05-16", "decision_makers": " "}
    response = api.post(url(drafted, "decide"), body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "decision_makers": ["name the decision makers"],
        "reason": ["say why the registration is returned"],
    }
    assert "name the decision makers" in response.json()["detail"]


def test_registration_approval_refused_while_a_rule_fails_then_given_with_exception(
    api, drafted, this_pcn_manager, commissioner_user
):
    submitted(drafted, this_pcn_manager)
    api.force_login(commissioner_user)
    refused = api.post(url(drafted, "decide"), {"outcome": "approved", **PANEL}, format="json")
    assert refused.status_code == 400
    assert "cannot approve: Network list size of at least 30,000" in refused.json()["detail"]

    body = {
        "outcome": "approved_exception",
        "exception_reason": "a large rural area with a sparse population",
        "conditions": "review in a year",
        **PANEL,
    }
    response = api.post(url(drafted, "decide"), body, format="json")
    assert response.status_code == 200, response.content
    result = response.json()
    assert result["status"] == "approved_exception"
    assert result["status_label"] == "Approved with exception"
    assert result["population_exception"] == "a large rural area with a sparse population"
    assert result["panel_date"] == "2019-05-16"
    assert result["decision_makers"] == "Primary Care Commissioning Committee"
    assert result["conditions"] == "review in a year"
    minimum = rules(result)["population_minimum"]
    assert minimum["result"] == "warning"
    assert "exception: a large rural area" in minimum["reason"]
    decision = result["transitions"][-1]
    assert (decision["from_status"], decision["to_status"]) == ("submitted", "approved_exception")
    assert decision["by"] == "commissioner"
    assert decision["panel_date"] == "2019-05-16"
    assert rules(api.get(url(drafted)).json())["population_minimum"]["result"] == "warning"


@pytest.mark.parametrize(
    "body",
    [
        {"outcome": "approved", "panel_date": "16/05/2019", "decision_makers": "Panel"},
        {"outcome": "approved", "panel_date": "2019-02-30", "decision_makers": "Panel"},
        {"outcome": "approved", "decision_makers": "Panel"},
        {"outcome": "assured", **PANEL},
        {"panel_date": "2019-05-16"},
    ],
    ids=["bad_date_format", "no_such_date", "no_date", "not_a_decision", "no_outcome"],
)
def test_registration_decide_malformed_body_answers_400(
    api, drafted, this_pcn_manager, commissioner_user, body
):
    submitted(drafted, this_pcn_manager)
    api.force_login(commissioner_user)
    response = api.post(url(drafted, "decide"), body, format="json")
    assert response.status_code == 400
    found = response.json()
    assert found["detail"] == "the request body is not valid"
    assert set(found["errors"]) <= {"outcome", "panel_date", "decision_makers"}
    assert found["errors"]
    if body.get("panel_date") in ("16/05/2019", "2019-02-30"):
        assert found["errors"]["panel_date"] == ["Enter a date as YYYY-MM-DD, e.g. 2019-07-01."]
    assert Registration.objects.get(pk=drafted.pk).status == Status.SUBMITTED


def test_registration_review_and_assure_through_the_api(
    api, drafted, this_pcn_manager, commissioner_user, programme_office_user
):
    submitted(drafted, this_pcn_manager)
    api.force_login(commissioner_user)
    assert api.post(url(drafted, "review")).json()["status"] == "under_review"
    body = {"outcome": "approved_exception", "exception_reason": "rural", **PANEL}
    assert api.post(url(drafted, "decide"), body, format="json").status_code == 200
    assert api.post(url(drafted, "assure"), format="json").status_code == 403
    api.force_login(programme_office_user)
    response = api.post(url(drafted, "assure"), {"reason": "assured at the ICS"}, format="json")
    assert response.status_code == 200, response.content
    steps = [(t["from_status"], t["to_status"]) for t in response.json()["transitions"]]
    assert steps == [
        ("draft", "submitted"),
        ("submitted", "under_review"),
        ("under_review", "approved_exception"),
        ("approved_exception", "assured"),
    ]


def test_registration_list_filters(api, drafted, this_pcn_manager, other_pcn_manager, area):
    other = actions.start_registration(
        pcn=area["other_pcn"], year_label="2019/20", by=other_pcn_manager
    )
    submitted(other, other_pcn_manager)
    api.force_login(f.RoleAssignmentFactory(role="commissioner", organisation=area["ics"]).user)

    def pcns(query):
        response = api.get(f"/api/registrations/?{query}")
        assert response.status_code == 200, response.content
        return [r["pcn"]["code"] for r in response.json()["results"]]

    assert pcns("") == ["U00002", "U00001"]  # by year, then PCN name
    assert pcns("des_year=2019/20") == ["U00002", "U00001"]
    assert pcns("des_year=2020/21") == []
    assert pcns("status=submitted") == ["U00002"]
    assert pcns("pcn=u00001") == ["U00001"]
    assert pcns("commissioner=01X") == ["U00002", "U00001"]
    assert pcns("commissioner=02X") == []
    for bad in ("des_year=2019", "status=signed"):
        response = api.get(f"/api/registrations/?{bad}")
        assert response.status_code == 400
        assert bad.split("=")[0] in response.json()


def test_registration_schema_documents_bodies_and_as_at(api, outsider):
    """Valid OpenAPI, no endpoint without as_at on GET, and each step's request and answers."""
    api.force_login(outsider)
    schema = api.get("/api/schema/?format=json").json()
    validate_schema(schema)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method == "get":
                assert "as_at" in {p["name"] for p in operation["parameters"]}, path
    paths = schema["paths"]
    assert "get" in paths["/api/registrations/{id}/bank-details/"]
    for step, body in [
        ("submit", "RegistrationStep"),
        ("decide", "RegistrationDecision"),
        ("assure", "RegistrationStep"),
        ("review", None),
    ]:
        operation = paths[f"/api/registrations/{{id}}/{step}/"]["post"]
        if body:
            sent = operation["requestBody"]["content"]["application/json"]["schema"]
            assert sent == {"$ref": f"#/components/schemas/{body}"}
        assert set(operation["responses"]) == {"200", "400", "403", "404"}
    decision = schema["components"]["schemas"]["RegistrationDecision"]
    assert set(decision["required"]) == {"outcome", "panel_date", "decision_makers"}
    shown = schema["components"]["schemas"]["Registration"]["properties"]
    assert "masked_sort_code" in shown and "bank_sort_code" not in shown
    assert "rule_results" in shown and "transitions" in shown


# Query counts: the same bound for 1 registration as for 10. Measured with a commissioner:
# session, user, roles and scope (2 levels) 5; count, registrations, members, documents,
# transitions 5; the checker's facts for the one DES year 3 (list 13; detail 12, no count).
@pytest.fixture(params=[0, 9], ids=["1_registration", "10_registrations"])
def many_registrations(request, area, drafted, this_pcn_manager, commissioner_user):
    submitted(drafted, this_pcn_manager)
    pcns = [f.PcnFactory(code=f"U9{i:04d}", name=f"Extra PCN {i}") for i in range(request.param)]
    for i, pcn in enumerate(pcns):
        f.RelationshipFactory(
            child=pcn,
            parent=area["commissioner"],
            rel_type=RelType.PCN_COMMISSIONER,
            valid_from=date(2019, 4, 1),
        )
        for j in range(2):
            practice = f.PracticeFactory(code=f"B9{i:02d}{j:02d}")
            f.RelationshipFactory(child=practice, parent=pcn, valid_from=date(2019, 4, 1))
            f.RelationshipFactory(
                child=practice,
                parent=area["commissioner"],
                rel_type=RelType.PRACTICE_COMMISSIONER,
                valid_from=date(2013, 4, 1),
            )
            f.ListSizeFactory(organisation=practice, patients=16_000)
    # A fresh copy of the user, so its scope (cached on the object) includes the new PCNs.
    drafter = type(commissioner_user).objects.get(pk=commissioner_user.pk)
    for i, pcn in enumerate(pcns):
        registration = actions.start_registration(pcn=pcn, year_label="2019/20", by=drafter)
        if i % 2:
            actions.submit(registration=registration, by=drafter, reason="ready")
    return 1 + request.param


def test_registration_list_query_count_is_bounded(
    api, many_registrations, commissioner_user, django_assert_max_num_queries
):
    api.force_login(commissioner_user)
    with django_assert_max_num_queries(13):
        response = api.get("/api/registrations/?des_year=2019/20")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == many_registrations
    assert all(r["rule_results"] for r in body["results"])
    assert "123456" not in json.dumps(body)


def test_registration_detail_query_count_is_bounded(
    api, many_registrations, commissioner_user, drafted, django_assert_max_num_queries
):
    api.force_login(commissioner_user)
    with django_assert_max_num_queries(12):
        assert api.get(url(drafted)).status_code == 200

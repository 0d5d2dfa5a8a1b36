"""Registration and coverage pages through HTTP: scope, forms, the workflow and exports."""

import csv
from datetime import date
from io import StringIO

import pytest
from django.urls import reverse

from registrations import actions
from registrations.models import BankDetailsView, Registration, Status, Transition
from tests import factories as f


def page(client, user, name, *args, **query):
    client.force_login(user)
    url = reverse(name, args=args)
    return client.get(url, query)


def test_the_list_shows_a_pcn_manager_their_own_registration_only(
    client, drafted, this_pcn_manager, other_pcn_manager
):
    mine = page(client, this_pcn_manager, "registrations", year="2019/20")
    assert mine.status_code == 200
    assert "This PCN" in mine.text and "1 fail" in mine.text
    assert "Submission was due 15 May 2019" in mine.text
    theirs = page(client, other_pcn_manager, "registrations", year="2019/20")
    assert "This PCN" not in theirs.text
    assert "Start registration" in theirs.text  # the other PCN has none yet


def test_another_pcns_draft_and_its_forms_answer_404(client, drafted, other_pcn_manager):
    for name in (
        "registration",
        "registration_details",
        "registration_members",
        "registration_bank",
    ):
        assert page(client, other_pcn_manager, name, drafted.pk).status_code == 404, name


def test_a_pcn_manager_starts_a_registration_for_their_own_pcn_only(client, area, this_pcn_manager):
    client.force_login(this_pcn_manager)
    started = client.post(
        reverse("registration_start"), {"pcn": "U00001", "year": "2019/20"}, follow=True
    )
    assert started.status_code == 200
    registration = Registration.objects.get(pcn=area["this_pcn"])
    assert started.redirect_chain[-1][0] == reverse("registration", args=[registration.pk])
    refused = client.post(reverse("registration_start"), {"pcn": "U00002", "year": "2019/20"})
    assert refused.status_code == 404


def test_the_detail_page_shows_rules_members_and_masked_bank_details(
    client, drafted, this_pcn_manager
):
    shown = page(client, this_pcn_manager, "registration", drafted.pk)
    assert shown.status_code == 200
    text = shown.text
    assert "20,000 patients at 1 January 2019, below the 30,000 minimum" in text
    assert "Surgery 1" in text and "Dr Ada Clinician" in text
    assert "**-**-56" in text and "****5678" in text
    assert "12345678" not in text and "123456" not in text
    assert "Show in full" not in text  # only finance may


def test_the_detail_page_shows_each_frozen_list_with_its_basis_and_source(
    client, drafted, this_pcn_manager
):
    drafted.members.filter(practice__code="A00001").update(
        list_size=9_500,
        list_size_date="2019-01-01",
        list_size_basis="QOF list size at 1 Jan 2019",
        list_size_source="PREVALENCE_1819_v2.csv",
    )
    text = page(client, this_pcn_manager, "registration", drafted.pk).text
    assert (
        '9,500 <span class="nhsuk-body-s">(QOF list size at 1 Jan 2019, PREVALENCE_1819_v2.csv)'
        in (text)
    )


def test_malformed_bank_details_show_an_error_summary_and_save_nothing(
    client, drafted, this_pcn_manager
):
    client.force_login(this_pcn_manager)
    answer = client.post(
        reverse("registration_details", args=[drafted.pk]),
        {
            "clinical_director_name": "Dr Ada Clinician",
            "clinical_director_practice": "A00001",
            "payee_practice": "A00001",
            "bank_sort_code": "12-34",
            "bank_account_number": "1234",
            "extended_hours": "no",
        },
    )
    assert answer.status_code == 200
    assert "There is a problem" in answer.text
    assert "must be 6 digits" in answer.text and "must be 8 digits" in answer.text
    stored = Registration.objects.get(pk=drafted.pk)
    assert (stored.bank_sort_code, stored.bank_account_number) == ("123456", "12345678")


def test_unknown_practices_in_the_member_form_are_listed_and_nothing_changes(
    client, drafted, this_pcn_manager
):
    client.force_login(this_pcn_manager)
    answer = client.post(
        reverse("registration_members", args=[drafted.pk]), {"codes": "A00001, ZZ999"}
    )
    assert "ZZ999: no practice with this ODS code" in answer.text
    assert drafted.members.count() == 2


def test_a_geojson_map_is_checked_and_drawn(client, drafted, this_pcn_manager):
    from django.core.files.uploadedfile import SimpleUploadedFile

    square = (
        b'{"type": "Polygon", "coordinates": [[[-1.3, 54.5], [-1.2, 54.5], [-1.2, 54.6], '
        b"[-1.3, 54.6], [-1.3, 54.5]]]}"
    )
    client.force_login(this_pcn_manager)
    base = {
        "clinical_director_name": "Dr Ada Clinician",
        "clinical_director_practice": "A00001",
        "payee_practice": "A00001",
        "extended_hours": "yes",
    }
    bad = client.post(
        reverse("registration_details", args=[drafted.pk]),
        {**base, "area_map": SimpleUploadedFile("area.geojson", b"not json")},
    )
    assert "must be a GeoJSON file" in bad.text
    good = client.post(
        reverse("registration_details", args=[drafted.pk]),
        {**base, "area_map": SimpleUploadedFile("area.geojson", square)},
    )
    assert good.status_code == 302
    shown = client.get(reverse("registration", args=[drafted.pk]))
    assert 'aria-label="Map of the network area of This PCN"' in shown.text


def test_the_pcn_manager_submits_and_cannot_decide(client, drafted, this_pcn_manager):
    client.force_login(this_pcn_manager)
    submitted = client.post(reverse("registration_submit", args=[drafted.pk]), {"reason": ""})
    assert submitted.status_code == 302
    assert Registration.objects.get(pk=drafted.pk).status == Status.SUBMITTED
    decided = client.post(
        reverse("registration_decide", args=[drafted.pk]),
        {"outcome": "approved", "panel_date": "2019-05-16", "decision_makers": "me"},
    )
    assert decided.status_code == 403
    assert Transition.objects.filter(registration=drafted).count() == 1


def test_the_commissioner_approves_with_an_exception_through_the_form(
    client, drafted, this_pcn_manager, commissioner_user
):
    actions.submit(registration=drafted, by=this_pcn_manager)
    client.force_login(commissioner_user)
    missing = client.post(
        reverse("registration_decide", args=[drafted.pk]),
        {"outcome": "approved", "panel_date": "16/05/2019", "decision_makers": "PCCC"},
    )
    assert "cannot approve: Network list size of at least 30,000" in missing.text
    approved = client.post(
        reverse("registration_decide", args=[drafted.pk]),
        {
            "outcome": "approved_exception",
            "panel_date": "16/05/2019",
            "decision_makers": "PCCC: chair, two GPs, LMC",
            "exception_reason": "Rural and remote natural community",
        },
    )
    assert approved.status_code == 302
    registration = Registration.objects.get(pk=drafted.pk)
    assert registration.status == Status.APPROVED_EXCEPTION
    assert registration.panel_date == date(2019, 5, 16)


def test_a_decision_on_a_draft_is_refused_with_a_message(client, drafted, commissioner_user):
    client.force_login(commissioner_user)
    answer = client.post(
        reverse("registration_decide", args=[drafted.pk]),
        {"outcome": "approved", "panel_date": "2019-05-16", "decision_makers": "PCCC"},
    )
    assert "only a submitted registration can be decided" in answer.text
    assert Registration.objects.get(pk=drafted.pk).status == Status.DRAFT


def test_only_finance_sees_bank_details_in_full_and_each_view_is_recorded(
    client, drafted, finance_user, commissioner_user
):
    assert page(client, commissioner_user, "registration_bank", drafted.pk).status_code == 404
    shown = page(client, finance_user, "registration_bank", drafted.pk)
    assert shown.status_code == 200
    assert "12-34-56" in shown.text and "12345678" in shown.text
    assert shown["Cache-Control"] == "no-store"
    assert BankDetailsView.objects.filter(registration=drafted, viewed_by=finance_user).count() == 1


def test_coverage_page_and_exports_for_the_commissioner(
    client, drafted, this_pcn_manager, commissioner_user
):
    actions.submit(registration=drafted, by=this_pcn_manager)
    actions.decide(
        registration=drafted,
        by=commissioner_user,
        outcome=Status.APPROVED_EXCEPTION,
        exception_reason="rural",
        panel_date=date(2019, 5, 16),
        decision_makers="PCCC",
    )
    shown = page(client, commissioner_user, "coverage", "01X")
    assert shown.status_code == 200
    assert "66.7%" in shown.text and "Surgery 3" in shown.text
    exports = {
        "csv": "text/csv",
        "uncovered.csv": "text/csv",
        "xlsx": "application/vnd.openxmlformats",
        "pdf": "application/pdf",
    }
    for fmt, content_type in exports.items():
        answer = page(client, commissioner_user, "coverage_export", "01X", fmt)
        assert answer.status_code == 200, fmt
        assert answer["Content-Type"].startswith(content_type), fmt
    csv_text = page(client, commissioner_user, "coverage_export", "01X", "csv").content
    assert b"U00001" in csv_text


def test_coverage_is_scoped_and_the_england_link_leads_to_the_own_area(
    client, area, commissioner_user, this_pcn_manager
):
    assert page(client, this_pcn_manager, "coverage", "01X").status_code == 404
    assert page(client, commissioner_user, "coverage", "Y01").status_code == 404
    redirected = page(client, commissioner_user, "coverage_england")
    assert redirected.status_code == 302 and redirected["Location"].endswith("/coverage/01X/")
    assert page(client, commissioner_user, "coverage", "01X", as_at="2019-13-01").status_code == 200


@pytest.mark.parametrize("extra", [0, 12])
def test_list_and_coverage_pages_take_a_bounded_number_of_queries(
    client, area, drafted, commissioner_user, django_assert_max_num_queries, extra
):
    pcns = []
    for i in range(extra):
        pcn = f.PcnFactory(code=f"U9{i:04d}")
        pcns.append(pcn)
        f.RelationshipFactory(child=pcn, parent=area["commissioner"], rel_type="pcn_commissioner")
        practice = f.PracticeFactory(code=f"B9{i:04d}")
        f.RelationshipFactory(child=practice, parent=pcn)
        f.RelationshipFactory(
            child=practice,
            parent=area["commissioner"],
            rel_type="practice_commissioner",
            valid_from=date(2013, 4, 1),
        )
    for pcn in pcns:  # after the PCNs exist: a user's scope is read once per request
        actions.start_registration(pcn=pcn, year_label="2019/20", by=commissioner_user)
    client.force_login(commissioner_user)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("registrations"), {"year": "2019/20"}).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(reverse("coverage", args=["01X"])).status_code == 200


def test_a_change_is_requested_previewed_and_approved_through_the_pages(
    client, area, registry_admin, this_pcn_manager, commissioner_user
):
    actions.record_from_ods(year_label="2019/20", on=date(2019, 12, 1), by=registry_admin)
    client.force_login(this_pcn_manager)
    kinds = client.get(reverse("change_new", args=["U00001"]))
    assert "Move a practice to another PCN" in kinds.text
    url = reverse("change_new", args=["U00001"]) + "?kind=move"
    refused = client.post(
        url,
        {
            "practice": "A00003",
            "target_pcn": "U00002",
            "effective_date": "2021-04-01",
            "reason": "x",
        },
    )
    assert "A00003 is not a member of U00001" in refused.text
    assert "There is a problem" in refused.text
    requested = client.post(
        url,
        {
            "practice": "A00002",
            "target_pcn": "U00002",
            "effective_date": "2021-04-01",
            "reason": "x",
        },
    )
    assert requested.status_code == 302
    preview = client.get(requested["Location"])
    assert "Impact if approved" in preview.text and "20,000" in preview.text
    assert "Record the committee" not in preview.text  # the PCN cannot decide
    client.force_login(commissioner_user)
    decided = client.post(
        requested["Location"],
        {"decision": "approve", "committee": "PCCC", "decision_date": "2021-03-10"},
    )
    assert decided.status_code == 302
    assert "Approved" in client.get(requested["Location"]).text
    assert page(client, this_pcn_manager, "change_new", "U00002").status_code == 404


def test_the_home_page_lists_what_is_waiting_for_each_person(
    client, drafted, this_pcn_manager, commissioner_user
):
    assert "Registrations to finish and submit" in page(client, this_pcn_manager, "home").text
    actions.submit(registration=drafted, by=this_pcn_manager)
    home = page(client, commissioner_user, "home").text
    assert "Registrations awaiting your panel" in home
    assert "Registrations to finish" not in page(client, this_pcn_manager, "home").text


def test_registrations_are_imported_from_a_spreadsheet_through_the_page(
    client, area, this_pcn_manager, outsider
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    header = (
        "DES year,PCN ODS code,Member practice,Practice ODS code,Clinical Director,"
        "Clinical Director practice ODS code,Nominated payee ODS code,Nominated payee name,"
        "Bank account name,Account number,Sort code\r\n"
    )
    good = header + (
        "2019/20,U00001,Surgery 1,A00001,Dr Ada,A00001,A00001,,Surgery 1,12345678,12-34-56\r\n"
        "2019/20,U00001,Surgery 2,A00002,,,,,,,\r\n"
    )
    bad = good.replace("12345678", "1234")
    client.force_login(this_pcn_manager)
    url = reverse("registration_import")
    refused = client.post(
        url, {"file": SimpleUploadedFile("forms.csv", bad.encode()), "submit": "no"}
    )
    assert "This file was not imported" in refused.text
    assert "forms.csv" in refused.text and "Account number" in refused.text
    assert not Registration.objects.exists()
    imported = client.post(
        url, {"file": SimpleUploadedFile("forms.csv", good.encode()), "submit": "yes"}
    )
    assert imported.status_code == 302
    assert Registration.objects.get().status == Status.SUBMITTED
    assert page(client, outsider, "registration_import").status_code == 404


def test_a_network_without_a_list_size_is_blank_with_its_note_in_the_export_and_page(
    client, drafted, commissioner_user, area
):
    """Before, the export gave the partial sum (10,000) with no note and the 5k bands counted
    it, while the page said it cannot be calculated."""
    from organisations.models import ListSize

    ListSize.objects.filter(organisation=area["practices"][1]).delete()
    shown = page(client, commissioner_user, "coverage", "01X")
    assert len(shown.context["coverage"].networks) == 1
    assert shown.context["coverage"].size_distribution()[2] == ("10k-15k", 0)
    assert "Left out of the bands: 1 network whose list size cannot be calculated" in shown.text
    assert "no registered list for A00002" in shown.text
    rows = list(
        csv.DictReader(
            StringIO(
                page(client, commissioner_user, "coverage_export", "01X", "csv").content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert [(r["List size (1 January)"], r["Under minimum"]) for r in rows] == [("", "")]
    assert rows[0]["List size note"].startswith(
        "cannot be calculated: no registered list for A00002"
    )

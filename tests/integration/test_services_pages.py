"""Service pages: the practice by service grid as at a date with the share signed up, a
practice's form and history, extended access for an area and a provider, the import page;
scope answered with 404; list pages in a bounded number of queries."""

from datetime import date

import pytest
from django.urls import reverse

from organisations.models import RelType
from services.actions import Entry, record_provision, record_signups
from services.models import Provision, SignUp
from tests import factories as f
from tests.conftest import TEST_DATA


@pytest.fixture
def recorded(area, commissioner_user):
    one, two, three = area["practices"]
    record_signups(
        entries=[
            Entry(one, "online_consultation", "live", date(2019, 10, 1)),
            Entry(two, "online_consultation", "planned", date(2019, 10, 1)),
            Entry(three, "home_visiting", "withdrawn", date(2020, 1, 1)),
        ],
        by=commissioner_user,
        reason="test",
    )
    record_provision(
        provider=area["this_pcn"],
        scheme="extended_hours",
        valid_from=date(2019, 7, 1),
        evening_minutes=450,
        weekend_minutes=150,
        by=commissioner_user,
        description="Northwick hub",
    )
    return area


def test_the_grid_shows_each_status_as_at_the_date_with_the_share_signed_up(
    client, recorded, commissioner_user
):
    client.force_login(commissioner_user)
    page = client.get(reverse("services_area", args=["01X"]), {"as_at": "2020-02-01"})
    assert page.status_code == 200
    assert 'id="pct-online_consultation">33.3%' in page.text
    assert 'id="pct-home_visiting">0.0%' in page.text
    assert "Withdrawn</strong>" in page.text and "from 1 Jan 2020" in page.text
    assert reverse("services_practice", args=["A00001"]) in page.text
    before = client.get(reverse("services_area", args=["01X"]), {"as_at": "2019-09-30"})
    assert 'id="pct-online_consultation">0.0%' in before.text
    assert "Withdrawn</strong>" not in before.text


def test_a_bad_date_shows_the_error_summary_and_today(client, recorded, commissioner_user):
    client.force_login(commissioner_user)
    page = client.get(reverse("services_area", args=["01X"]), {"as_at": "2020-02-30"})
    assert page.status_code == 200
    assert "There is a problem" in page.text and "Enter a real date" in page.text


def test_htmx_asks_for_the_results_alone(client, recorded, commissioner_user):
    client.force_login(commissioner_user)
    page = client.get(
        reverse("services_area", args=["01X"]), {"as_at": "2020-02-01"}, HTTP_HX_REQUEST="true"
    )
    assert page.templates[0].name == "services/_area.htmx.html"
    assert "<html" not in page.text and 'id="service-grid"' in page.text


def test_england_shows_counts_only_and_area_staff_are_sent_to_their_own(
    client, recorded, registry_admin, this_pcn_manager
):
    client.force_login(registry_admin)
    page = client.get(reverse("services"), {"as_at": "2020-02-01"})
    assert 'id="pct-online_consultation">33.3%' in page.text
    assert 'id="service-grid"' not in page.text
    client.force_login(this_pcn_manager)
    assert client.get(reverse("services")).url == reverse("services_area", args=["U00001"])
    mine = client.get(reverse("services_area", args=["U00001"]), {"as_at": "2020-02-01"})
    assert 'id="pct-online_consultation">50.0%' in mine.text


def test_pcn_staff_see_their_current_practices_only_at_any_date(
    client, recorded, moved, this_pcn_manager, commissioner_user
):
    """Surgery 2 left this PCN on 1 April 2021: its staff no longer see it, even for 2019
    (accounts.permissions.CURRENT_MEMBERS_ONLY); the commissioner keeps the area's history."""
    client.force_login(this_pcn_manager)
    grid = client.get(reverse("services_area", args=["U00001"]), {"as_at": "2019-10-01"})
    assert "Surgery 1" in grid.text and "Surgery 2" not in grid.text
    assert 'id="pct-online_consultation">100.0%' in grid.text  # Surgery 1, live, of 1
    access = client.get(reverse("extended_access", args=["U00001"]), {"as_at": "2019-10-01"})
    assert "1 of 1 open practices" in access.text and "10,000 of 10,000" in access.text
    assert 'id="access-per-1000">30.0' in access.text  # Surgery 1's share of the hub
    client.force_login(commissioner_user)
    theirs = client.get(reverse("services_area", args=["U00001"]), {"as_at": "2019-10-01"})
    assert "Surgery 2" in theirs.text and 'id="pct-online_consultation">50.0%' in theirs.text


def test_a_status_dated_before_the_practice_was_theirs_is_shown_on_the_form(
    client, recorded, moved, other_pcn_manager
):
    client.force_login(other_pcn_manager)
    url = reverse("services_practice", args=["A00002"])
    data = {"service": "mdt_go_live", "status": "live", "valid_from": "2020-10-01"}
    page = client.post(url, data)
    assert page.status_code == 200 and "There is a problem" in page.text
    assert "A00002 was not one of your practices on 1 October 2020" in page.text
    assert client.post(url, {**data, "valid_from": "2021-04-01"}).status_code == 302


@pytest.mark.parametrize(
    ("person", "url"),
    [
        ("this_pcn_manager", "/services/U00002/"),
        ("this_pcn_manager", "/services/01X/extended-access/"),
        ("this_pcn_manager", "/services/practices/A00003/"),
        ("this_pcn_manager", "/services/providers/U00002/"),
        ("outsider", "/services/"),
        ("outsider", "/services/import/"),
        ("commissioner_user", "/services/ZZZ/"),
        ("commissioner_user", "/services/A00001/"),  # a practice is not an area
        ("commissioner_user", "/services/practices/U00001/"),
        ("commissioner_user", "/services/providers/01X/"),
    ],
)
def test_out_of_scope_answers_404(client, recorded, request, person, url):
    client.force_login(request.getfixturevalue(person))
    assert client.get(url).status_code == 404


def test_a_practice_status_is_recorded_with_its_history(client, recorded, this_pcn_manager):
    client.force_login(this_pcn_manager)
    url = reverse("services_practice", args=["A00002"])
    page = client.get(url, {"service": "online_consultation"})
    assert '<option value="online_consultation" selected>' in page.text
    posted = client.post(
        url,
        {
            "service": "online_consultation",
            "status": "live",
            "valid_from": "01/04/2020",
            "note": "go-live email",
        },
    )
    assert posted.status_code == 302
    shown = client.get(url)
    assert "Online consultation live from 1 April 2020" in shown.text
    history = shown.context["history"][0]
    assert (history.about, history.change.action, history.change.who) == (
        "Online consultation, from 1 Apr 2020",
        "created",
        "this_pcn_manager",
    )
    assert '<span class="nhsuk-u-font-weight-bold">Status:</span> Live</li>' in shown.text
    assert "Where it comes from:</span> go-live email</li>" in shown.text
    assert SignUp.objects.filter(practice__code="A00002").count() == 2
    record = SignUp.objects.get(practice__code="A00002", valid_from=date(2020, 4, 1))
    assert record.note == "go-live email"
    assert record.history.get().history_change_reason == "recorded on the practice page"


def test_the_reason_for_a_change_is_kept_apart_from_the_note(client, recorded, this_pcn_manager):
    client.force_login(this_pcn_manager)
    url = reverse("services_practice", args=["A00002"])
    posted = client.post(
        url,
        {
            "service": "online_consultation",
            "status": "signed_up",
            "valid_from": "2019-10-01",  # Surgery 2's planned record of that date, corrected
            "note": "CQRS sign-up",
            "reason": "the practice signed before the list was sent",
        },
    )
    assert posted.status_code == 302
    record = SignUp.objects.get(practice__code="A00002", valid_from=date(2019, 10, 1))
    assert (record.status, record.note) == ("signed_up", "CQRS sign-up")
    latest = record.history.first()
    assert latest.history_change_reason == "the practice signed before the list was sent"
    shown = client.get(url)
    assert "the practice signed before the list was sent" in shown.text


def test_a_bad_status_form_shows_the_error_summary_and_saves_nothing(
    client, recorded, commissioner_user
):
    client.force_login(commissioner_user)
    url = reverse("services_practice", args=["A00001"])
    practice = recorded["practices"][0]
    practice.close_date = date(2020, 6, 30)
    practice.save()
    for data, message in (
        (
            {"service": "online_consultation", "status": "live", "valid_from": "31/02/2020"},
            "real date",
        ),
        (
            {"service": "video", "status": "live", "valid_from": "2020-01-01"},
            "Select a valid choice",
        ),
        (
            {"service": "online_consultation", "status": "live", "valid_from": "2020-07-01"},
            "A00001 closed on 30 June 2020, before 1 July 2020",
        ),
    ):
        page = client.post(url, data)
        assert page.status_code == 200
        assert "There is a problem" in page.text and message in page.text
    assert SignUp.objects.count() == 3


def test_viewers_see_the_practice_page_without_the_form(client, recorded, programme_office_user):
    client.force_login(programme_office_user)
    url = reverse("services_practice", args=["A00001"])
    page = client.get(url)
    assert page.status_code == 200 and "Record a status" not in page.text
    assert "Live</strong> from 1 October 2019" in page.text
    refused = client.post(
        url, {"service": "home_visiting", "status": "live", "valid_from": "2020-01-01"}
    )
    assert refused.status_code == 404


def test_extended_access_for_an_area_against_the_thresholds(client, recorded, commissioner_user):
    client.force_login(commissioner_user)
    page = client.get(reverse("extended_access", args=["01X"]), {"as_at": "2019-10-01"})
    assert 'id="access-pct">66.7%' in page.text
    assert 'id="access-per-1000">20.0' in page.text
    assert (
        "30 minutes per 1,000 PCN registered patients a week</strong>: Network Contract DES"
        in page.text
    )
    assert "(not met)" in page.text and "45 minutes per 1,000" in page.text
    assert "Single source: One STP&#x27;s local target" in page.text  # single_source, as read
    assert "Northwick hub" in page.text and "30.0</td>" in page.text
    before = client.get(reverse("extended_access", args=["01X"]), {"as_at": "2019-06-30"})
    assert "No extended access recorded" in before.text


def test_a_providers_minutes_per_1000_are_those_of_each_records_date(
    client, recorded, commissioner_user
):
    """The hub's 600 minutes from 1 July 2019 served Surgeries 1 and 2's 20,000 patients then:
    30 per 1,000, as the area's page says for that day, not 15 from the lists of 2020."""
    one, two, _ = recorded["practices"]
    f.ListSizeFactory(organisation=one, extract_date=date(2020, 1, 1), patients=30_000)
    client.force_login(commissioner_user)
    page = client.get(reverse("provider", args=["U00001"]))
    assert 'id="per-1000-2019-07-01">30.0</span>' in page.text
    area = client.get(reverse("extended_access", args=["01X"]), {"as_at": "2019-07-01"})
    assert "30.0</td>" in area.text


def test_a_providers_records_name_only_the_practices_its_staff_see_now(
    client, recorded, moved, this_pcn_manager, commissioner_user
):
    client.force_login(this_pcn_manager)
    page = client.get(reverse("provider", args=["U00001"]))
    assert "A00001, and 1 other practice you may no longer see</td>" in page.text
    client.force_login(commissioner_user)
    page = client.get(reverse("provider", args=["U00001"]))
    assert "A00001, A00002</td>" in page.text


def test_a_provider_records_provision_and_ends_it(client, recorded, this_pcn_manager):
    client.force_login(this_pcn_manager)
    url = reverse("provider", args=["U00001"])
    posted = client.post(
        url,
        {
            "record": "",
            "provision-scheme": "extended_hours",
            "provision-valid_from": "2020-04-01",
            "provision-evening_minutes": "600",
            "provision-weekend_minutes": "300",
            "provision-practices": "A00001, a00002",
            "provision-description": "Two sites",
        },
    )
    assert posted.status_code == 302
    assert Provision.objects.get(valid_from=date(2020, 4, 1)).minutes == 900
    refused = client.post(
        url,
        {
            "record": "",
            "provision-scheme": "extended_hours",
            "provision-valid_from": "2020-05-01",
            "provision-evening_minutes": "60",
            "provision-weekend_minutes": "0",
            "provision-practices": "A00003",
        },
    )
    assert refused.status_code == 200
    assert "A00003 is not in U00001 on 1 May 2020" in refused.text
    bad = client.post(
        url,
        {
            "record": "",
            "provision-valid_from": "2020-05-01",
            "provision-evening_minutes": "lots",
            "provision-weekend_minutes": "",
            "provision-practices": "Z99999",
        },
    )
    assert "whole number" in bad.text and "No practice with ODS code Z99999" in bad.text
    assert "Choose the scheme this provision counts towards" in bad.text
    assert Provision.objects.count() == 2
    ended = client.post(url, {"end": "", "end-scheme": "extended_hours", "end-on": "2021-01-01"})
    assert ended.status_code == 302
    again = client.post(url, {"end": "", "end-scheme": "extended_hours", "end-on": "2021-02-01"})
    assert (
        "no Network Contract DES Extended Hours Access provision standing before 1 February"
        in again.text
    )
    assert "Network Contract DES Extended Hours Access" in client.get(url).text
    page = client.get(url)
    assert "None: provision stopped" in page.text
    assert (
        'Practices covered:</span> (blank) <span aria-hidden="true">→</span>'
        '<span class="nhsuk-u-visually-hidden"> changed to </span> '
        "Surgery 1 (A00001), Surgery 2 (A00002)</li>"
    ) in page.text
    assert "Where and when:</span> Two sites</li>" in page.text
    assert Provision.objects.count() == 3


def test_the_import_page_saves_a_good_file_and_lists_a_bad_ones_problems(
    client, area, commissioner_user, outsider
):
    client.force_login(commissioner_user)
    good = TEST_DATA / "services" / "good.csv"
    with good.open("rb") as handle:
        response = client.post(reverse("services_import"), {"file": handle})
    assert response.status_code == 302 and SignUp.objects.count() == 4
    bad = good.read_text().replace("Planned", "Pending")
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("bad.csv", bad.encode())
    page = client.post(reverse("services_import"), {"file": upload})
    assert "This file was not imported" in page.text and "Pending" in page.text
    empty = client.post(reverse("services_import"), {})
    assert "There is a problem" in empty.text


# Query counts: the same bound for a few and for many practices and records.

SIZES = pytest.mark.parametrize("amount", [3, 30], ids=["small", "large"])


def _grow(area, amount, by):
    """`amount` more practices in this PCN, each with a list size, two sign-ups and covered
    by a provision of its own."""
    practices = []
    for i in range(amount):
        practice = f.PracticeFactory(code=f"B{i:05d}", name=f"Extra Surgery {i}")
        f.RelationshipFactory(child=practice, parent=area["this_pcn"], valid_from=date(2019, 7, 1))
        f.RelationshipFactory(
            child=practice,
            parent=area["commissioner"],
            rel_type=RelType.PRACTICE_COMMISSIONER,
            valid_from=date(2019, 7, 1),
        )
        f.ListSizeFactory(organisation=practice, extract_date=date(2019, 1, 1), patients=5_000)
        practices.append(practice)
    by = type(by).objects.get(pk=by.pk)  # scopes are kept on the user: read them afresh
    record_signups(
        entries=[
            Entry(practice, "online_consultation", status, day)
            for practice in practices
            for status, day in (("planned", date(2019, 8, 1)), ("live", date(2019, 11, 1)))
        ],
        by=by,
        reason="test",
    )
    for practice in practices:
        record_provision(
            provider=practice,
            scheme="ccg_extended_access",
            valid_from=date(2019, 9, 1),
            evening_minutes=150,
            weekend_minutes=0,
            by=by,
        )


# The session, the user and their roles; the walk down the hierarchy for the user's scope;
# the area; then the practices under it, those open, the sign-ups, the PCN of each practice
# and the practices themselves.
GRID_BOUND = 11
# As far as the practices open; then their list sizes, the providers with provision for them
# and their records, the practices each covers, PCN members, those open and their list sizes;
# each list-size read by the population rule is two (the files' lists and entered figures).
ACCESS_BOUND = 16


@SIZES
def test_the_grid_queries_do_not_grow_with_practices(
    client, recorded, commissioner_user, django_assert_max_num_queries, amount
):
    _grow(recorded, amount, commissioner_user)
    client.force_login(commissioner_user)
    with django_assert_max_num_queries(GRID_BOUND):
        page = client.get(reverse("services_area", args=["01X"]), {"as_at": "2020-01-01"})
    assert page.text.count("Extra Surgery") == amount


@SIZES
def test_the_extended_access_queries_do_not_grow_with_provisions(
    client, recorded, commissioner_user, django_assert_max_num_queries, amount
):
    _grow(recorded, amount, commissioner_user)
    client.force_login(commissioner_user)
    with django_assert_max_num_queries(ACCESS_BOUND):
        page = client.get(reverse("extended_access", args=["01X"]), {"as_at": "2020-01-01"})
    assert page.text.count("Extra Surgery") == amount


def test_extended_access_page_shows_the_lists_basis_source_and_age(
    client, recorded, commissioner_user
):
    """The area's patients come from the population rule, with its words beside them."""
    client.force_login(commissioner_user)
    page = client.get(reverse("extended_access", args=["01X"]), {"as_at": "2020-01-01"})
    assert "Sum of 3 practices&#x27; registered list at 1 Jan 2019" in page.text
    assert "Figure from 1 Jan 2019, 1 year older than 1 Jan 2020 (over 6 months)" in page.text

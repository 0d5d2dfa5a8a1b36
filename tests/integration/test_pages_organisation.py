"""Organisation page: scope, as-at members and list sizes, history, and bounded queries."""

from datetime import date

import pytest
from django.urls import reverse

from imports.models import ImportRun
from organisations import actions
from organisations.models import Relationship, RelType
from tests import factories as f

pytestmark = pytest.mark.django_db


def _page(client, code, **params):
    return client.get(reverse("organisation", args=[code]), params)


def _member_codes(response):
    return [member.code for member, _ in response.context["members"]]


def test_organisation_pcn_manager_sees_own_pcn_with_members_and_list_size(client, this_pcn_manager):
    client.force_login(this_pcn_manager)
    response = _page(client, "U00001")
    assert response.status_code == 200
    assert _member_codes(response) == ["A00001", "A00002"]
    assert response.context["size_now"].patients == 20_000
    assert b"20,000" in response.content
    assert b'id="members"' in response.content


def test_organisation_pcn_manager_gets_404_for_other_pcn(client, this_pcn_manager):
    client.force_login(this_pcn_manager)
    assert _page(client, "U00002").status_code == 404
    assert _page(client, "A00003").status_code == 404


def test_organisation_unknown_code_is_404(client, commissioner_user):
    client.force_login(commissioner_user)
    assert _page(client, "NOPE1").status_code == 404


def test_organisation_parent_out_of_scope_is_text_not_link(client, this_pcn_manager):
    client.force_login(this_pcn_manager)
    response = _page(client, "U00001")
    assert b"NHS Test CCG" in response.content
    assert reverse("organisation", args=["01X"]).encode() not in response.content


def test_organisation_commissioner_sees_both_pcns(client, commissioner_user):
    client.force_login(commissioner_user)
    response = _page(client, "01X")
    assert _member_codes(response) == ["U00002", "U00001"]  # by name: Other, This
    figures = {member.code: figure.patients for member, figure in response.context["members"]}
    assert figures == {"U00001": 20_000, "U00002": 10_000}
    assert _page(client, "U00002").status_code == 200
    assert _page(client, "A00003").status_code == 200


def test_organisation_practice_breadcrumbs_follow_hierarchy(client, commissioner_user):
    client.force_login(commissioner_user)
    response = _page(client, "A00001")
    assert [org.code for org in response.context["trail"]] == ["Y01", "Q01", "01X", "U00001"]
    assert reverse("organisation", args=["U00001"]).encode() in response.content
    assert response.context["members"] == []


def test_organisation_as_at_shows_members_before_and_after_a_move(client, commissioner_user, area):
    actions.move(
        child=area["practices"][1],
        to=area["other_pcn"],
        rel_type=RelType.PRACTICE_PCN,
        on=date(2021, 4, 1),
        by=commissioner_user,
        reason="merger",
    )
    client.force_login(commissioner_user)
    before = _page(client, "U00001", as_at="2021-03-31")
    after = _page(client, "U00001", as_at="2021-04-01")
    assert _member_codes(before) == ["A00001", "A00002"]
    assert _member_codes(after) == ["A00001"]
    assert after.context["size_then"].patients == 10_000
    assert _member_codes(_page(client, "U00002", as_at="2021-04-01")) == ["A00002", "A00003"]
    practice = _page(client, "A00002", as_at="2021-04-01")
    assert practice.context["parent"].code == "U00002"
    assert b"Still open" in practice.content  # the new row in the relationship history


def test_organisation_invalid_as_at_shows_error_summary(client, commissioner_user):
    client.force_login(commissioner_user)
    response = _page(client, "U00001", as_at="2021-02-30")
    assert response.status_code == 200
    assert b"nhsuk-error-summary" in response.content
    assert b'href="#as_at"' in response.content
    assert _member_codes(response) == ["A00001", "A00002"]  # today's registry instead


@pytest.mark.parametrize("raw", ["yesterday", "20190701", "2019-13-01"])
def test_organisation_malformed_as_at_is_not_a_crash(client, commissioner_user, raw):
    client.force_login(commissioner_user)
    response = _page(client, "01X", as_at=raw)
    assert response.status_code == 200
    assert response.context["errors"]


def test_organisation_shows_field_changes_with_who_and_before_after(
    client, commissioner_user, area
):
    actions.update_organisation(
        organisation=area["practices"][0],
        by=commissioner_user,
        reason="ODS correction",
        name="Riverside Surgery",
    )
    client.force_login(commissioner_user)
    response = _page(client, "A00001")
    change = response.context["field_changes"][0]
    assert change.who == "commissioner"
    assert ("name", "name", "Surgery 1", "Riverside Surgery") in change.changes
    assert b"Surgery 1" in response.content
    assert b"Riverside Surgery" in response.content
    assert b"ODS correction" in response.content


def test_organisation_shows_relationship_rows_and_import_runs(client, commissioner_user, area):
    run = ImportRun.objects.create(file_name="epcn.xlsx", checksum="x", kind="epcn")
    Relationship.objects.filter(child=area["practices"][0], rel_type=RelType.PRACTICE_PCN).update(
        import_run=run
    )
    client.force_login(commissioner_user)
    response = _page(client, "A00001")
    assert response.context["runs"] == [run]
    assert reverse("import_run", args=[run.pk]).encode() in response.content
    assert len(response.context["relationships"]) == 2


def test_organisation_trend_and_age_profile_render_as_tables(client, commissioner_user, area):
    practice = area["practices"][0]
    f.ListSizeFactory(organisation=practice, extract_date=date(2020, 1, 1), patients=10_500)
    for sex, patients in (("MALE", 40), ("FEMALE", 45)):
        f.ListSizeFactory(
            organisation=practice,
            extract_date=date(2020, 1, 1),
            sex=sex,
            age="5_9",
            patients=patients,
        )
    client.force_login(commissioner_user)
    response = _page(client, "U00001")
    # The practices joined on 1 July 2019, so the 2019 extract predates the network.
    assert response.context["trend"] == [(date(2020, 1, 1), 10_500)]
    assert b'data-chart="line"' in response.content
    assert b'data-chart="pyramid"' in response.content
    assert b"5 to 9" in response.content


def _grow_pcn(area, practices):
    for i in range(practices):
        practice = f.PracticeFactory(code=f"B{i:05d}", name=f"Extra Surgery {i}")
        f.RelationshipFactory(child=practice, parent=area["this_pcn"], valid_from=date(2019, 7, 1))
        f.ListSizeFactory(organisation=practice, extract_date=date(2019, 1, 1), patients=5_000)


# Scopes, trail, two list sizes, members, trend, history; and for a user who may enter
# populations, the walk down today's hierarchy that says the organisation is theirs today
# (accounts.permissions.reaches_on). 31 measured.
QUERY_BOUND = 33


@pytest.mark.parametrize("extra", [1, 28])  # 3 and 30 member practices
def test_organisation_pcn_page_queries_do_not_grow_with_members(
    client, commissioner_user, area, django_assert_max_num_queries, extra
):
    _grow_pcn(area, extra)
    client.force_login(commissioner_user)
    with django_assert_max_num_queries(QUERY_BOUND):
        response = _page(client, "U00001", as_at="2020-01-01")
    assert len(response.context["members"]) == 2 + extra


@pytest.mark.parametrize("extra", [1, 28])
def test_organisation_commissioner_page_queries_do_not_grow_with_members(
    client, commissioner_user, area, django_assert_max_num_queries, extra
):
    _grow_pcn(area, extra)
    for i in range(extra):  # in no PCN: hubs, which are listed apart with why
        _in_no_pcn(area, f"Y{i:05d}", setting="1", patients=100)
    client.force_login(commissioner_user)
    with django_assert_max_num_queries(QUERY_BOUND):
        response = _page(client, "01X")
    figures = {member.code: figure.patients for member, figure in response.context["members"]}
    assert figures["U00001"] == 20_000 + 5_000 * extra


def test_commissioner_page_lists_practices_in_no_pcn(client, commissioner_user, area):
    loner = f.PracticeFactory(code="A00009", name="Lone Surgery")
    f.RelationshipFactory(
        child=loner,
        parent=area["commissioner"],
        rel_type=RelType.PRACTICE_COMMISSIONER,
        valid_from=date(2013, 4, 1),
    )
    f.ListSizeFactory(organisation=loner, extract_date=date(2019, 1, 1), patients=2_500)
    client.force_login(commissioner_user)
    response = client.get("/org/01X/?as_at=2020-01-01")
    assert [p.code for p, _ in response.context["unaffiliated"]] == ["A00009"]
    assert response.context["unaffiliated_total"].patients == 2_500
    assert b"Practices in no PCN" in response.content


def test_organisation_page_shows_revised_figures(client, commissioner_user, area):
    from organisations.models import FigureRevision

    run = ImportRun.objects.create(file_name="gp-reg-pat-prac-all.csv", checksum="0")
    FigureRevision.objects.create(
        table="list sizes",
        row_id=1,
        organisation=area["practices"][0],
        field="patients",
        before="9876",
        after="9880",
        import_run=run,
    )
    client.force_login(commissioner_user)
    content = _page(client, "A00001").content.decode()
    assert "Published figures revised" in content and "9880" in content


def _in_no_pcn(area, code, setting="4", patients=None):
    practice = f.PracticeFactory(code=code, name=f"Practice {code}", prescribing_setting=setting)
    f.RelationshipFactory(
        child=practice,
        parent=area["commissioner"],
        rel_type=RelType.PRACTICE_COMMISSIONER,
        valid_from=date(2013, 4, 1),
    )
    if patients is not None:
        f.ListSizeFactory(organisation=practice, extract_date=date(2019, 1, 1), patients=patients)
    return practice


def test_practices_in_no_pcn_that_do_not_count_are_listed_apart_with_why(
    client, commissioner_user, area
):
    """Before, a hub and a practice without a list in no PCN were silently dropped."""
    _in_no_pcn(area, "A00009", patients=2_500)
    _in_no_pcn(area, "Y09001", setting="1", patients=0)
    _in_no_pcn(area, "A00008")
    client.force_login(commissioner_user)
    response = _page(client, "01X", as_at="2020-01-01")
    assert [p.code for p, _ in response.context["unaffiliated"]] == ["A00009"]
    assert [(p.code, why) for p, why in response.context["unaffiliated_not_counted"]] == [
        ("A00008", "A00008: no registered list for A00008 on or before 1 Jan 2020"),
        ("Y09001", "Y09001: prescribing setting 1 is not a GP practice"),
    ]
    text = response.content.decode()
    assert "In no PCN and not counted (2)" in text
    assert "Practices counted: GP practices with registered patients" in text


def test_a_member_without_a_list_is_named_beside_the_total_not_added_as_0(
    client, commissioner_user, area
):
    """Before, the Total added 0 for the member without a list and said nothing."""
    from organisations.models import ListSize

    ListSize.objects.filter(organisation=area["practices"][1]).delete()
    client.force_login(commissioner_user)
    response = _page(client, "U00001", as_at="2020-01-01")
    total = response.context["members_total"]
    assert (total.patients, total.missing) == (10_000, ("A00002",))
    text = response.content.decode()
    assert "Excluding 1 without a list on 1 Jan 2020: A00002." in text
    assert "No registered list for A00002 on or before 1 Jan 2020" in text  # its row says why
    assert "Registered list at 1 Jan 2019. Source:" in text  # each row's basis and source


def test_the_list_size_note_gives_the_stale_setting(client, commissioner_user, settings):
    settings.POPULATION_STALE_MONTHS = 9
    client.force_login(commissioner_user)
    text = _page(client, "A00001").content.decode()
    assert "a figure more than 9 months older than the date is flagged" in text

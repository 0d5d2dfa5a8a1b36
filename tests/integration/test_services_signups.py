"""Service sign-ups: a practice's status for a service on a day is its latest record on or
before it; corrections keep who, when, before and after, and why; who may record."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from services.actions import Entry, record_signup, record_signups
from services.models import SignUp
from services.queries import grid, service_pct, standing_signups
from tests import factories as f


def test_a_status_stands_from_its_date_until_the_next_record(area, commissioner_user):
    practice = area["practices"][0]
    for status, day in (("planned", date(2019, 4, 1)), ("live", date(2019, 10, 1))):
        record_signup(
            practice=practice,
            service="online_consultation",
            status=status,
            valid_from=day,
            by=commissioner_user,
        )
    standing = standing_signups([practice.pk], date(2019, 9, 30))
    assert standing[(practice.pk, "online_consultation")].status == "planned"
    standing = standing_signups([practice.pk], date(2019, 10, 1))
    assert standing[(practice.pk, "online_consultation")].label == "Live"
    assert standing_signups([practice.pk], date(2019, 3, 31)) == {}


def test_a_correction_on_the_same_date_keeps_before_after_who_and_why(area, commissioner_user):
    practice = area["practices"][0]
    first = record_signup(
        practice=practice,
        service="home_visiting",
        status="planned",
        valid_from=date(2020, 1, 1),
        by=commissioner_user,
    )
    again = record_signup(
        practice=practice,
        service="home_visiting",
        status="signed_up",
        valid_from=date(2020, 1, 1),
        by=commissioner_user,
        reason="the practice signed in December",
    )
    assert again.pk == first.pk and SignUp.objects.count() == 1
    newer, older = again.history.all()
    assert (newer.status, older.status) == ("signed_up", "planned")
    assert newer.history_user == commissioner_user
    assert newer.history_change_reason == "the practice signed in December"
    assert [c.field for c in newer.diff_against(older).changes] == ["status"]


def test_pcn_and_practice_staff_record_for_their_own_practices_only(
    area, this_pcn_manager, other_pcn_manager, outsider, programme_office_user
):
    mine, theirs = area["practices"][0], area["practices"][2]
    record_signup(
        practice=mine,
        service="mdt_go_live",
        status="live",
        valid_from=date(2020, 10, 1),
        by=this_pcn_manager,
    )
    practice_manager = f.UserFactory(username="practice_manager")
    f.RoleAssignmentFactory(user=practice_manager, role="practice_manager", organisation=theirs)
    record_signup(
        practice=theirs,
        service="mdt_go_live",
        status="planned",
        valid_from=date(2020, 10, 1),
        by=practice_manager,
    )
    for person, practice in (
        (this_pcn_manager, theirs),
        (other_pcn_manager, mine),
        (practice_manager, mine),
        (outsider, mine),
        (programme_office_user, mine),  # the ICS assures; it does not keep the tracker
    ):
        with pytest.raises(PermissionDenied):
            record_signup(
                practice=practice,
                service="mdt_go_live",
                status="live",
                valid_from=date(2021, 1, 1),
                by=person,
            )
    assert SignUp.objects.count() == 2


def test_pcn_staff_record_for_a_practice_only_from_when_it_is_theirs(
    area, moved, other_pcn_manager, commissioner_user
):
    """Surgery 2 joined the other PCN on 1 April 2021: its staff record for it from then, not
    for the years it was in this PCN; the commissioner records for any date."""
    two = area["practices"][1]
    with pytest.raises(ValidationError) as refused:
        record_signup(
            practice=two,
            service="mdt_go_live",
            status="live",
            valid_from=date(2021, 3, 31),
            by=other_pcn_manager,
        )
    assert refused.value.message_dict["valid_from"] == [
        "A00002 was not one of your practices on 31 March 2021: you record for a practice "
        "only while it is yours"
    ]
    with pytest.raises(ValidationError, match="A00002 was not one of your practices"):
        record_signups(
            entries=[Entry(two, "mdt_go_live", "live", date(2020, 10, 1))],
            by=other_pcn_manager,
            reason="x",
        )
    record_signup(
        practice=two,
        service="mdt_go_live",
        status="live",
        valid_from=date(2021, 4, 1),
        by=other_pcn_manager,
    )
    record_signup(
        practice=two,
        service="mdt_go_live",
        status="planned",
        valid_from=date(2020, 10, 1),
        by=commissioner_user,
    )
    assert SignUp.objects.count() == 2


def test_an_unknown_service_or_status_or_a_date_after_closing_is_refused(area, commissioner_user):
    practice = area["practices"][0]
    practice.close_date = date(2020, 6, 30)
    practice.save()
    with pytest.raises(ValidationError) as refused:
        record_signup(
            practice=practice,
            service="video_group_clinics",
            status="booked",
            valid_from=date(2020, 7, 1),
            by=commissioner_user,
        )
    errors = refused.value.message_dict
    assert "not a service on file" in errors["service"][0]
    assert "not a status" in errors["status"][0]
    assert errors["valid_from"] == ["A00001 closed on 30 June 2020, before 1 July 2020"]
    with pytest.raises(ValidationError, match="is not a GP practice"):
        record_signup(
            practice=area["this_pcn"],
            service="home_visiting",
            status="live",
            valid_from=date(2020, 1, 1),
            by=commissioner_user,
        )


def test_many_at_once_are_all_or_none(area, commissioner_user, this_pcn_manager):
    one, two, three = area["practices"]
    entries = [
        Entry(one, "electronic_repeat_dispensing", "live", date(2019, 7, 1)),
        Entry(two, "electronic_repeat_dispensing", "signed_up", date(2019, 7, 1)),
    ]
    assert record_signups(entries=entries, by=commissioner_user, reason="CQRS list") == (2, 0)
    changed = [Entry(two, "electronic_repeat_dispensing", "live", date(2019, 7, 1))]
    assert record_signups(entries=changed, by=commissioner_user, reason="fixed") == (0, 1)
    assert SignUp.history.filter(history_change_reason="fixed").get().status == "live"
    with pytest.raises(ValidationError, match="given twice"):
        record_signups(entries=[*changed, *changed], by=commissioner_user, reason="x")
    with pytest.raises(PermissionDenied, match="A00003"):
        record_signups(
            entries=[Entry(three, "online_consultation", "live", date(2020, 1, 1))],
            by=this_pcn_manager,
            reason="x",
        )
    assert SignUp.objects.count() == 2


@pytest.fixture
def signed(area, commissioner_user):
    """Surgery 1 signs up to online consultation in October 2019; Surgery 2 plans to then
    goes live in April 2020; Surgery 3 signs up in November 2019 and withdraws in January."""
    one, two, three = area["practices"]
    entries = [
        Entry(one, "online_consultation", "signed_up", date(2019, 10, 1)),
        Entry(two, "online_consultation", "planned", date(2019, 10, 1)),
        Entry(two, "online_consultation", "live", date(2020, 4, 1)),
        Entry(three, "online_consultation", "signed_up", date(2019, 11, 1)),
        Entry(three, "online_consultation", "withdrawn", date(2020, 1, 1)),
        Entry(three, "home_visiting", "live", date(2019, 11, 1)),
    ]
    record_signups(entries=entries, by=commissioner_user, reason="test")
    return area


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2019, 9, 30), "0"),
        (date(2019, 10, 1), "33.33"),
        (date(2019, 12, 1), "66.67"),
        (date(2020, 1, 15), "33.33"),
        (date(2020, 4, 1), "66.67"),
    ],
)
def test_the_share_signed_up_counts_signed_up_and_live_on_the_day(signed, day, expected):
    found = service_pct(signed["commissioner"], day, "online_consultation")
    assert f"{found:.2f}" == f"{float(expected):.2f}"


def test_the_share_signed_up_of_a_pcn_and_without_its_closed_practice(signed):
    assert service_pct(signed["this_pcn"], date(2020, 4, 1), "online_consultation") == 100
    one = signed["practices"][0]
    one.close_date = date(2020, 6, 30)
    one.save()
    assert service_pct(signed["commissioner"], date(2020, 7, 1), "online_consultation") == 50
    assert service_pct(signed["this_pcn"], date(2020, 7, 1), "online_consultation") == 100
    assert service_pct(signed["commissioner"], date(2020, 7, 1), "mdt_go_live") == 0


def test_a_practice_leaving_the_pcn_takes_its_status_with_it(signed, moved):
    assert service_pct(signed["this_pcn"], date(2021, 3, 31), "online_consultation") == 100
    assert service_pct(signed["other_pcn"], date(2021, 3, 31), "online_consultation") == 0
    assert service_pct(signed["other_pcn"], date(2021, 4, 1), "online_consultation") == 50


def test_the_grid_rows_by_pcn_and_counts_by_status(signed):
    rows, counts = grid(signed["commissioner"], date(2020, 2, 1))
    assert [(r.pcn.code, r.practice.code) for r in rows] == [
        ("U00002", "A00003"),
        ("U00001", "A00001"),
        ("U00001", "A00002"),
    ]
    online = next(c for c in counts if c.service.key == "online_consultation")
    assert online.by_status == {
        "not_signed_up": 0,
        "planned": 1,
        "signed_up": 1,
        "live": 0,
        "withdrawn": 1,
        "": 0,
    }
    home = next(c for c in counts if c.service.key == "home_visiting")
    assert (home.signed_up, home.by_status[""]) == (1, 2)
    cell = dict((s.key, standing) for s, standing in rows[0].cells)
    assert cell["online_consultation"].status == "withdrawn" and cell["mdt_go_live"] is None

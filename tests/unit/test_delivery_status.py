"""Status derived from a plan's own dates, with the reason shown."""

from datetime import date, datetime

from hypothesis import given
from hypothesis import strategies as st

from delivery.models import Status
from delivery.status import (
    SEVERITY,
    Derived,
    MilestoneFacts,
    Report,
    Standing,
    derive,
    standing,
    worst,
)

TODAY = date(2019, 12, 10)


def milestone(period, start, end, done_on=None):
    return MilestoneFacts(period, start, end, done_on)


def test_a_milestone_past_its_period_and_not_done_is_off_track():
    found = derive([milestone("Q2 2019/20", date(2019, 7, 1), date(2019, 9, 30))], TODAY)
    assert (found.status, found.reason) == (
        Status.OFF_TRACK,
        "Q2 2019/20 ended on 30 Sep 2019 and is not done",
    )


def test_one_due_within_thirty_days_is_at_risk_and_later_ones_on_track():
    q3 = milestone("Q3 2019/20", date(2019, 10, 1), date(2019, 12, 31))
    assert derive([q3], TODAY).status == Status.AT_RISK
    assert derive([q3], date(2019, 11, 30)).status == Status.ON_TRACK
    assert derive([q3], date(2019, 9, 1)).status == Status.NOT_STARTED


def test_all_done_is_complete_and_none_set_is_not_started():
    done = milestone("Q1 2019/20", date(2019, 4, 1), date(2019, 6, 30), date(2019, 6, 20))
    assert derive([done], TODAY).status == Status.COMPLETE
    assert derive([], TODAY).reason == "no milestones are set"


def test_an_action_waiting_on_one_off_track_is_at_risk_and_says_why():
    later = milestone("Q4 2019/20", date(2020, 1, 1), date(2020, 3, 31))
    found = derive([later], TODAY, waiting_on=(("Recruit the hub team", Status.OFF_TRACK),))
    assert (found.status, found.reason) == (
        Status.AT_RISK,
        "depends on 'Recruit the hub team', which is off track",
    )
    assert derive([later], TODAY, waiting_on=(("x", Status.ON_TRACK),)).status == (
        Status.NOT_STARTED
    )


def report(status, derived):
    return Report(status, derived, "Paula Vaughan", datetime(2019, 11, 1, 9), "Staffing gap")


def test_a_report_stands_until_the_reading_it_overrode_moves():
    read = Derived(Status.ON_TRACK, "next: Q4 2019/20, due 31 Mar 2020")
    held = standing(read, report(Status.AT_RISK, Status.ON_TRACK))
    assert (held.status, held.source) == (Status.AT_RISK, "reported")
    assert "reported by Paula Vaughan, 1 Nov 2019" in held.reason
    slipped = Derived(Status.OFF_TRACK, "Q3 2019/20 ended on 31 Dec 2019 and is not done")
    lapsed = standing(slipped, report(Status.AT_RISK, Status.ON_TRACK))
    assert (lapsed.status, lapsed.source) == (Status.OFF_TRACK, "lapsed")
    assert standing(read, None) == Standing(read.status, read.reason, "derived")


@given(st.lists(st.sampled_from(Status.values), min_size=1))
def test_the_worst_status_is_complete_only_when_all_are(statuses):
    found = worst(statuses)
    assert found in statuses
    assert (found == Status.COMPLETE) == all(s == Status.COMPLETE for s in statuses)
    assert SEVERITY.index(found) == min(SEVERITY.index(s) for s in statuses)

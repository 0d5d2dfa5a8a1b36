"""Status derived from a plan's own dates, with the reason shown."""

from datetime import date

from delivery.models import Status
from delivery.status import MilestoneFacts, derive

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

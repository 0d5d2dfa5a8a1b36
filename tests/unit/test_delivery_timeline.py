"""Timeline geometry: bars sit inside the plan's span, in order, and quarters tile it."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from delivery.timeline import Scale, headings, milestone_state

START, END = date(2019, 4, 1), date(2023, 3, 31)
days = st.integers(0, (END - START).days).map(lambda n: START + timedelta(days=n))


@given(days, days)
def test_a_bar_stays_inside_the_span_and_keeps_order(a, b):
    first, last = min(a, b), max(a, b)
    scale = Scale(START, END)
    bar = scale.bar(first, last, "on_track", "x")
    assert 0 <= bar.left <= 100 and bar.width > 0
    assert bar.left + bar.width <= 100.4  # a one-day mark is drawn at least 0.4% wide
    assert scale.at(first) <= scale.at(last)


def test_quarters_tile_the_plan_and_years_head_them():
    quarters = headings(START, END, "quarter")
    years = headings(START, END, "year")
    assert len(quarters) == 16 and [y.label for y in years] == [
        "2019/20",
        "2020/21",
        "2021/22",
        "2022/23",
    ]
    assert quarters[0].left == 0 and quarters[0].label == "Q1"
    for before, after in zip(quarters, quarters[1:], strict=False):
        assert abs(before.left + before.width - after.left) < 0.01
    assert abs(quarters[-1].left + quarters[-1].width - 100) < 0.01


def test_a_milestone_reads_late_soon_planned_or_done():
    class M:
        def __init__(self, end, done_on=None):
            self.end, self.done_on = end, done_on

    today = date(2019, 12, 10)
    assert milestone_state(M(date(2019, 9, 30)), today) == "late"
    assert milestone_state(M(date(2019, 12, 31)), today) == "soon"
    assert milestone_state(M(date(2020, 3, 31)), today) == "planned"
    assert milestone_state(M(date(2019, 9, 30), date(2019, 9, 1)), today) == "done"

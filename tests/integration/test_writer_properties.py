"""Property tests of the relationship writer: whatever sequence of dated files arrives, a
practice is never in two places at once, the newest file's facts hold, and re-applying a file
changes nothing."""

from datetime import date, timedelta

import polars as pl
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imports.batch import RegistryBatch
from imports.models import ImportRun
from imports.problems import Problems
from imports.writer import write
from organisations import queries
from organisations.models import Organisation, Relationship

PRACTICES = ["A00001", "A00002", "A00003"]
PCNS = ["U00001", "U00002", "U00003"]
START = date(2019, 7, 1)


@st.composite
def membership_file(draw):
    """One ePCN-like file: per practice, consecutive non-overlapping memberships."""
    rows = []
    for practice in PRACTICES:
        day = START + timedelta(days=draw(st.integers(0, 400)))
        for _ in range(draw(st.integers(0, 3))):
            length = draw(st.one_of(st.none(), st.integers(0, 500)))
            end = None if length is None else day + timedelta(days=length)
            rows.append((practice, draw(st.sampled_from(PCNS)), day, end))
            if end is None:
                break
            day = end + timedelta(days=draw(st.integers(1, 90)))
    return rows


def apply(rows) -> ImportRun:
    frame = pl.DataFrame(
        rows,
        schema={
            "child": pl.String,
            "parent": pl.String,
            "valid_from": pl.Date,
            "valid_to": pl.Date,
        },
        orient="row",
    ).with_columns(rel_type=pl.lit("practice_pcn"))
    batch = RegistryBatch(kind="test", dated_links=frame)
    run = ImportRun.objects.create(file_name="test", checksum="0")
    counts = write(batch, run=run, by=None, problems=Problems("test"), progress=lambda *a: None)
    run.created, run.changed = counts.total("created"), counts.total("changed")
    return run


def assert_no_overlaps():
    rows = Relationship.objects.order_by("child_id", "valid_from")
    previous = {}
    for row in rows:
        before = previous.get(row.child_id)
        if before is not None:
            assert before.valid_to is not None and before.valid_to < row.valid_from, (before, row)
        previous[row.child_id] = row


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(files=st.lists(membership_file(), min_size=1, max_size=4))
def test_dated_memberships_never_overlap_and_reapply_is_a_no_op(db, files):
    with transaction.atomic():
        for code in PRACTICES:
            Organisation.objects.create(code=code, kind="practice", name=code)
        for code in PCNS:
            Organisation.objects.create(code=code, kind="pcn", name=code)
        for rows in files:
            if rows:
                apply(rows)
        assert_no_overlaps()
        last = files[-1]
        if last:
            again = apply(last)
            assert (again.created, again.changed) == (0, 0)
            for practice, pcn, start, _end in last:
                found = queries.parent(Organisation.objects.get(code=practice), start)
                assert found is not None and found.code == pcn
        transaction.set_rollback(True)

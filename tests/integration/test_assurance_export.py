"""The assurance return as Excel and CSV round-trips through the importer: exported and sent
back untouched it changes nothing; with a cell changed, it changes just that."""

import io
from datetime import date

import polars as pl
import pytest
import xlsxwriter

from assurance import actions
from assurance.exports import return_csv, return_xlsx
from assurance.models import PlannedAction, Rating, Round
from assurance.return_import import import_return


@pytest.fixture
def answered(opened, assurance_user, commissioner_user):
    actions.rate(
        round=opened,
        requirement="pcn-coverage",
        rating="partially_assured",
        reasons="Two practices are not in a network yet",
        reviewer_comments="Agree a date with the LMC",
        by=assurance_user,
    )
    actions.respond(
        round=opened,
        requirement="pcn-coverage",
        response="Panels sat in May;\ntwo practices remain",
        actions="Meet both practices in August",
        expected_on=date(2019, 9, 30),
        expected_note="subject to the LMC",
        by=commissioner_user,
    )
    actions.respond(
        round=opened,
        requirement="pcn-development-programme",
        response="Waiting for the programme's detail",
        expected_note="when the national programme is published",
        by=commissioner_user,
    )
    actions.plan_actions(
        round=opened,
        requirement="pcn-coverage",
        planned={date(2019, 4, 1): "Members' meeting", date(2019, 5, 1): "=Report to PCCC"},
        by=commissioner_user,
    )
    actions.review_round(
        round=opened,
        overall_rating="partially_assured",
        overall_comments="Good start",
        by=assurance_user,
    )
    return opened


def _state(round):
    """Everything the round holds, field by field, and how many history rows there are."""
    ratings = list(Rating.objects.filter(round=round).order_by("pk").values())
    planned = list(PlannedAction.objects.filter(rating__round=round).order_by("pk").values())
    held = Round.objects.filter(pk=round.pk).values().get()
    history = [model.history.count() for model in (Round, Rating, PlannedAction)]
    return ratings, planned, held, history


EXPORTS = {
    "xlsx": lambda path, round: path.write_bytes(return_xlsx(round)),
    "csv": lambda path, round: path.write_text(return_csv(round), encoding="utf-8-sig"),
}


@pytest.mark.parametrize("who", ["assurance_user", "commissioner_user"])
@pytest.mark.parametrize("fmt", EXPORTS)
def test_return_imports_back_unchanged(answered, fmt, who, request, tmp_path):
    path = tmp_path / f"return.{fmt}"
    EXPORTS[fmt](path, answered)
    before = _state(answered)
    ratings, planned, _, _ = before
    assert any(r["response"] for r in ratings) and any(r["rating"] for r in ratings) and planned
    result = import_return(path=path, round=answered, by=request.getfixturevalue(who))
    assert result.changed == 0
    assert _state(answered) == before


def test_return_xlsx_with_a_cell_changed_changes_just_that(answered, commissioner_user, tmp_path):
    frame = pl.read_excel(io.BytesIO(return_xlsx(answered)), infer_schema_length=0)
    assert frame.columns[-9:][0] == "Apr 2019" and frame["May 2019"][0] == "=Report to PCCC"
    assert frame["Date plan will be fully assured"][0] == "2019-09-30 (subject to the LMC)"
    assert (frame["Area"][-1], frame["Assurance rating"][-1]) == (
        "Overall assurance",
        "Partially assured",
    )
    changed = frame.with_columns(
        pl.when(pl.col("Requirement") == "Every practice is part of a Primary Care Network")
        .then(pl.lit("Both practices placed"))
        .otherwise(pl.col("Jun 2019"))
        .alias("Jun 2019")
    )
    path = tmp_path / "changed.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, changed.columns)
    for r, row in enumerate(changed.iter_rows(), start=1):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write_string(r, c, value)
    workbook.close()
    result = import_return(path=path, round=answered, by=commissioner_user)
    assert (result.planned, result.responded, result.rated) == (["pcn-coverage"], [], [])
    coverage = answered.ratings.get(requirement__key="pcn-coverage")
    assert [p.text for p in coverage.planned.all()] == [
        "Members' meeting",
        "=Report to PCCC",
        "Both practices placed",
    ]

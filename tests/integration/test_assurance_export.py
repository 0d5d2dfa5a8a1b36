"""The assurance return as Excel and CSV round-trips through the importer: exported and sent
back untouched it changes nothing; with a cell changed, it changes just that."""

import io
from datetime import date

import polars as pl
import pytest
import xlsxwriter

from assurance import actions
from assurance.exports import return_csv, return_xlsx
from assurance.models import Rating
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


def _history():
    return Rating.history.count()


def test_return_xlsx_imports_back_unchanged(answered, commissioner_user, tmp_path):
    path = tmp_path / "return.xlsx"
    path.write_bytes(return_xlsx(answered))
    before = _history()
    assert import_return(path=path, round=answered, by=commissioner_user).changed == 0
    assert _history() == before


def test_return_csv_imports_back_unchanged(answered, assurance_user, tmp_path):
    path = tmp_path / "return.csv"
    path.write_text(return_csv(answered), encoding="utf-8-sig")
    assert import_return(path=path, round=answered, by=assurance_user).changed == 0


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

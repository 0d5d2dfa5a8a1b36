"""Importing an assurance return in seed 004's layout: each side sets its own columns, and any
problem (row, column, value, what was expected) rejects the whole file, writing nothing."""

from datetime import date
from pathlib import Path

import pytest

from assurance import actions
from assurance.models import Rating, Round
from assurance.return_import import import_return
from imports.problems import ImportRejected

DATA = Path(__file__).parent.parent / "data" / "assurance" / "2016-12"


@pytest.fixture
def plan_round(area, gpfv, commissioner_user):
    return actions.open_round(
        framework=gpfv,
        commissioner=area["commissioner"],
        label="23 December submission",
        submitted_on=date(2016, 12, 23),
        by=commissioner_user,
    )


def _rejected(path, round, by):
    with pytest.raises(ImportRejected) as rejected:
        import_return(path=path, round=round, by=by)
    return [(p.row, p.column, p.value, p.expected) for p in rejected.value.problems]


def _write(tmp_path, text, name="return.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _untouched():
    return not Rating.objects.exclude(rating="", response="").exists()


def test_import_return_response_then_assessment(plan_round, commissioner_user, assurance_user):
    answered = import_return(
        path=DATA / "gpfv-response.csv", round=plan_round, by=commissioner_user
    )
    assert answered.responded == [
        "extended-access",
        "reception-clerical-training",
        "online-consultation",
        "investment-growth",
    ]
    waiting = plan_round.ratings.get(requirement__key="online-consultation")
    assert (waiting.expected_on, waiting.expected_note) == (
        None,
        "when national guidance is published",
    )
    access = plan_round.ratings.get(requirement__key="extended-access")
    assert access.expected_on == date(2017, 4, 30)
    assert access.expected_note == "subject to NHS England approval"
    assessed = import_return(path=DATA / "gpfv-return.csv", round=plan_round, by=assurance_user)
    assert len(assessed.rated) == 4 and assessed.overall and not assessed.responded
    access.refresh_from_db()
    assert (access.rating, access.rated_by) == ("amber", assurance_user)
    assert Round.objects.get().overall_comments.startswith("Ambitions are right")
    # The whole return now holds what the round holds: either side may send it back.
    again = import_return(path=DATA / "gpfv-return.csv", round=plan_round, by=commissioner_user)
    assert again.changed == 0


def test_import_return_refuses_the_other_sides_columns(plan_round, commissioner_user):
    problems = _rejected(DATA / "gpfv-return.csv", plan_round, commissioner_user)
    assert (
        2,
        "Assurance rating",
        "Amber",
        "blank: only NHS England's assurance team sets the rating",
    ) in problems
    assert {column for _, column, _, _ in problems} == {
        "Assurance rating",
        "Assurance rating and reasons",
        "Reviewer comments",
    }
    assert _untouched()


def test_import_return_without_a_header_row(plan_round, commissioner_user, tmp_path):
    rows = ",extended-access,,,Planned,April 2017,\n,workforce-strategy,,,In hand,,\n"
    path = _write(tmp_path, rows)
    [(row, column, value, expected)] = _rejected(path, plan_round, commissioner_user)
    assert row == 1 and expected.startswith("the header row of an assurance return: Area, ")
    assert _untouched()


def test_import_return_missing_a_column(plan_round, commissioner_user, tmp_path):
    lines = (DATA / "gpfv-response.csv").read_text().splitlines()
    cut = [",".join(line.split(",")[:5] + line.split(",")[6:]) for line in lines[:1]]
    path = _write(tmp_path, "\n".join(cut + ["Improving access,x,,,,"]) + "\n")
    problems = _rejected(path, plan_round, commissioner_user)
    assert problems == [
        (
            1,
            "Date plan will be fully assured",
            None,
            "a column named Date plan will be fully assured",
        )
    ]


@pytest.mark.parametrize(
    ("cell", "column", "expected"),
    [
        (
            "Improving access,Seven-day opening,,,Planned,,",
            "Requirement",
            "a requirement of GP Forward View plan assurance, by its title or key",
        ),
        (
            "Improving access,online-consultation,,,Planned,,",
            "Area",
            "the requirement's area, Care redesign",
        ),
        (
            ",extended-access,,,Planned,31/02/2017,",
            "Date CCG plan will be fully assured",
            "a date (2019-06-30 or 30/06/2019)",
        ),
        (
            ",extended-access,,,Planned,2016-11-30,",
            "Date CCG plan will be fully assured",
            "the date it expects to be fully assured cannot be before the submission",
        ),
        (
            ",estates-digital,,,,April 2017,",
            "Brief explanation to cover why and what actions are being taken to resolve",
            "the explanation: why, and what is being done",
        ),
    ],
)
def test_import_return_bad_rows_name_row_column_and_expected(
    plan_round, commissioner_user, tmp_path, cell, column, expected
):
    header = (DATA / "gpfv-response.csv").read_text().splitlines()[0]
    good = ",workforce-strategy,,,A workforce plan is in hand,,"
    path = _write(tmp_path, f"{header}\n{good}\n{cell}\n")
    [(row, found_column, _, found)] = _rejected(path, plan_round, commissioner_user)
    assert (row, found_column) == (3, column) and found.startswith(expected)
    assert _untouched()  # the good row before it was not written either


def test_import_return_bad_rating_and_a_repeated_requirement(plan_round, assurance_user, tmp_path):
    header = (DATA / "gpfv-return.csv").read_text().splitlines()[0]
    rows = [",extended-access,Assured,Not quite,,,", ",extended-access,Green,Fine,,,"]
    path = _write(tmp_path, "\n".join([header, *rows]) + "\n")
    assert _rejected(path, plan_round, assurance_user) == [
        (2, "Assurance rating", "Assured", "one of Green, Amber, Red, or blank"),
        (3, "Requirement", "extended-access", "each requirement once; it is on row 2"),
    ]


def test_import_return_into_a_closed_round_is_refused(plan_round, assurance_user):
    for row in plan_round.ratings.all():
        actions.rate(
            round=plan_round,
            requirement=row.requirement,
            rating="green",
            reasons="Ok",
            by=assurance_user,
        )
    actions.close_round(round=plan_round, statement="Agreed", by=assurance_user)
    [(_, _, value, expected)] = _rejected(DATA / "gpfv-return.csv", plan_round, assurance_user)
    assert (value, expected) == (
        "23 December submission",
        "an open round; this one is closed and signed",
    )


def test_import_return_for_an_outsider_is_refused(plan_round, outsider):
    [(_, _, _, expected)] = _rejected(DATA / "gpfv-response.csv", plan_round, outsider)
    assert expected.startswith("a return for a round you take part in")


def test_import_return_a_changed_rating_from_the_commissioner_names_what_is_held(
    plan_round, assurance_user, commissioner_user, tmp_path
):
    import_return(path=DATA / "gpfv-response.csv", round=plan_round, by=commissioner_user)
    import_return(path=DATA / "gpfv-return.csv", round=plan_round, by=assurance_user)
    header = (DATA / "gpfv-return.csv").read_text().splitlines()[0]
    path = _write(tmp_path, f"{header}\n,extended-access,Green,,,,\n")
    assert _rejected(path, plan_round, commissioner_user) == [
        (
            2,
            "Assurance rating",
            "Green",
            "blank, or what the round holds ('Amber'): only NHS England's assurance team sets "
            "the rating",
        )
    ]

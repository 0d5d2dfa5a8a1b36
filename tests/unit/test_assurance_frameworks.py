"""Framework files: every shipped file reads and checks, each measure link names a measure PCN
Hub computes, and a file with a mistake is refused naming where."""

import copy
import tomllib
from datetime import date
from decimal import Decimal

import pytest

from assurance.expected import NotADate, expected_text, read_expected
from assurance.frameworks import (
    FRAMEWORKS_DIR,
    FrameworkDataError,
    framework_files,
    known_measure_keys,
    parse_framework,
    read_grade,
)


def _data(key="nhse-assurance-2019-20"):
    return tomllib.loads((FRAMEWORKS_DIR / f"{key}.toml").read_text("utf-8"))


def test_framework_files_both_frameworks_read_with_sources():
    files = framework_files()
    assert set(files) == {"nhse-assurance-2019-20", "gpfv-plan-assurance"}
    for spec in files.values():
        assert spec.source and all(r.source for r in spec.requirements)
    areas = {r.area for r in files["gpfv-plan-assurance"].requirements}
    assert areas == {
        "Improving access",
        "Care redesign",
        "Investment",
        "Workforce",
        "Infrastructure",
    }
    statement = files["nhse-assurance-2019-20"]
    assert statement.plan_months == (date(2019, 4, 1), date(2019, 12, 1))
    assert len(statement.requirements) == 12


def test_framework_files_every_measure_link_is_computed():
    links = [r.measure for spec in framework_files().values() for r in spec.requirements]
    assert any(links)
    for link in filter(None, links):
        assert link.key in known_measure_keys() and link.target >= 0
    requirements = framework_files()["nhse-assurance-2019-20"].requirements
    coverage = next(r for r in requirements if r.key == "pcn-coverage")
    assert (coverage.measure.key, coverage.measure.target) == ("pcn_practices_pct", Decimal(100))
    assert coverage.measure.by == date(2019, 6, 30)


def test_parse_framework_refuses_a_measure_not_computed():
    data = _data()
    data["requirements"][0]["measure"]["key"] = "pcn_maturity_pct"
    with pytest.raises(FrameworkDataError, match="'pcn-coverage'.*not a measure PCN Hub computes"):
        parse_framework(data, "x.toml", known_measure_keys())


def test_parse_framework_measure_direction_defaults_to_up_and_takes_down():
    data = copy.deepcopy(_data())
    assert (
        parse_framework(data, "x.toml", known_measure_keys()).requirements[0].measure.direction
        == "up"
    )
    data["requirements"][0]["measure"]["direction"] = "down"
    spec = parse_framework(data, "x.toml", known_measure_keys())
    assert spec.requirements[0].measure.direction == "down"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(scale="stars"), "scale 'stars'"),
        (lambda d: d["requirements"][1].update(key="pcn-coverage"), "also requirement 1's"),
        (
            lambda d: d["requirements"][1].update(title=d["requirements"][0]["title"].upper()),
            "title is also requirement 1's",
        ),
        (lambda d: d["requirements"][0].update(title="Overall Assurance"), "round's own row"),
        (lambda d: d["requirements"][0].update(colour="red"), "unknown field"),
        (lambda d: d["requirements"][0]["deadlines"][0].update(due="June"), "'due' must be a date"),
        (lambda d: d.update(plan_months=[date(2019, 4, 2), date(2019, 12, 1)]), "first days"),
        (lambda d: d.update(requirements=[]), "at least one requirement"),
        (lambda d: d.update(key="NHS 2019"), "lower-case words"),
        (
            lambda d: d["requirements"][0]["measure"].update(direction="at most"),
            "'pcn-coverage': measure direction 'at most' must be up .* or down",
        ),
    ],
)
def test_parse_framework_refuses_a_mistake_naming_where(change, message):
    data = copy.deepcopy(_data())
    change(data)
    with pytest.raises(FrameworkDataError, match=message):
        parse_framework(data, "x.toml", known_measure_keys())


@pytest.mark.parametrize(
    ("scale", "text", "value"),
    [
        ("assurance", "Partially assured", "partially_assured"),
        ("assurance", " not_assured ", "not_assured"),
        ("rag", "A", "amber"),
        ("rag", "green", "green"),
    ],
)
def test_read_grade_takes_labels_values_and_initials(scale, text, value):
    assert read_grade(scale, text).value == value


def test_read_grade_refuses_another_scales_rating():
    assert read_grade("rag", "Assured") is None and read_grade("assurance", "A") is None


@pytest.mark.parametrize(
    ("text", "day", "note"),
    [
        ("April 2017 (subject to NHSE approval)", date(2017, 4, 30), "subject to NHSE approval"),
        ("Q4 2018/19", date(2019, 3, 31), ""),
        ("30/06/2019", date(2019, 6, 30), ""),
        ("2019-06-30 00:00:00", date(2019, 6, 30), ""),
        ("when national guidance is published", None, "when national guidance is published"),
        ("No date: after the 2020/21 guidance", None, "after the 2020/21 guidance"),
        ("", None, ""),
    ],
)
def test_read_expected_dates_periods_and_notes(text, day, note):
    assert read_expected(text) == (day, note)


@pytest.mark.parametrize("text", ["31/02/2019", "2019-13-01", "by Q5 2019/20", "Juune 2019"])
def test_read_expected_refuses_what_looks_like_a_bad_date(text):
    with pytest.raises(NotADate):
        read_expected(text)


@pytest.mark.parametrize(
    ("day", "note"),
    [
        (date(2017, 4, 30), "subject to approval"),
        (None, "when national guidance is published"),
        (None, "after the 2020/21 guidance"),
        (date(2019, 3, 31), ""),
    ],
)
def test_expected_text_reads_back_as_written(day, note):
    assert read_expected(expected_text(day, note)) == (day, note)

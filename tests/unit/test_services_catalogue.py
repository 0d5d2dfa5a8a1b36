"""services/services.toml: the catalogue and thresholds load and every entry is checked."""

import copy
import tomllib
from datetime import date

import pytest

from payments.rates import STATUSES
from services.catalogue import CATALOGUE_FILE, CatalogueError, catalogue, parse, thresholds_on


@pytest.fixture
def data():
    return tomllib.loads(CATALOGUE_FILE.read_text("utf-8"))


def test_the_file_loads_with_the_four_services_and_their_sources():
    found = catalogue()
    assert list(found.services) == [
        "online_consultation",
        "electronic_repeat_dispensing",
        "mdt_go_live",
        "home_visiting",
    ]
    for service in found.services.values():
        assert service.source and service.description
        assert service.status == "confirmed" or service.note  # unsure figures say why


def test_thresholds_in_force_by_date_with_the_45_minutes_marked_local():
    on_go_live = {t.key: t.minutes_per_1000 for t in thresholds_on(date(2019, 7, 1))}
    assert on_go_live == {"des_extended_hours": 30, "ccg_extended_access": 30, "stp_local_45": 45}
    assert [t.key for t in thresholds_on(date(2022, 10, 1))] == ["stp_local_45", "enhanced_access"]
    local = next(t for t in catalogue().thresholds if t.key == "stp_local_45")
    assert local.status == "single_source" and "seed 002" in local.source
    assert local.status_label == "single source"
    ccg = next(t for t in catalogue().thresholds if t.key == "ccg_extended_access")
    assert ccg.status == "conflict" and "45" in ccg.note


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["services"][0].pop("source"), "'source' must be some text"),
        (lambda d: d["services"][1].update(note=""), "'note' must be some text"),
        (lambda d: d["services"][1].update(status="likely"), "is not one of confirmed"),
        (lambda d: d["services"][1].update(status="single source"), "single_source, conflict"),
        (lambda d: d["thresholds"][2].update(status="unconfirmed", note=""), "'note' must be"),
        (lambda d: d["services"][2].update(key="online_consultation"), "is used twice"),
        (lambda d: d["services"][0].update(key="Online Consultation"), "must be lower case"),
        (lambda d: d["thresholds"][0].update(minutes_per_1000=0), "a whole number above 0"),
        (lambda d: d["thresholds"][0].update(to=date(2018, 1, 1)), "is before 'from'"),
        (lambda d: d["thresholds"][0].update({"from": "2019-07-01"}), "must be dates"),
        (lambda d: d.update(services=[]), "no \\[\\[services\\]\\]"),
    ],
)
def test_a_file_that_does_not_say_what_is_needed_is_refused(data, change, message):
    broken = copy.deepcopy(data)
    change(broken)
    with pytest.raises(CatalogueError, match=message):
        parse(broken)


def test_statuses_are_the_payments_vocabulary_and_any_of_them_loads(data):
    """One vocabulary of how sure a source is, across rates and the service catalogue."""
    found = {s.status for s in catalogue().services.values()}
    found |= {t.status for t in catalogue().thresholds}
    assert found <= set(STATUSES)
    for status in STATUSES:
        changed = copy.deepcopy(data)
        changed["services"][1].update(status=status)
        assert parse(changed).services["electronic_repeat_dispensing"].status == status


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["schemes"][1].update(threshold="des_hours"), "threshold 'des_hours'"),
        (lambda d: d["schemes"][1].update(providers=["ccg"]), "'providers' must name"),
        (lambda d: d["schemes"][1].update(rounding="nearest"), "rounding 'nearest'"),
        (lambda d: d["schemes"][1].pop("list_dates"), "needs its list_dates"),
        (lambda d: d["schemes"][1]["list_dates"][0].update(year="2019"), "like 2019/20"),
        (lambda d: d["schemes"][1]["list_dates"][0].pop("source"), "'source' must be"),
        (
            lambda d: d["schemes"][2]["standard_hours"][0].update(end="18:00"),
            "ends before it starts",
        ),
        (lambda d: d["schemes"][2].pop("rounding_source"), "'rounding_source' must be"),
    ],
)
def test_a_scheme_that_does_not_say_what_is_needed_is_refused(data, change, message):
    changed = copy.deepcopy(data)
    change(changed)
    with pytest.raises(CatalogueError, match=f"scheme \\d.*{message}"):
        parse(changed)

"""Frameworks in the database: loaded on migrate, brought up to date from their files with
history, a requirement dropped from its file kept (with its ratings) but withdrawn, and only
the deadlines that changed rewritten."""

from dataclasses import replace
from datetime import date, timedelta

from django.urls import reverse

from assurance import loader
from assurance.figures import figure
from assurance.frameworks import framework_files
from assurance.models import Deadline, Framework, Requirement


def test_the_framework_files_are_in_every_migrated_database(db):
    assert set(Framework.objects.values_list("key", flat=True)) == set(framework_files())
    coverage = Requirement.objects.get(framework__key="nhse-assurance-2019-20", key="pcn-coverage")
    assert coverage.measure_key == "pcn_practices_pct" and coverage.measure_target == 100
    assert [d.what for d in coverage.deadlines.all()] == [
        "100% of practices in a network (at the latest)"
    ]
    assert loader.load_framework_files() == 0  # nothing changed, nothing written


def test_load_framework_files_updates_and_withdraws_with_history(db, monkeypatch):
    files = framework_files()
    spec = files["gpfv-plan-assurance"]
    first, *rest = spec.requirements
    retitled = replace(first, title="Extended access for all")
    changed = replace(spec, requirements=(retitled, *rest[1:]))
    monkeypatch.setattr(loader, "framework_files", lambda: {**files, spec.key: changed})
    assert loader.load_framework_files() > 0
    assert loader.load_framework_files() == 0
    access = Requirement.objects.get(framework__key=spec.key, key=first.key)
    assert access.title == "Extended access for all"
    assert access.history.first().prev_record.title == first.title
    dropped = Requirement.objects.get(framework__key=spec.key, key=rest[0].key)
    assert dropped.withdrawn


def test_load_framework_files_changes_only_the_deadlines_that_changed(db, monkeypatch):
    files = framework_files()
    spec = files["gpfv-plan-assurance"]
    access, *rest = spec.requirements
    kept, moved = access.deadlines
    before = {d.what: d.pk for d in Deadline.objects.filter(requirement__key=access.key)}
    added = (date(2019, 9, 30), "Half the population covered")
    changed = replace(access, deadlines=(kept, (moved[0] + timedelta(days=30), moved[1]), added))
    monkeypatch.setattr(
        loader,
        "framework_files",
        lambda: {**files, spec.key: replace(spec, requirements=(changed, *rest))},
    )
    assert loader.load_framework_files() == 3  # the moved one deleted and added, one added
    assert loader.load_framework_files() == 0
    after = Deadline.objects.filter(
        requirement__framework__key=spec.key, requirement__key=access.key
    )
    assert sorted((d.due, d.what) for d in after) == sorted(changed.deadlines)
    assert after.get(what=kept[1]).pk == before[kept[1]]  # unchanged: the same row
    assert not Deadline.objects.filter(pk=before[moved[1]]).exists()


def test_load_framework_files_keeps_a_measures_direction_and_the_figure_follows_it(
    client, area, commissioner_user, monkeypatch
):
    files = framework_files()
    spec = files["nhse-assurance-2019-20"]
    coverage, *rest = spec.requirements
    ceiling = replace(coverage, measure=replace(coverage.measure, direction="down"))
    monkeypatch.setattr(
        loader,
        "framework_files",
        lambda: {**files, spec.key: replace(spec, requirements=(ceiling, *rest))},
    )
    assert loader.load_framework_files() == 1
    held = Requirement.objects.get(framework__key=spec.key, key=coverage.key)
    assert held.measure_direction == "down"
    assert held.history.first().prev_record.measure_direction == "up"
    live = figure(held, area["commissioner"], date(2019, 7, 12))
    assert (live.value, live.bound, live.met) == (0, "at most", True)
    client.force_login(commissioner_user)
    shown = client.get(reverse("assurance_framework", args=[spec.key]))
    assert "% of practices in an approved PCN: at most 100 by 30 June 2019" in shown.text

"""Frameworks in the database: loaded on migrate, brought up to date from their files with
history, a requirement dropped from its file kept (with its ratings) but withdrawn."""

from dataclasses import replace

from assurance import loader
from assurance.frameworks import framework_files
from assurance.models import Framework, Requirement


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

"""Frameworks from their files into the database, on every migrate (as rate tables are).

A framework or requirement is matched by key and brought up to date, the change kept in its
history. A requirement taken out of its file stays, with its ratings, marked withdrawn: new
rounds leave it out and old ones still show it. Nothing is written when nothing changed.
"""

from django.db import transaction

from assurance.frameworks import FrameworkSpec, RequirementSpec, framework_files
from assurance.models import Deadline, Framework, Requirement


def _framework_values(spec: FrameworkSpec) -> dict:
    start, end = spec.plan_months or (None, None)
    return {
        "title": spec.title,
        "publisher": spec.publisher,
        "document": spec.document,
        "year": spec.year,
        "scale": spec.scale,
        "plan_start": start,
        "plan_end": end,
        "source": spec.source,
        "note": spec.note,
    }


def _requirement_values(spec: RequirementSpec, order: int) -> dict:
    measure = spec.measure
    return {
        "order": order,
        "area": spec.area,
        "title": spec.title,
        "guidance": spec.guidance,
        "source": spec.source,
        "note": spec.note,
        "measure_key": measure.key if measure else "",
        "measure_target": measure.target if measure else None,
        "measure_by": measure.by if measure else None,
        "withdrawn": False,
    }


def _upsert(model, lookup: dict, values: dict):
    """Create, or update the fields that differ; returns (object, whether it was written)."""
    found = model.objects.filter(**lookup).first()
    if found is None:
        found = model(**lookup, **values)
    elif all(getattr(found, name) == value for name, value in values.items()):
        return found, False
    else:
        for name, value in values.items():
            setattr(found, name, value)
    found._history_user = None
    found.save()
    return found, True


@transaction.atomic
def load_framework_files(**kwargs) -> int:
    """Bring the database in line with the files; returns how many rows were written."""
    written = 0
    for spec in framework_files().values():
        framework, changed = _upsert(Framework, {"key": spec.key}, _framework_values(spec))
        written += changed
        held = {r.key: r for r in framework.requirements.prefetch_related("deadlines")}
        for order, item in enumerate(spec.requirements, start=1):
            requirement, changed = _upsert(
                Requirement,
                {"framework": framework, "key": item.key},
                _requirement_values(item, order),
            )
            written += changed
            old = held.get(item.key)
            have = sorted((d.due, d.what) for d in old.deadlines.all()) if old else []
            if have != sorted(item.deadlines):
                requirement.deadlines.all().delete()
                Deadline.objects.bulk_create(
                    Deadline(requirement=requirement, due=due, what=what)
                    for due, what in item.deadlines
                )
                written += 1
        for key, requirement in held.items():
            if key not in {r.key for r in spec.requirements} and not requirement.withdrawn:
                requirement.withdrawn = True
                requirement._history_user = None
                requirement.save()
                written += 1
    return written

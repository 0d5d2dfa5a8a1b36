"""Frameworks from their files into the database, on every migrate (as rate tables are).

A framework or requirement is matched by key and brought up to date, the change kept in its
history. A requirement taken out of its file stays, with its ratings, marked withdrawn: new
rounds leave it out and old ones still show it. Nothing is written when nothing changed.

A requirement's deadlines are kept as rows that stay put: one whose date and wording are
still in the file is left alone, one no longer there is deleted and one new there is added,
so reloading an unchanged file touches none and their ids do not churn. They keep no
history of their own, unlike frameworks and requirements: a deadline has no key to follow
(a moved date is a new deadline), nothing points at one (ratings point at requirements and a
signed round freezes its content in its snapshot), and the framework files are in git, whose
log is the record of what a deadline said when.
"""

from collections import Counter

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
        "measure_direction": measure.direction if measure else "up",
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


def _sync_deadlines(requirement: Requirement, have, spec: RequirementSpec) -> int:
    """Delete the deadlines no longer in the file and add the new ones; returns how many."""
    wanted = Counter(spec.deadlines)
    stale = []
    for deadline in have:
        if wanted[deadline.due, deadline.what] > 0:
            wanted[deadline.due, deadline.what] -= 1
        else:
            stale.append(deadline.pk)
    if stale:
        Deadline.objects.filter(pk__in=stale).delete()
    Deadline.objects.bulk_create(
        Deadline(requirement=requirement, due=due, what=what) for due, what in wanted.elements()
    )
    return len(stale) + wanted.total()


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
            written += _sync_deadlines(requirement, old.deadlines.all() if old else [], item)
        for key, requirement in held.items():
            if key not in {r.key for r in spec.requirements} and not requirement.withdrawn:
                requirement.withdrawn = True
                requirement._history_user = None
                requirement.save()
                written += 1
    return written

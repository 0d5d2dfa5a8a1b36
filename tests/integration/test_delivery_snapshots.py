"""Signed snapshots: frozen once saved, a digest of what was signed, and any two compared."""

import pytest

from delivery.models import FrozenError, Snapshot
from delivery.snapshots import compare, freeze, intact


def content(rating, extra=None):
    items = [
        {"key": "coverage", "label": "PCN coverage", "fields": {"Rating": rating, "Due": "Jun"}},
        {"key": "funding", "label": "£1.50 a head", "fields": {"Rating": "Assured"}},
    ]
    return {"items": items + (extra or [])}


def test_a_snapshot_is_signed_once_and_never_changes(commissioner_user):
    snapshot = freeze(
        kind=Snapshot.Kind.ASSURANCE_ROUND,
        title="Round 1",
        subject="round:1",
        content=content("Partially assured"),
        by=commissioner_user,
    )
    assert intact(snapshot) and snapshot.signed_by == commissioner_user
    snapshot.title = "Edited"
    with pytest.raises(FrozenError):
        snapshot.save()
    with pytest.raises(FrozenError):
        snapshot.delete()
    Snapshot.objects.filter(pk=snapshot.pk).update(content=content("Assured"))
    assert not intact(Snapshot.objects.get(pk=snapshot.pk))


def test_content_without_keyed_items_is_refused(commissioner_user):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="key, label and fields"):
        freeze(
            kind="board_report",
            title="x",
            subject="p:1",
            content={"items": [{}]},
            by=commissioner_user,
        )
    assert not Snapshot.objects.exists()


def test_two_snapshots_compare_item_by_item():
    new = {"key": "workforce", "label": "Workforce", "fields": {"Rating": "Not assured"}}
    changes = compare(content("Partially assured"), content("Assured", [new]))
    assert [(c.key, c.change) for c in changes] == [("coverage", "changed"), ("workforce", "added")]
    assert [(f.field, f.before, f.after) for f in changes[0].fields] == [
        ("Rating", "Partially assured", "Assured")
    ]
    assert [c.change for c in compare(content("Assured", [new]), content("Assured"))] == ["removed"]

"""Signed snapshots: a closed assurance round or a quarter's board report, frozen as it was
signed, with who and when, and a digest of the content so any later change would show.

Content is plain JSON (strings, numbers, lists, objects; dates and money as strings). For
comparison every snapshot's content carries `items`: a list of {"key", "label", "fields"},
where `key` identifies the same thing across snapshots (a requirement, an action) and
`fields` maps a field's label to its value. Any two snapshots compare item by item.
"""

import hashlib
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from delivery.models import Snapshot


def digest(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@transaction.atomic
def freeze(
    *, kind: str, title: str, subject: str, content: dict, by, period: str = "", statement: str = ""
) -> Snapshot:
    """Sign and keep the content as it is now; callers check the signer may sign."""
    items = content.get("items")
    if not isinstance(items, list) or any(
        not isinstance(i, dict) or {"key", "label", "fields"} - set(i) for i in items
    ):
        raise ValidationError({"content": ["a snapshot's items each need a key, label and fields"]})
    # Round-trip through JSON first, so what is stored is exactly what the digest covers.
    content = json.loads(json.dumps(content, default=str))
    return Snapshot.objects.create(
        kind=kind,
        title=title,
        subject=subject,
        period=period,
        content=content,
        digest=digest(content),
        signed_by=by,
        signed_at=timezone.now(),
        statement=statement,
    )


def intact(snapshot: Snapshot) -> bool:
    """Whether the stored content is still what was signed."""
    return digest(snapshot.content) == snapshot.digest


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: object
    after: object


@dataclass(frozen=True)
class ItemChange:
    key: str
    label: str
    change: str  # "added", "removed" or "changed"
    fields: tuple[FieldChange, ...] = ()


def compare(before: Snapshot | dict, after: Snapshot | dict) -> list[ItemChange]:
    """What changed from one snapshot (or content) to another: items added and removed, and
    each field that differs, in the later snapshot's order (removed ones last)."""
    old = _items(before)
    new = _items(after)
    found = []
    for key, item in new.items():
        if key not in old:
            found.append(ItemChange(key, item["label"], "added"))
            continue
        was = old[key]["fields"]
        now = item["fields"]
        changes = tuple(
            FieldChange(name, was.get(name), now.get(name))
            for name in [*now, *(n for n in was if n not in now)]
            if was.get(name) != now.get(name)
        )
        if changes:
            found.append(ItemChange(key, item["label"], "changed", changes))
    found += [
        ItemChange(key, item["label"], "removed") for key, item in old.items() if key not in new
    ]
    return found


def _items(snapshot: Snapshot | dict) -> dict[str, dict]:
    content = snapshot.content if isinstance(snapshot, Snapshot) else snapshot
    return {str(item["key"]): item for item in content["items"]}

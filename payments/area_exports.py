"""An area's overview (payments.overview) for its page and as PDF or Excel files built by the
background worker (`pcnhub db_worker`), kept until their inputs change.

A region's files take longer than a request should wait, so asking for one queues it and the
page polls its progress. A file is known by a fingerprint: the SHA-256 of everything it is
drawn from (every line's payee, network, entitlement, months, amount, reason for having none,
paid state, formula and version; the months marked paid; the scope, year, view and format).
Asked for again while nothing has changed, the finished file is served at once; once a month
is marked paid or a rate revised, the fingerprint differs and a new file is built.
"""

import hashlib
import logging
from collections.abc import Callable
from datetime import date

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.permissions import Permission, has_permission
from organisations.models import KIND_NAMES, Organisation, OrgKind, Relationship, RelType
from organisations.queries import commissioners_under
from payments import exports
from payments.engine import Payee
from payments.inputs import pcns_in
from payments.models import EXPORTS, AreaExport, PaidMonth
from payments.overview import Overview, overview
from payments.schedule import Schedule, check_view, schedule
from pcnhub.nhs_calendar import financial_year
from pcnhub.progress import RunStatus

logger = logging.getLogger(__name__)


def title(scope: Organisation | None) -> str:
    return f"{scope.name} ({scope.code})" if scope else "England"


def kind_words(scope: Organisation | None) -> str:
    """What the area is, for a button: 'region', 'STP/ICS', 'commissioner', 'England'."""
    return KIND_NAMES[scope.kind] if scope else "England"


def regions_of(pcns: list[Organisation], year: str) -> dict[str, Payee]:
    """Each network's region over the year (its latest commissioner's), for England's page,
    which shows a row per region rather than some 1,250 networks'."""
    start, end = financial_year(year)
    regions = list(Organisation.objects.filter(kind=OrgKind.REGION))
    under = commissioners_under(regions, end)
    region_of = {pk: Payee(r.code, r.name) for r in regions for pk in under[r.pk]}
    links = (
        Relationship.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=start),
            valid_from__lte=end,
            rel_type=RelType.PCN_COMMISSIONER,
            child__in=pcns,
        )
        .order_by("valid_from")
        .values_list("child__code", "parent_id")
    )
    return {code: region_of[parent] for code, parent in links if parent in region_of}


def area_overview(
    scope: Organisation | None, pcns: list[Organisation], year: str, view: str
) -> tuple[Schedule, set[tuple[str, date]], Overview]:
    """The schedule of the area's networks, the (network, month) pairs marked paid, and its
    overview."""
    check_view(view)
    found = schedule(pcns, year)
    paid = set(
        PaidMonth.objects.filter(pcn__in=pcns, month__in=found.months).values_list(
            "pcn__code", "month"
        )
    )
    areas = regions_of(pcns, year) if scope is None else None
    return found, paid, overview(found, paid, view, areas=areas)


def fingerprint(
    found: Schedule, paid: set[tuple[str, date]], *, scope: Organisation | None, view: str, fmt: str
) -> str:
    digest = hashlib.sha256(
        repr((title(scope), found.year, view, fmt, sorted(paid))).encode("utf-8")
    )
    for item in found.lines:
        line = item.line
        digest.update(
            repr(
                (
                    line.payee,
                    line.pcn,
                    line.paid_to,
                    line.entitlement,
                    line.label,
                    line.detail,
                    line.month,
                    item.paid_month,
                    item.arrears_for,
                    line.amount,
                    line.withheld,
                    line.missing,
                    item.paid,
                    line.formula,
                    line.version,
                )
            ).encode("utf-8")
        )
    return digest.hexdigest()


def build(
    scope: Organisation | None,
    year: str,
    view: str,
    fmt: str,
    on_progress: Callable[[int, int], None] | None = None,
) -> tuple[bytes, str]:
    """The file's bytes and the fingerprint of what it was drawn from."""
    found, paid, drawn = area_overview(scope, pcns_in(scope, year), year, view)
    if fmt == "pdf":
        body = exports.area_pdf(drawn, title(scope), on_progress)
    elif fmt == "xlsx":
        body = exports.area_xlsx(drawn, found, title(scope), on_progress)
    else:
        raise ValueError(f"fmt must be one of {', '.join(AreaExport.FORMATS)}")
    return body, fingerprint(found, paid, scope=scope, view=view, fmt=fmt)


def file_name(export: AreaExport) -> str:
    code = export.scope.code if export.scope_id else "ENG"
    return f"pcn-overview-{code}-{export.year.replace('/', '-')}-{export.view}.{export.fmt}"


@transaction.atomic
def request_export(*, scope: Organisation | None, year: str, view: str, fmt: str, by) -> AreaExport:
    """The export with this content: a finished or running one if there is one, else a new one
    queued for the worker. Only someone who may see the area asks for it."""
    if fmt not in AreaExport.FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(AreaExport.FORMATS)}")
    if not has_permission(by, Permission.VIEW_REGISTRY, scope):
        raise PermissionDenied(f"you may not see the payments of {title(scope)}")
    found, paid, _ = area_overview(scope, pcns_in(scope, year), year, view)
    key = fingerprint(found, paid, scope=scope, view=view, fmt=fmt)
    same = AreaExport.objects.filter(scope=scope, year=year, view=view, fmt=fmt, fingerprint=key)
    existing = same.exclude(status=RunStatus.FAILED).first()
    if existing is not None:
        return existing
    export = AreaExport.objects.create(
        scope=scope, year=year, view=view, fmt=fmt, fingerprint=key, requested_by=by
    )
    from payments.tasks import build_area_export

    transaction.on_commit(lambda: build_area_export.enqueue(export.pk))
    return export


def run_export(export_id: int) -> AreaExport:
    """Build a queued export and keep its file; a failure is recorded, never left running."""
    export = AreaExport.objects.select_related("scope").get(pk=export_id)
    export.status = RunStatus.RUNNING
    export.save(update_fields=["status"])
    EXPORTS.report(export.pk, "calculating", 0, 1)
    try:
        body, key = build(
            export.scope,
            export.year,
            export.view,
            export.fmt,
            lambda done, total: EXPORTS.report(export.pk, "writing", done, total),
        )
    except Exception as error:
        logger.exception("area export %s failed", export.pk)
        export.status = RunStatus.FAILED
        export.error = f"{type(error).__name__}: {error}"
    else:
        # What it was built from, should anything have changed since it was asked for.
        export.fingerprint = key
        export.file.save(file_name(export), ContentFile(body), save=False)
        export.status = RunStatus.SUCCEEDED
    export.finished_at = timezone.now()
    export.save()
    return export

"""The audit a finance lead can read: who saw which network's bank details in full, and who
proposed which national rate revision and who approved or rejected it. Each list is scoped by
the one access rule: bank-detail views for the networks the reader may see bank details of;
rate revisions (national data) for whoever may revise rates."""

import io
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Q
from django.utils import timezone

from accounts.permissions import Permission, holds_anywhere, scope_filter
from payments.models import RateVersion
from pcnhub.spreadsheet import SafeWriter
from registrations.models import BankDetailsView

LISTS = {"bank": "Bank details seen in full", "rates": "Rate revisions"}
ROWS_SHOWN = 500  # on the page; the CSV has them all


@dataclass(frozen=True)
class Filters:
    start: date | None = None
    end: date | None = None
    person: str = ""  # part of a username
    organisation: str = ""  # a PCN's ODS code (bank), or a financial year (rates)


def lists_for(user) -> list[str]:
    """The lists the user may read, in LISTS order; empty: no audit page."""
    may = {
        "bank": holds_anywhere(user, Permission.VIEW_BANK_DETAILS),
        "rates": holds_anywhere(user, Permission.EDIT_RATES),
    }
    return [name for name in LISTS if may[name]]


def _between(field: str, filters: Filters) -> Q:
    found = Q()
    zone = timezone.get_current_timezone()
    if filters.start:
        found &= Q(**{f"{field}__gte": datetime.combine(filters.start, time.min, zone)})
    if filters.end:
        found &= Q(**{f"{field}__lte": datetime.combine(filters.end, time.max, zone)})
    return found


def bank_views(user, filters: Filters):
    rows = BankDetailsView.objects.filter(
        scope_filter(user, Permission.VIEW_BANK_DETAILS, "registration__pcn_id"),
        _between("viewed_at", filters),
    )
    if filters.person:
        rows = rows.filter(viewed_by__username__icontains=filters.person)
    if filters.organisation:
        rows = rows.filter(registration__pcn__code=filters.organisation.strip().upper())
    return rows.select_related("viewed_by", "registration__pcn").order_by("-viewed_at")


def rate_revisions(filters: Filters):
    """Revisions made by hand, proposed or decided in the dates, by the person as proposer,
    approver or rejecter."""
    rows = RateVersion.objects.filter(from_file=False).filter(
        _between("created_at", filters) | _between("approved_at", filters)
    )
    if filters.person:
        rows = rows.filter(
            Q(created_by__username__icontains=filters.person)
            | Q(approved_by__username__icontains=filters.person)
        )
    if filters.organisation:
        rows = rows.filter(year=filters.organisation.strip())
    return (
        rows.select_related("created_by", "approved_by")
        .prefetch_related("rates")
        .order_by("-created_at")
    )


HEADERS = {
    "bank": ["Seen at", "Seen by", "PCN code", "PCN", "DES year", "Through"],
    "rates": [
        "Proposed at",
        "Proposed by",
        "Why",
        "Year",
        "Version",
        "Published",
        "Effective from",
        "Rates",
        "Status",
        "Approved or rejected by",
        "Decided at",
        "Decision reason",
    ],
}


def row(name: str, item) -> list[str]:
    """One audit row as the page and the CSV show it."""
    if name == "bank":
        registration = item.registration
        return [
            timezone.localtime(item.viewed_at).strftime("%Y-%m-%d %H:%M"),
            item.viewed_by.username,
            registration.pcn.code,
            registration.pcn.name,
            registration.des_year,
            item.channel,
        ]
    decided = (
        timezone.localtime(item.approved_at).strftime("%Y-%m-%d %H:%M") if item.approved_at else ""
    )
    # Revisions in force before approvals existed were approved by no one recorded.
    decider = item.approved_by.username if item.approved_by else decided and "(none recorded)"
    return [
        timezone.localtime(item.created_at).strftime("%Y-%m-%d %H:%M"),
        item.created_by.username if item.created_by else "(user removed)",
        item.reason,
        item.year,
        item.label,
        item.published.isoformat(),
        item.effective_from.isoformat(),
        "; ".join(
            f"{rate.entitlement} {rate.value.normalize():f} per {rate.per}"
            for rate in item.rates.all()
        ),
        item.status,
        decider,
        decided,
        item.decision_reason,
    ]


def as_csv(name: str, items) -> str:
    out = io.StringIO()
    writer = SafeWriter(out, lineterminator="\r\n")
    writer.writerow(HEADERS[name])
    writer.writerows(row(name, item) for item in items)
    return out.getvalue()

"""REST API over payments: a PCN's or an area's monthly schedule for a financial year, every
line with why (formula, population, rate, version, source); marking a PCN's month paid; and
the rate versions of a year.

Scope is the one access rule (accounts.permissions), as on the payment pages: whoever may view
a PCN or area (VIEW_REGISTRY) sees its payments, and one out of scope answers 404; marking
paid is for commissioner finance (MANAGE_PAYMENTS), and a visible PCN the user may not mark
answers 403. The schedule itself is payments.schedule's; these views only pick and shape it.
Money is always a string with two decimal places, never a float.
"""

import re
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import exceptions, permissions, serializers, status, views, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.permissions import Permission, has_permission, holds_anywhere
from organisations.api import CODE, AsAtMixin, OrganisationBriefSerializer
from organisations.filters import DATE_MESSAGE
from organisations.models import Organisation, OrgKind
from payments.arrs import scheme
from payments.arrs_report import PROJECTION_RULE, area_arrs, may_see
from payments.inputs import SCOPE_KINDS, pcns_in
from payments.models import Rate, RateVersion, RevisionStatus
from payments.rates import BASES, PERS, STATUSES
from payments.schedule import mark_paid, missing_words, schedule
from payments.versions import RATE_FIELDS
from pcnhub.api import step_errors
from pcnhub.nhs_calendar import financial_year

YEAR = OpenApiParameter(
    "year",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    required=True,
    description="The financial year, e.g. 2019/20. Missing or unknown answers 400, naming the "
    "years with rates on file.",
)
KNOWN_ON = OpenApiParameter(
    "as_at",
    OpenApiTypes.DATE,
    OpenApiParameter.QUERY,
    description="The day the rates are known on, as YYYY-MM-DD; today when absent. A rate "
    "version published after it is left out, as it was when payments were made then; months "
    "already marked paid show as they were paid. A malformed date answers 400.",
)
PUBLISHED_BY = OpenApiParameter(
    "as_at",
    OpenApiTypes.DATE,
    OpenApiParameter.QUERY,
    description="Keeps the versions published on or before this date, as YYYY-MM-DD; every "
    "version when absent. A malformed date answers 400.",
)
ACCEPTED_AS_AT = OpenApiParameter(
    "as_at",
    OpenApiTypes.DATE,
    OpenApiParameter.QUERY,
    description="Accepted as on every endpoint (a malformed date answers 400); the month is "
    "marked paid with the rates known today.",
)
PAYEE = OpenApiParameter(
    "payee",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    description="Keep the lines paid to this payee (an ODS code, any case); `total` is theirs.",
)
MONTH = OpenApiParameter(
    "month",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    description="Keep the lines paid in this month, as YYYY-MM (arrears for earlier months "
    "included); `total` is theirs. A month outside the year answers 400.",
)
ARRS_ON = OpenApiParameter(
    "as_at",
    OpenApiTypes.DATE,
    OpenApiParameter.QUERY,
    description="The day the budgets are judged on, as YYYY-MM-DD: the staff in post then "
    "make up what is committed and projected; today when absent. A malformed date answers "
    "400.",
)
ARRS_YEAR = OpenApiParameter(
    "year",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    required=True,
    description="The financial year, e.g. 2024/25. Missing or without ARRS rules answers 400.",
)


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def known_years() -> list[str]:
    """The financial years with rates on file, oldest first."""
    return list(RateVersion.objects.order_by("year").values_list("year", flat=True).distinct())


def year_from(request) -> str:
    """?year=, one of the years with rates on file, else 400 naming them."""
    years = known_years()
    asked = request.query_params.get("year", "").strip()
    listed = ", ".join(years) or "none"
    if not asked:
        raise exceptions.ValidationError(
            {"year": [f"Give a financial year as ?year=, one of: {listed}."]}
        )
    if asked not in years:
        raise exceptions.ValidationError(
            {"year": [f"No rates on file for {asked!r}; known years: {listed}."]}
        )
    return asked


def month_from(request, year: str) -> date | None:
    """?month=YYYY-MM within the year, or None when absent."""
    value = request.query_params.get("month", "").strip()
    if not value:
        return None
    found = _MONTH.match(value)
    month = None
    if found and 1 <= int(found[2]) <= 12:
        month = date(int(found[1]), int(found[2]), 1)
    if month is None:
        raise exceptions.ValidationError({"month": ["Enter a month as YYYY-MM, e.g. 2019-04."]})
    start, end = financial_year(year)
    if not start <= month <= end:
        raise exceptions.ValidationError(
            {"month": [f"{value} is not in {year} ({start:%Y-%m} to {end:%Y-%m})."]}
        )
    return month


# Serializers


@extend_schema_field({"type": "string", "format": "decimal", "nullable": True})
class ExactDecimalField(serializers.Field):
    """A Decimal as a string with the places it has (20000, 412.5), never a float."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return f"{value:f}"


def _money(**kwargs):
    return serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, **kwargs)


def _rate_value(**kwargs):
    return serializers.DecimalField(max_digits=12, decimal_places=5, read_only=True, **kwargs)


class PaymentLineSerializer(serializers.Serializer):
    """One payments.schedule.ScheduleLine."""

    payee_code = serializers.CharField(source="line.payee.code", help_text="ODS code")
    payee_name = serializers.CharField(source="line.payee.name")
    pcn_code = serializers.CharField(source="line.pcn.code", help_text="the PCN it is paid for")
    pcn_name = serializers.CharField(source="line.pcn.name")
    entitlement = serializers.CharField(source="line.entitlement", help_text="e.g. core")
    label = serializers.CharField(source="line.label", help_text="e.g. Core PCN funding")
    month = serializers.DateField(
        source="line.month",
        help_text="the month the line is placed in: the month it is for, or for an arrears "
        "line the month it is added to (see for_month and paid_month)",
    )
    for_month = serializers.DateField(
        help_text="the month it is for (earned); for an arrears line, the month it makes good"
    )
    paid_month = serializers.DateField(
        help_text="the month it is paid in, the statement it is on (payments/calendar: e.g. "
        "2019/20's core for April to July is paid in July)"
    )
    amount = _money(
        source="line.amount",
        allow_null=True,
        help_text="pounds; negative for a recovery; null when it cannot be calculated or is "
        "withheld",
    )
    status = serializers.CharField(
        source="line.status", help_text="due, withheld or cannot be calculated"
    )
    cannot_be_calculated = serializers.CharField(
        source="line.missing",
        help_text="why the line cannot be calculated (no figure on file for its basis, or not "
        "yet assessed); blank when it can",
    )
    withheld = serializers.CharField(
        source="line.withheld",
        help_text="why the line may not be paid in its month (not approved: no approved "
        "registration on the month's first day; no nominated payee with bank details); blank "
        "when it may. Paid as arrears once cleared",
    )
    paid_to = serializers.CharField(
        source="line.paid_to",
        help_text="network: the nominated payee; practice: the practice's own entitlement",
    )
    paid = serializers.BooleanField(help_text="stored as paid: it will not change")
    arrears_for = serializers.DateField(
        allow_null=True,
        help_text="for an arrears (or recovery) line, the earlier month it makes good",
    )
    formula = serializers.CharField(source="line.formula", help_text="the sum, in words")
    basis = serializers.CharField(
        source="line.basis",
        help_text=f"what the rate multiplies: one of {', '.join(BASES)}; blank on a paid line",
    )
    basis_value = ExactDecimalField(
        source="line.basis_value", allow_null=True, help_text="null on a paid line"
    )
    basis_as_at = serializers.DateField(
        source="line.basis_as_at", allow_null=True, help_text="the figure's extract date"
    )
    basis_source = serializers.CharField(
        source="line.basis_source", help_text='where the figure comes from; "as paid" if paid'
    )
    rate = serializers.SerializerMethodField(help_text="null on a paid line (see its formula)")
    per = serializers.CharField(
        source="line.per", help_text=f"one of {', '.join(PERS)}; blank on a paid line"
    )
    version = serializers.CharField(source="line.version", help_text="the rate version's label")
    rate_status = serializers.CharField(
        source="line.rate_status",
        help_text=f"one of {', '.join(STATUSES)}; blank on a paid line",
    )
    rate_note = serializers.CharField(source="line.rate_note")
    rate_source = serializers.CharField(source="line.rate_source")

    @extend_schema_field(_rate_value(allow_null=True))
    def get_rate(self, item):
        if not item.line.per:  # shown as paid: the stored line keeps no rate of its own
            return None
        return _rate_value().to_representation(item.line.rate)


class PaymentScheduleSerializer(serializers.Serializer):
    scope = OrganisationBriefSerializer(help_text="the PCN or area asked about")
    year = serializers.CharField(help_text="e.g. 2019/20")
    known_on = serializers.DateField(help_text="the rates known on this day were used")
    total = _money(
        help_text="the sum of the lines shown that have an amount, in pounds; it excludes "
        "those in cannot_be_calculated and withheld"
    )
    total_note = serializers.CharField(
        help_text='e.g. "excluding 1 entitlement that cannot be calculated"; blank when none'
    )
    cannot_be_calculated_count = serializers.IntegerField(
        help_text="how many of the lines shown cannot be calculated"
    )
    cannot_be_calculated = PaymentLineSerializer(
        many=True, help_text="the lines shown that cannot be calculated, each with its reason"
    )
    withheld_count = serializers.IntegerField(help_text="how many of the lines shown are withheld")
    withheld = PaymentLineSerializer(
        many=True, help_text="the lines shown that are withheld, each with its reason"
    )
    months = serializers.ListField(child=serializers.DateField(), help_text="the year's months")
    lines = PaymentLineSerializer(many=True, help_text="by PCN, payee, month and entitlement")


class PaymentMarkPaidSerializer(serializers.Serializer):
    month = serializers.DateField(
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": DATE_MESSAGE},
        help_text="a day in the month to mark paid, YYYY-MM-DD (the first, by custom)",
    )


class PaymentPaidSerializer(serializers.Serializer):
    pcn = serializers.CharField(help_text="ODS code")
    month = serializers.DateField(help_text="the first of the month marked paid")
    lines = serializers.IntegerField(help_text="how many lines were stored as paid")


class PaymentErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="what was refused and why, in one sentence")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="messages by field; non_field_errors for the rest",
    )


class PaymentRefusalSerializer(serializers.Serializer):
    detail = serializers.CharField()


def _arrs_money(help_text: str):
    return _money(allow_null=True, help_text=help_text)


class ArrsBudgetSerializer(serializers.Serializer):
    """One payments.arrs.Budget: a network's pot for the year against its claims."""

    key = serializers.CharField(help_text='the pot: "main" (the ARR Sum or 2019/20 entitlement)')
    label = serializers.CharField()
    sum = _arrs_money("the pot in pounds; null when it cannot be calculated (see cannot)")
    sum_formula = serializers.CharField(help_text="how the sum was worked out, or why it cannot")
    claimed = _money(help_text="claims made so far for the year")
    committed = _money(help_text="the staff in post's months to come")
    remaining = _arrs_money("sum less claimed and committed; null with the sum")
    projected = _arrs_money("claimed plus the latest month's claims to 31 March")
    underspend = _arrs_money("sum less projected (negative: a projected overspend)")
    cannot = serializers.CharField(help_text='"cannot be calculated: reason", or blank')
    warnings = serializers.ListField(child=serializers.CharField())


class ArrsNetworkSerializer(serializers.Serializer):
    pcn = OrganisationBriefSerializer()
    budgets = ArrsBudgetSerializer(many=True)


class ArrsTotalSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    figures = serializers.DictField(
        child=serializers.DecimalField(max_digits=14, decimal_places=2),
        help_text="sum, claimed, committed, remaining, projected, underspend over the networks "
        "that have them",
    )
    cannot_be_calculated_count = serializers.IntegerField(
        source="cannot", help_text="networks whose sum cannot be calculated, left out of it"
    )


class ArrsReportSerializer(serializers.Serializer):
    scope = OrganisationBriefSerializer()
    year = serializers.CharField()
    projection_rule = serializers.CharField()
    networks = ArrsNetworkSerializer(many=True)
    totals = ArrsTotalSerializer(many=True)


class RateSerializer(serializers.ModelSerializer):
    value = _rate_value(help_text="pounds per unit, as a string")
    # Plain strings: as enums they would share names (status, basis) with other components.
    per = serializers.CharField(read_only=True, help_text=f"one of {', '.join(PERS)}")
    basis = serializers.CharField(read_only=True, help_text=f"one of {', '.join(BASES)}")
    status = serializers.CharField(read_only=True, help_text=f"one of {', '.join(STATUSES)}")

    class Meta:
        model = Rate
        fields = list(RATE_FIELDS)
        read_only_fields = fields


class RateVersionSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(
        source="created_by.username",
        allow_null=True,
        read_only=True,
        help_text="username; null for a version shipped in payments/rates/",
    )
    rates = RateSerializer(many=True, read_only=True)

    class Meta:
        model = RateVersion
        fields = [
            "year",
            "label",
            "published",
            "effective_from",
            "source",
            "from_file",
            "created_by",
            "created_at",
            "rates",
        ]
        read_only_fields = fields


# Views


class PaymentViewSet(AsAtMixin, viewsets.ViewSet):
    """Schedules for a PCN, commissioner, ICS or region within the user's VIEW_REGISTRY scope
    (others answer 404); marking a PCN's month paid for MANAGE_PAYMENTS."""

    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def scope(self, code: str) -> Organisation:
        org = Organisation.objects.filter(code=code.strip().upper(), kind__in=SCOPE_KINDS).first()
        if org is None or not has_permission(self.request.user, Permission.VIEW_REGISTRY, org):
            raise exceptions.NotFound("No PCN or area matches the given code in your scope.")
        return org

    @extend_schema(
        summary="A PCN's or an area's payment schedule for a year",
        description="Every monthly line the rates give (known on `as_at`), with its formula, "
        "population, rate, version and source; months already marked paid as they were paid, "
        "and arrears (or recoveries) where the rates have changed since, in the next month "
        "not yet paid. Each line has the month it is for and the month it is paid in. "
        "For an area, the lines of every PCN under it during the year.",
        parameters=[CODE, YEAR, PAYEE, MONTH, KNOWN_ON],
        responses={
            200: PaymentScheduleSerializer,
            400: OpenApiResponse(
                OpenApiTypes.OBJECT, description="a missing or unknown year, or a bad filter"
            ),
            404: OpenApiResponse(
                PaymentRefusalSerializer, description="no such PCN or area in your scope"
            ),
        },
    )
    def retrieve(self, request, code=None):
        org = self.scope(code)
        year = year_from(request)
        month = month_from(request, year)
        payee = request.query_params.get("payee", "").strip().upper()
        found = schedule(pcns_in(org, year), year, known_on=self.as_at)
        lines = [
            item
            for item in found.lines
            if (not payee or item.line.payee.code == payee)
            and (month is None or item.paid_month == month)
        ]
        missing = [item for item in lines if not item.calculable]
        withheld = [item for item in lines if item.withheld]
        body = {
            "scope": org,
            "year": year,
            "known_on": found.known_on,
            "total": sum((item.line.amount for item in lines if item.payable), Decimal("0.00")),
            "total_note": missing_words(len(missing), len(withheld)),
            "cannot_be_calculated_count": len(missing),
            "cannot_be_calculated": missing,
            "withheld_count": len(withheld),
            "withheld": withheld,
            "months": found.months,
            "lines": lines,
        }
        return Response(PaymentScheduleSerializer(body).data)

    @extend_schema(
        summary="Mark a PCN's month paid",
        description="For commissioner finance (MANAGE_PAYMENTS on the PCN). The month's lines, "
        "arrears included, are stored as they are now and never change after; a later rate "
        "revision shows as arrears in a month not yet paid. A month already paid, or in a "
        "year with no rates on file, answers 400.",
        request=PaymentMarkPaidSerializer,
        parameters=[CODE, ACCEPTED_AS_AT],
        responses={
            201: PaymentPaidSerializer,
            400: OpenApiResponse(
                PaymentErrorSerializer,
                description="a malformed body, a month already paid or without rates, or an "
                "area rather than a PCN",
            ),
            403: OpenApiResponse(
                PaymentRefusalSerializer, description="visible, but not yours to mark paid"
            ),
            404: OpenApiResponse(
                PaymentRefusalSerializer, description="no such PCN or area in your scope"
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def paid(self, request, code=None):
        org = self.scope(code)
        if not has_permission(request.user, Permission.MANAGE_PAYMENTS, org):
            return Response(
                {"detail": f"you may not mark payments for {org.code}"},
                status=status.HTTP_403_FORBIDDEN,
            )
        body = PaymentMarkPaidSerializer(data=request.data)
        if not body.is_valid():
            return Response(
                {"detail": "the request body is not valid", "errors": body.errors},
                status=status.HTTP_400_BAD_REQUEST,
            )
        month = body.validated_data["month"]
        try:
            if org.kind != OrgKind.PCN:
                raise ValidationError(
                    f"payments are marked paid one PCN at a time; {org.code} is "
                    f"{org.get_kind_display().lower()}, not a PCN"
                )
            paid = mark_paid(pcn=org, month=month, by=request.user)
        except PermissionDenied as error:
            return Response({"detail": str(error)}, status=status.HTTP_403_FORBIDDEN)
        except ValidationError as error:
            return Response(step_errors(error), status=status.HTTP_400_BAD_REQUEST)
        body = {"pcn": org.code, "month": paid.month, "lines": paid.lines.count()}
        return Response(PaymentPaidSerializer(body).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="ARRS budgets for a PCN or an area",
        description="Each network's budgets for the year (the 2019/20 entitlement or the ARR "
        "Sum, and the ring-fenced GP ARRS sum from October 2024) with claimed, committed, "
        "remaining, projected and the projected underspend, and totals per budget. A sum "
        "that cannot be calculated is null with its reason and is left out of the totals, "
        "which count it. A PCN's budget is for whoever may view it; an area's for "
        "commissioners and finance over it (403 otherwise).",
        parameters=[CODE, ARRS_YEAR, ARRS_ON],
        responses={
            200: ArrsReportSerializer,
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="a missing or unknown year"),
            403: OpenApiResponse(
                PaymentRefusalSerializer, description="visible, but not yours to see"
            ),
            404: OpenApiResponse(
                PaymentRefusalSerializer, description="no such PCN or area in your scope"
            ),
        },
    )
    @action(detail=True, methods=["get"])
    def arrs(self, request, code=None):
        org = self.scope(code)
        if not may_see(request.user, org):
            return Response(
                {"detail": f"you may not see the ARRS budgets of {org.code}"},
                status=status.HTTP_403_FORBIDDEN,
            )
        years = scheme()[1]
        asked = request.query_params.get("year", "").strip()
        if asked not in years:
            raise exceptions.ValidationError(
                {"year": [f"Give a year with ARRS rules as ?year=, one of: {', '.join(years)}."]}
            )
        report = area_arrs(pcns_in(org, asked), asked, on=self.as_at)
        body = {
            "scope": org,
            "year": asked,
            "projection_rule": PROJECTION_RULE,
            "networks": [{"pcn": n.pcn, "budgets": n.budgets} for n in report.networks],
            "totals": list(report.totals.values()),
        }
        return Response(ArrsReportSerializer(body).data)


class ViewsSomewhere(permissions.IsAuthenticated):
    """Signed in and holding VIEW_REGISTRY over some organisation (or all of England)."""

    def has_permission(self, request, view):
        return super().has_permission(request, view) and holds_anywhere(
            request.user, Permission.VIEW_REGISTRY
        )


class RateVersionListView(AsAtMixin, views.APIView):
    """Rates are published national figures: anyone who may view some part of the registry
    reads them all, as on the rates page; others get 403."""

    permission_classes = [ViewsSomewhere]

    @extend_schema(
        summary="A year's rate versions with their rates",
        description="In chain order (oldest published first): the DES as published, then any "
        "approved revision, which supersedes the earlier versions for the entitlements it names, "
        "from its effective-from date, for calculations made on or after its published date. A "
        "proposal awaiting its second approver is not listed.",
        parameters=[YEAR, PUBLISHED_BY],
        responses={
            200: RateVersionSerializer(many=True),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="a missing or unknown year"),
            403: OpenApiResponse(PaymentRefusalSerializer, description="no role to view with"),
        },
    )
    def get(self, request):
        year = year_from(request)
        versions = (
            RateVersion.objects.filter(year=year, status=RevisionStatus.APPROVED)
            .select_related("created_by")
            .prefetch_related("rates")
            .order_by("published", "pk")
        )
        # Absent as_at (today) would hide a revision published ahead, so only a date narrows.
        if request.query_params.get("as_at"):
            versions = versions.filter(published__lte=self.as_at)
        return Response(RateVersionSerializer(versions, many=True).data)

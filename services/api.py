"""Read-only REST API over service roll-out, as it stood on ?as_at= (default today): the
service catalogue, practices' sign-up statuses, the extended access provision standing, and
an area's roll-out summary.

Scope is the one access rule (accounts.permissions): only practices and providers the user
may view (VIEW_REGISTRY) are listed, whatever the area and date (a PCN's or a practice's own
staff get the practices that are theirs now, not one that has since moved away), and an
?area= out of scope answers 404 as the pages do.
The as-at rules live in services.queries; these views only pick and shape the rows. Figures
are strings with two decimal places, never floats.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import Permission, has_permission, scope_filter
from organisations.api import AS_AT, AsAtMixin, OrganisationBriefSerializer
from organisations.models import Organisation
from payments.rates import STATUSES
from services.catalogue import services
from services.models import Provision, SignUp, SignUpStatus
from services.queries import (
    NOT_RECORDED,
    SERVICE_AREA_KINDS,
    area_practices,
    count,
    extended_access,
    provisions_on,
    standing_signups,
)

AREA = OpenApiParameter(
    "area",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    description="ODS code of a region, ICS, commissioner or PCN: keep its practices on `as_at`. "
    "All of England (within your scope) when absent; unknown or out of scope answers 404.",
)
SERVICE = OpenApiParameter(
    "service",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    description="Keep one service, by its key (see /api/services/); unknown answers 400.",
)


def area_from(request, *, required: bool = False) -> Organisation | None:
    code = request.query_params.get("area", "").strip().upper()
    if not code:
        if required and not has_permission(request.user, Permission.VIEW_REGISTRY):
            raise exceptions.NotFound("Give an area you may see as ?area=")
        return None
    org = Organisation.objects.filter(code=code, kind__in=SERVICE_AREA_KINDS).first()
    if org is None or not has_permission(request.user, Permission.VIEW_REGISTRY, org):
        raise exceptions.NotFound(f"No region, ICS, commissioner or PCN {code} for you")
    return org


def visible_practices(user, area, day) -> set[int]:
    """The area's practices on the day (England: all) that the user may view: for a PCN's or
    a practice's own staff, those that are theirs now, whatever the day asked about."""
    return area_practices(area, day, scope_filter(user, Permission.VIEW_REGISTRY))


def _figure(**kwargs):
    return serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, allow_null=True, **kwargs
    )


class ServiceSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    source = serializers.CharField(help_text="the document that asks for it")
    status = serializers.CharField(
        help_text=f"how sure the source is: one of {', '.join(STATUSES)}"
    )
    note = serializers.CharField()


class SignUpSerializer(serializers.Serializer):
    practice = OrganisationBriefSerializer()
    service = serializers.CharField()
    status = serializers.ChoiceField(choices=SignUpStatus.choices)
    valid_from = serializers.DateField(help_text="the status holds from this date")
    note = serializers.CharField()


class ProvisionSerializer(serializers.Serializer):
    provider = OrganisationBriefSerializer()
    scheme = serializers.CharField(
        help_text="the access scheme the record counts towards: ccg_extended_access, "
        "extended_hours or enhanced_access (services.toml [[schemes]])"
    )
    scheme_name = serializers.CharField()
    valid_from = serializers.DateField()
    evening_minutes = serializers.IntegerField(help_text="a week")
    weekend_minutes = serializers.IntegerField(help_text="a week")
    minutes = serializers.IntegerField(help_text="evening and weekend, a week")
    description = serializers.CharField()
    practices = serializers.SerializerMethodField(
        help_text="ODS codes of the practices covered on `as_at` (a PCN's: its members then) "
        "that you may view"
    )
    patients = serializers.IntegerField(help_text="registered at the practices covered")
    minutes_per_1000 = _figure(source="per_1000")

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_practices(self, row) -> list[str]:
        codes = self.context["codes"]
        return [codes[p] for p in row.covered if p in codes]


class ServiceCountSerializer(serializers.Serializer):
    key = serializers.CharField(source="service.key")
    name = serializers.CharField(source="service.name")
    practices = serializers.IntegerField(help_text="open in the area on `as_at`")
    signed_up = serializers.IntegerField(help_text="signed up or live")
    pct = _figure(help_text="signed up or live, % of practices")
    by_status = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="practices at each status; `not_recorded` for those with no record",
    )


class ThresholdSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    minutes_per_1000 = serializers.IntegerField()
    population = serializers.CharField()
    source = serializers.CharField()
    status = serializers.CharField(
        help_text=f"how sure the source is: one of {', '.join(STATUSES)}"
    )
    note = serializers.CharField()


class AccessSerializer(serializers.Serializer):
    practices = serializers.IntegerField()
    patients = serializers.IntegerField()
    covered_practices = serializers.IntegerField()
    covered_patients = serializers.IntegerField()
    pct = _figure(help_text="% of the area's patients in practices with extended access")
    minutes = _figure(help_text="the area's share of the weekly minutes standing")
    minutes_per_1000 = _figure(source="per_1000", help_text="per 1,000 patients a week")
    thresholds = ThresholdSerializer(many=True, help_text="in force on `as_at`")


class RollOutSerializer(serializers.Serializer):
    area = OrganisationBriefSerializer(allow_null=True, help_text="null: England")
    as_at = serializers.DateField()
    services = ServiceCountSerializer(many=True)
    extended_access = AccessSerializer()


@extend_schema(
    summary="The services whose roll-out PCN Hub tracks",
    description="From services/services.toml, each with the document that asks for it.",
    parameters=[AS_AT],
    responses=ServiceSerializer(many=True),
)
class ServiceListView(AsAtMixin, APIView):
    def get(self, request):
        return Response(ServiceSerializer(services().values(), many=True).data)


@extend_schema(
    summary="Practices' sign-up status for each service on `as_at`",
    description="Each practice's latest record on or before `as_at` for each service; a "
    "practice with no record for a service is left out. Ordered by practice code.",
    parameters=[AS_AT, AREA, SERVICE],
)
class SignUpListView(AsAtMixin, generics.ListAPIView):
    serializer_class = SignUpSerializer
    queryset = SignUp.objects.none()  # names the model for the schema; rows come from queries

    def list(self, request, *args, **kwargs):
        wanted = request.query_params.get("service") or None
        if wanted is not None and wanted not in services():
            known = ", ".join(services())
            raise exceptions.ValidationError({"service": [f"Not a service on file: {known}."]})
        practice_ids = visible_practices(request.user, area_from(request), self.as_at)
        standing = standing_signups(practice_ids, self.as_at, wanted) if practice_ids else {}
        practices = Organisation.objects.in_bulk({p for p, _ in standing})
        order = list(services())
        rows = [
            {
                "practice": practices[p],
                "service": key,
                "status": found.status,
                "valid_from": found.valid_from,
                "note": found.note,
            }
            for (p, key), found in sorted(
                standing.items(), key=lambda i: (practices[i[0][0]].code, order.index(i[0][1]))
            )
        ]
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema(
    summary="Extended access standing on `as_at`",
    description="Each provider's latest provision record of each access scheme running on "
    "`as_at`, on or before it, that has minutes and covers practices of the area then "
    "(England: within your scope), by provider name and scheme.",
    parameters=[AS_AT, AREA],
)
class ProvisionListView(AsAtMixin, generics.ListAPIView):
    serializer_class = ProvisionSerializer
    queryset = Provision.objects.none()  # names the model for the schema; rows come from queries

    def list(self, request, *args, **kwargs):
        practice_ids = visible_practices(request.user, area_from(request), self.as_at)
        rows = provisions_on(self.as_at, practice_ids) if practice_ids else []
        covered = {p for row in rows for p in row.covered}
        codes = dict(  # a practice covered that the user may not view goes unnamed
            Organisation.objects.filter(
                scope_filter(request.user, Permission.VIEW_REGISTRY), pk__in=covered
            ).values_list("pk", "code")
        )
        page = self.paginate_queryset(rows)
        context = {**self.get_serializer_context(), "codes": codes}
        body = self.get_serializer(page, many=True, context=context)
        return self.get_paginated_response(body.data)


@extend_schema(
    summary="An area's service roll-out on `as_at`",
    description="Per service, the practices at each status and the share signed up or live; "
    "the share of patients with extended access and the minutes per 1,000 patients a week, "
    "with the thresholds in force (services.queries gives the formulas). England when no "
    "area is given, for those who may see it.",
    parameters=[AS_AT, AREA],
    responses=RollOutSerializer,
)
class RollOutView(AsAtMixin, APIView):
    def get(self, request):
        area = area_from(request, required=True)
        practice_ids = visible_practices(request.user, area, self.as_at)
        counts = count(practice_ids, standing_signups(practice_ids, self.as_at))
        for item in counts:
            item.by_status["not_recorded"] = item.by_status.pop(NOT_RECORDED)
        body = {
            "area": area,
            "as_at": self.as_at,
            "services": counts,
            "extended_access": extended_access(
                area, self.as_at, scope_filter(request.user, Permission.VIEW_REGISTRY)
            ),
        }
        return Response(RollOutSerializer(body).data)

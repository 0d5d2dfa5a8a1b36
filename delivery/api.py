"""REST API over plans: programmes with every deliverable, key action and milestone, each
with its standing status and why (read on `as_at`); outcome measures with plan against actual
and RAG; and the two things owners do most, reporting an action's status and marking a
milestone done.

Scope is the plan pages' rule: a programme is visible to whoever may view one of the
organisations it covers, and an action also to its owners; anything else answers 404. Writes
go through delivery.actions, which decide who may act (403 when visible but not theirs) and
refuse bad input (400 with the reasons).
"""

from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from delivery import actions
from delivery.measures import rows as measure_rows
from delivery.models import Action, Milestone, Programme, Status
from delivery.plan import load
from delivery.views.plans import visible_programmes
from organisations.api import AsAtMixin, OrganisationBriefSerializer
from pcnhub.api import refusals, run_step
from registrations.api import ACCEPTED_AS_AT

STATUS_AS_AT = OpenApiParameter(
    "as_at",
    OpenApiTypes.DATE,
    OpenApiParameter.QUERY,
    description="The day statuses are read on (a milestone is late once its period has "
    "ended undone by then), as YYYY-MM-DD; today when absent. A malformed date answers 400.",
)


class MilestoneSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    period = serializers.CharField(help_text="as the plan names it, e.g. Q2 2019/20")
    start = serializers.DateField()
    end = serializers.DateField()
    description = serializers.CharField()
    done_on = serializers.DateField(allow_null=True)


class StandingSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)
    reason = serializers.CharField()
    source = serializers.ChoiceField(
        choices=["derived", "reported", "lapsed"],
        help_text="derived from the dates; a person's report that still holds; or the dates' "
        "reading after a report they have overtaken",
    )


class LatestReportSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)
    commentary = serializers.CharField()
    decision_needed = serializers.CharField()
    by = serializers.CharField()
    at = serializers.DateTimeField()


class ActionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    owners = serializers.ListField(child=serializers.CharField())
    depends_on = serializers.ListField(child=serializers.IntegerField())
    standing = StandingSerializer()
    derived_status = serializers.CharField(source="derived.status")
    latest = LatestReportSerializer(allow_null=True)
    milestones = MilestoneSerializer(many=True)


class DeliverableSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    reference = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    national_milestone = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    reason = serializers.CharField(source="derived.reason")
    actions = ActionSerializer(many=True)


class ProgrammeBriefSerializer(serializers.ModelSerializer):
    organisations = OrganisationBriefSerializer(many=True)
    sro = serializers.CharField(source="sro.name", allow_null=True, default=None)

    class Meta:
        model = Programme
        fields = ["id", "name", "description", "start", "end", "sro", "organisations"]


class PlanSerializer(serializers.Serializer):
    programme = ProgrammeBriefSerializer()
    as_at = serializers.DateField(source="today")
    counts = serializers.SerializerMethodField()
    deliverables = DeliverableSerializer(many=True)

    def get_counts(self, plan) -> dict[str, dict[str, int]]:
        return {"actions": plan.counts("actions"), "deliverables": plan.counts("deliverables")}


class MeasureRowSerializer(serializers.Serializer):
    period = serializers.CharField()
    end = serializers.DateField()
    planned = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    actual = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    rag = serializers.CharField(help_text="green, amber, red, or empty without both figures")
    source = serializers.CharField()


class MeasureSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="measure.pk")
    descriptor = serializers.CharField(source="measure.descriptor")
    unit = serializers.CharField(source="measure.unit")
    direction = serializers.CharField(source="measure.direction")
    baseline_value = serializers.DecimalField(
        source="measure.baseline_value", max_digits=12, decimal_places=2
    )
    baseline_date = serializers.DateField(source="measure.baseline_date")
    target_value = serializers.DecimalField(
        source="measure.target_value", max_digits=12, decimal_places=2
    )
    target_date = serializers.DateField(source="measure.target_date")
    tolerance = serializers.DecimalField(
        source="measure.tolerance", max_digits=12, decimal_places=2
    )
    computed = serializers.CharField(source="measure.computed")
    rows = MeasureRowSerializer(many=True)


class StatusReportSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)
    commentary = serializers.CharField()
    decision_needed = serializers.CharField(required=False, allow_blank=True, default="")


class DoneSerializer(serializers.Serializer):
    done_on = serializers.DateField()


@extend_schema_view(
    list=extend_schema(
        summary="Programmes the user may view",
        description="Those covering an organisation within the user's scope.",
        parameters=[ACCEPTED_AS_AT],
    )
)
class ProgrammeViewSet(AsAtMixin, viewsets.ReadOnlyModelViewSet):
    """Programmes covering an organisation the user may view."""

    def get_queryset(self):
        return visible_programmes(self.request.user).prefetch_related("organisations", "sro")

    def get_serializer_class(self):
        return ProgrammeBriefSerializer

    @extend_schema(
        summary="A programme's whole plan",
        description="Deliverables, key actions with owners, dependencies and milestones, each "
        "with its standing status and why, and counts by status.",
        parameters=[STATUS_AS_AT],
        responses={200: PlanSerializer},
    )
    def retrieve(self, request, *args, **kwargs):
        return Response(PlanSerializer(load(self.get_object(), self.as_at)).data)

    @extend_schema(
        summary="A programme's outcome measures",
        description="Each with its baseline, target and rows by period: plan, actual (entered "
        "with evidence or computed by PCN Hub) and RAG from the tolerance.",
        parameters=[STATUS_AS_AT],
        responses={200: MeasureSerializer(many=True)},
    )
    @action(detail=True, methods=["get"])
    def measures(self, request, pk=None):
        programme = self.get_object()
        found = [
            {"measure": m, "rows": measure_rows(m, self.as_at)}
            for m in programme.measures.prefetch_related("points")
        ]
        return Response(MeasureSerializer(found, many=True).data)


class ActionViewSet(AsAtMixin, viewsets.GenericViewSet):
    """Key actions, visible to their owners and to whoever may see their plan."""

    serializer_class = ActionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema has no user to scope by
            return Action.objects.none()
        visible = visible_programmes(self.request.user).values("pk")
        return Action.objects.filter(
            Q(deliverable__programme__in=visible) | Q(owners=self.request.user)
        ).distinct()

    def _row(self, action_obj):
        return load(action_obj.deliverable.programme, self.as_at).actions[action_obj.pk]

    @extend_schema(summary="One key action", parameters=[STATUS_AS_AT])
    def retrieve(self, request, *args, **kwargs):
        return Response(ActionSerializer(self._row(self.get_object())).data)

    @extend_schema(
        summary="Report a key action's status",
        description="For its owners and the programme office: a status with a comment (and "
        "what the board must decide, if anything). PCN Hub keeps its own reading beside it.",
        request=StatusReportSerializer,
        parameters=[STATUS_AS_AT],
        responses={200: ActionSerializer, **refusals("action")},
    )
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        found = self.get_object()
        refused = run_step(
            request,
            StatusReportSerializer,
            lambda data: actions.set_status(action=found, by=request.user, **data),
        )
        return refused or Response(ActionSerializer(self._row(found)).data)


class MilestoneViewSet(AsAtMixin, viewsets.GenericViewSet):
    serializer_class = MilestoneSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema has no user to scope by
            return Milestone.objects.none()
        visible = visible_programmes(self.request.user).values("pk")
        return Milestone.objects.filter(
            Q(action__deliverable__programme__in=visible) | Q(action__owners=self.request.user)
        ).distinct()

    @extend_schema(
        summary="Mark a milestone done",
        description="For the action's owners and the programme office; the day it was done, "
        "today or earlier.",
        request=DoneSerializer,
        parameters=[STATUS_AS_AT],
        responses={200: MilestoneSerializer, **refusals("milestone")},
    )
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        found = self.get_object()
        refused = run_step(
            request,
            DoneSerializer,
            lambda data: actions.complete_milestone(milestone=found, by=request.user, **data),
        )
        return refused or Response(MilestoneSerializer(found).data)

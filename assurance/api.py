"""REST API over assurance: the frameworks, a commissioner's rounds with every rating,
response and live figure (on ?as_at=), the steps of a round (open, rate, respond, review,
close), what changed since the last round, the signed snapshots, and roll-ups.

Scope is the one access rule (accounts.permissions): a round is visible when the user may view
its commissioner, and one out of scope answers 404. Every write goes through
assurance.actions, which checks who may act: a visible round the user may not act on answers
403, and a step the actions refuse answers 400 with the reasons.
"""

import django_filters as filters
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, serializers, status, views, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.permissions import Permission, has_permission, scope_filter
from assurance import actions
from assurance.figures import figures
from assurance.frameworks import DIRECTIONS, rating_label
from assurance.models import Framework, Rating, Requirement, Round
from assurance.rollup import rollup
from assurance.rounds import changes_since_previous, ratings_of
from assurance.views.decorators import visible_rounds, visible_snapshots
from delivery.measures import computed
from delivery.snapshots import intact
from organisations.api import AsAtMixin
from organisations.filters import DATE_MESSAGE, CodeFilter
from organisations.models import Organisation, OrgKind
from pcnhub.api import RefusalSerializer, StepErrorSerializer, refusals, run_step, step_errors
from pcnhub.nhs_calendar import month_of

FIGURES_AS_AT = OpenApiParameter(
    "as_at",
    OpenApiTypes.DATE,
    OpenApiParameter.QUERY,
    description="The day live figures are computed on, as YYYY-MM-DD; today when absent. The "
    "round itself is shown as it stands now. A malformed date answers 400.",
)
ACCEPTED_AS_AT = OpenApiParameter(
    "as_at",
    OpenApiTypes.DATE,
    OpenApiParameter.QUERY,
    description="Accepted as on every endpoint (a malformed date answers 400); it does not "
    "change the answer.",
)
ROLLUP_AS_AT = OpenApiParameter(
    "as_at",
    OpenApiTypes.DATE,
    OpenApiParameter.QUERY,
    description="Each commissioner's latest round submitted on or before this day, in the "
    "registry's hierarchy as it stood then, as YYYY-MM-DD; today when absent.",
)


# Serializers


class GradeSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class DeadlineSerializer(serializers.Serializer):
    due = serializers.DateField()
    what = serializers.CharField()


class MeasureLinkSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="a measure PCN Hub computes")
    label = serializers.CharField()
    target = serializers.DecimalField(
        max_digits=12, decimal_places=2, help_text="at least or at most, as `direction` says"
    )
    direction = serializers.ChoiceField(
        choices=list(DIRECTIONS), help_text="up: at least the target; down: at most"
    )
    by = serializers.DateField()


class RequirementSerializer(serializers.ModelSerializer):
    deadlines = DeadlineSerializer(many=True, read_only=True)
    measure = serializers.SerializerMethodField()

    class Meta:
        model = Requirement
        fields = ["key", "area", "title", "guidance", "source", "note", "deadlines", "measure"]

    @extend_schema_field(MeasureLinkSerializer(allow_null=True))
    def get_measure(self, requirement):
        if not requirement.measure_key:
            return None
        found = computed(requirement.measure_key)
        label = found.label if found else ""
        return MeasureLinkSerializer(
            {
                "key": requirement.measure_key,
                "label": label,
                "target": requirement.measure_target,
                "by": requirement.measure_by,
                "direction": requirement.measure_direction,
            }
        ).data


class FrameworkSerializer(serializers.ModelSerializer):
    grades = serializers.SerializerMethodField(help_text="the rating scale, best first")
    plan_months = serializers.SerializerMethodField(
        help_text="months planned actions are kept for, as YYYY-MM; empty when none"
    )
    requirements = serializers.SerializerMethodField()

    class Meta:
        model = Framework
        fields = [
            "key",
            "title",
            "publisher",
            "document",
            "year",
            "scale",
            "grades",
            "plan_months",
            "source",
            "note",
            "requirements",
        ]

    @extend_schema_field(GradeSerializer(many=True))
    def get_grades(self, framework):
        return GradeSerializer(framework.grades, many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_plan_months(self, framework):
        return [f"{m:%Y-%m}" for m in framework.plan_months()]

    @extend_schema_field(RequirementSerializer(many=True))
    def get_requirements(self, framework):
        current = [r for r in framework.requirements.all() if not r.withdrawn]
        return RequirementSerializer(current, many=True).data


class FigureSerializer(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    on = serializers.DateField()
    target = serializers.DecimalField(
        max_digits=12, decimal_places=2, help_text="at least or at most, as `direction` says"
    )
    direction = serializers.ChoiceField(
        choices=list(DIRECTIONS), help_text="up: at least the target; down: at most"
    )
    by = serializers.DateField()
    at_target_date = serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True, help_text="null until the date passes"
    )
    met = serializers.BooleanField(
        allow_null=True, help_text="on the target date once it has passed, else on `on`"
    )


class PlannedActionSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    text = serializers.CharField()


class RatingSerializer(serializers.ModelSerializer):
    """Needs `scale` and `figures` (by requirement id) in its context."""

    requirement = serializers.CharField(source="requirement.key", read_only=True)
    area = serializers.CharField(source="requirement.area", read_only=True)
    title = serializers.CharField(source="requirement.title", read_only=True)
    rating_label = serializers.SerializerMethodField()
    rated_by = serializers.CharField(source="rated_by.username", allow_null=True, read_only=True)
    responded_by = serializers.CharField(
        source="responded_by.username", allow_null=True, read_only=True
    )
    planned = serializers.SerializerMethodField()
    figure = serializers.SerializerMethodField(help_text="the live figure, for a measurable one")

    class Meta:
        model = Rating
        fields = [
            "requirement",
            "area",
            "title",
            "rating",
            "rating_label",
            "reasons",
            "reviewer_comments",
            "rated_by",
            "rated_at",
            "response",
            "actions",
            "expected_on",
            "expected_note",
            "responded_by",
            "responded_at",
            "planned",
            "figure",
        ]
        read_only_fields = fields

    def get_rating_label(self, rating) -> str:
        return rating_label(self.context["scale"], rating.rating)

    @extend_schema_field(PlannedActionSerializer(many=True))
    def get_planned(self, rating):
        items = [{"month": f"{p.month:%Y-%m}", "text": p.text} for p in rating.planned.all()]
        return PlannedActionSerializer(items, many=True).data

    @extend_schema_field(FigureSerializer(allow_null=True))
    def get_figure(self, rating):
        found = self.context["figures"].get(rating.requirement_id)
        if found is None:
            return None
        data = {name: getattr(found, name) for name in FigureSerializer().fields}
        return FigureSerializer(data).data


class CommissionerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["code", "name"]


class RoundSerializer(serializers.ModelSerializer):
    framework = serializers.CharField(source="framework.key", read_only=True)
    commissioner = CommissionerSerializer(read_only=True)
    overall_rating_label = serializers.SerializerMethodField()
    opened_by = serializers.CharField(source="opened_by.username", read_only=True)
    closed_by = serializers.CharField(source="closed_by.username", allow_null=True, read_only=True)
    rated = serializers.IntegerField(read_only=True, help_text="requirements rated so far")
    requirements = serializers.IntegerField(read_only=True, help_text="requirements in the round")

    class Meta:
        model = Round
        fields = [
            "id",
            "framework",
            "commissioner",
            "label",
            "submitted_on",
            "state",
            "previous",
            "overall_rating",
            "overall_rating_label",
            "overall_comments",
            "opened_by",
            "opened_at",
            "closed_by",
            "closed_at",
            "snapshot",
            "rated",
            "requirements",
        ]
        read_only_fields = fields

    def get_overall_rating_label(self, round) -> str:
        return rating_label(round.framework.scale, round.overall_rating)


class RoundDetailSerializer(RoundSerializer):
    ratings = serializers.SerializerMethodField()

    class Meta(RoundSerializer.Meta):
        fields = [*RoundSerializer.Meta.fields, "ratings"]
        read_only_fields = fields

    @extend_schema_field(RatingSerializer(many=True))
    def get_ratings(self, round):
        ratings = ratings_of(round)
        live = figures([r.requirement for r in ratings], round.commissioner, self.context["as_at"])
        context = {"scale": round.framework.scale, "figures": live}
        return RatingSerializer(ratings, many=True, context=context).data


class OpenRoundBodySerializer(serializers.Serializer):
    framework = serializers.CharField(help_text="the framework's key")
    commissioner = serializers.CharField(help_text="the commissioner's ODS code")
    label = serializers.CharField(help_text="e.g. 23 December submission")
    submitted_on = serializers.DateField(
        input_formats=["%Y-%m-%d"], error_messages={"invalid": DATE_MESSAGE}
    )
    carry_forward = serializers.BooleanField(
        default=True, help_text="copy the last round's responses, dates and planned actions"
    )


class RateBodySerializer(serializers.Serializer):
    requirement = serializers.CharField(help_text="a requirement key of the round's framework")
    rating = serializers.CharField(help_text="a value on the framework's scale, e.g. amber")
    reasons = serializers.CharField(allow_blank=True)
    reviewer_comments = serializers.CharField(required=False, allow_blank=True, default="")


class RespondBodySerializer(serializers.Serializer):
    requirement = serializers.CharField(help_text="a requirement key of the round's framework")
    response = serializers.CharField(allow_blank=True, help_text="why, and what is being done")
    actions = serializers.CharField(required=False, allow_blank=True, default="")
    expected_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": DATE_MESSAGE},
        help_text="when it expects to be fully assured",
    )
    expected_note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="e.g. when guidance is published"
    )
    planned = PlannedActionSerializer(
        many=True,
        required=False,
        help_text="planned actions by month (YYYY-MM); a blank text clears the month",
    )

    def validate_planned(self, items):
        found = {}
        for item in items:
            month = month_of(item["month"])
            if month is None:
                raise serializers.ValidationError(f"{item['month']!r}: give a month as YYYY-MM")
            found[month] = item["text"]
        return found


class ReviewBodySerializer(serializers.Serializer):
    overall_rating = serializers.CharField(allow_blank=True)
    overall_comments = serializers.CharField(allow_blank=True)


class CloseBodySerializer(serializers.Serializer):
    statement = serializers.CharField(help_text="what the signer attests")


class ChangeFieldSerializer(serializers.Serializer):
    field = serializers.CharField()
    before = serializers.CharField(allow_null=True)
    after = serializers.CharField(allow_null=True)


class RequirementChangeSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="a requirement key, or overall")
    title = serializers.CharField()
    before = serializers.CharField(allow_null=True, source="before.value", default=None)
    after = serializers.CharField(allow_null=True, source="after.value", default=None)
    movement = serializers.CharField(
        help_text="improved, worsened, unchanged, newly rated, not rated yet, not rated or new"
    )
    fields = ChangeFieldSerializer(many=True)


class RoundChangesSerializer(serializers.Serializer):
    previous = serializers.IntegerField(allow_null=True, help_text="the round before, if any")
    changes = RequirementChangeSerializer(many=True)


class SnapshotSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    subject = serializers.CharField(help_text="snapshots of one subject compare together")
    period = serializers.CharField()
    round = serializers.IntegerField(source="assurance_round.pk")
    signed_by = serializers.CharField(source="signed_by.username")
    signed_at = serializers.DateTimeField()
    statement = serializers.CharField()
    digest = serializers.CharField(help_text="SHA-256 of the content as signed")
    intact = serializers.SerializerMethodField(help_text="the content is still what was signed")
    content = serializers.JSONField(help_text="items keyed by requirement, each with its fields")

    def get_intact(self, snapshot) -> bool:
        return intact(snapshot)


class RollupCountSerializer(serializers.Serializer):
    requirement = serializers.CharField(source="requirement.key")
    title = serializers.CharField(source="requirement.title")
    counts = serializers.SerializerMethodField(help_text="commissioners per rating value")
    not_rated = serializers.IntegerField()
    no_round = serializers.IntegerField()

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_counts(self, count):
        return {found.value: number for found, number in count.counts}


class RollupLineSerializer(serializers.Serializer):
    commissioner = CommissionerSerializer()
    ics = CommissionerSerializer(allow_null=True)
    round = serializers.IntegerField(source="round.pk", allow_null=True, default=None)
    ratings = serializers.SerializerMethodField(help_text="by requirement key; null if not rated")

    @extend_schema_field(serializers.DictField(child=serializers.CharField(allow_null=True)))
    def get_ratings(self, line):
        keys = self.context["keys"]
        return {
            key: found.value if found else None
            for key, found in zip(keys, line.grades, strict=True)
        }


class RollupSerializer(serializers.Serializer):
    framework = serializers.CharField(source="framework.key")
    area = serializers.CharField(source="area.code", allow_null=True, default=None)
    as_at = serializers.DateField(source="day")
    counts = RollupCountSerializer(many=True)
    commissioners = RollupLineSerializer(many=True, source="lines")


STEP_RESPONSES = {200: RoundDetailSerializer, **refusals("round")}


# Filters


class RoundFilter(filters.FilterSet):
    commissioner = CodeFilter(field_name="commissioner__code", help_text="its ODS code")
    framework = filters.CharFilter(field_name="framework__key", help_text="the framework's key")
    state = filters.ChoiceFilter(choices=Round.State.choices)

    class Meta:
        model = Round
        fields = ["commissioner", "framework", "state"]


# Views


@extend_schema_view(
    list=extend_schema(summary="Assurance frameworks", parameters=[ACCEPTED_AS_AT]),
    retrieve=extend_schema(summary="One framework", parameters=[ACCEPTED_AS_AT]),
)
class FrameworkViewSet(AsAtMixin, viewsets.ReadOnlyModelViewSet):
    """Frameworks are national data: every signed-in user may read them."""

    serializer_class = FrameworkSerializer
    lookup_field = "key"
    queryset = Framework.objects.prefetch_related("requirements__deadlines")


@extend_schema_view(
    list=extend_schema(
        summary="Assurance rounds the user may view",
        description="Latest submission first, with how many requirements are rated.",
        parameters=[ACCEPTED_AS_AT],
    ),
    retrieve=extend_schema(
        summary="One round with every rating, response, planned action and live figure",
        parameters=[FIGURES_AS_AT],
    ),
)
class RoundViewSet(AsAtMixin, viewsets.ReadOnlyModelViewSet):
    """Rounds of commissioners within the user's VIEW_REGISTRY scope; others answer 404."""

    filterset_class = RoundFilter

    def get_serializer_class(self):
        return RoundSerializer if self.action == "list" else RoundDetailSerializer

    def get_queryset(self):
        return (
            visible_rounds(self.request.user)
            .select_related("framework", "commissioner", "opened_by", "closed_by")
            .annotate(
                requirements=Count("ratings"), rated=Count("ratings", filter=~Q(ratings__rating=""))
            )
            .order_by("-submitted_on", "commissioner__code")
        )

    def _shown(self, round):
        found = self.get_queryset().get(pk=round.pk)
        return Response(self.get_serializer(found).data)

    def step(self, request, body_class, run):
        """Load within scope (else 404), check the body, run the action, show the round."""
        round = self.get_object()
        refused = run_step(request, body_class, lambda data: run(round, data))
        return refused or self._shown(round)

    @extend_schema(
        summary="Open a round (a new submission)",
        description="For NHS England's assurance team (RATE_ASSURANCE) or the commissioner's "
        "own team (RESPOND_ASSURANCE). The last round against the framework must be closed.",
        request=OpenRoundBodySerializer,
        parameters=[FIGURES_AS_AT],
        responses={
            201: RoundDetailSerializer,
            **{k: v for k, v in STEP_RESPONSES.items() if k != 200},
        },
    )
    def create(self, request, *args, **kwargs):
        body = OpenRoundBodySerializer(data=request.data)
        if not body.is_valid():
            return Response(
                {"detail": "the request body is not valid", "errors": body.errors},
                status=status.HTTP_400_BAD_REQUEST,
            )
        data = body.validated_data
        framework = Framework.objects.filter(key=data["framework"]).first()
        commissioner = Organisation.objects.filter(
            code=data["commissioner"].strip().upper(), kind=OrgKind.COMMISSIONER
        ).first()
        errors = {}
        if framework is None:
            errors["framework"] = [f"no framework with key {data['framework']!r}"]
        if commissioner is None or not has_permission(
            request.user, Permission.VIEW_REGISTRY, commissioner
        ):
            errors["commissioner"] = [f"no commissioner {data['commissioner']!r} in your scope"]
        if errors:
            return Response(
                {"detail": "; ".join(m for ms in errors.values() for m in ms), "errors": errors},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            opened = actions.open_round(
                framework=framework,
                commissioner=commissioner,
                label=data["label"],
                submitted_on=data["submitted_on"],
                carry_forward=data["carry_forward"],
                by=request.user,
            )
        except PermissionDenied as error:
            return Response({"detail": str(error)}, status=status.HTTP_403_FORBIDDEN)
        except ValidationError as error:
            return Response(step_errors(error), status=status.HTTP_400_BAD_REQUEST)
        found = self.get_queryset().get(pk=opened.pk)
        return Response(self.get_serializer(found).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Rate one requirement",
        description="For NHS England's assurance team (RATE_ASSURANCE over the commissioner). "
        "A requirement outside the round's framework, or a rating off its scale, answers 400.",
        request=RateBodySerializer,
        parameters=[FIGURES_AS_AT],
        responses=STEP_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        return self.step(
            request,
            RateBodySerializer,
            lambda r, data: actions.rate(round=r, by=request.user, **data),
        )

    @extend_schema(
        summary="Respond to one requirement",
        description="For the commissioner's own team (RESPOND_ASSURANCE): its response, "
        "actions, expected date or note, and planned actions by month.",
        request=RespondBodySerializer,
        parameters=[FIGURES_AS_AT],
        responses=STEP_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        return self.step(
            request,
            RespondBodySerializer,
            lambda r, data: actions.respond(round=r, by=request.user, **data),
        )

    @extend_schema(
        summary="The reviewer's overall rating and comments",
        description="For NHS England's assurance team (RATE_ASSURANCE).",
        request=ReviewBodySerializer,
        parameters=[FIGURES_AS_AT],
        responses=STEP_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        return self.step(
            request,
            ReviewBodySerializer,
            lambda r, data: actions.review_round(round=r, by=request.user, **data),
        )

    @extend_schema(
        summary="Close and sign the round",
        description="For NHS England's assurance team, once every requirement is rated: "
        "freezes a signed snapshot that later edits cannot change.",
        request=CloseBodySerializer,
        parameters=[FIGURES_AS_AT],
        responses=STEP_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self.step(
            request,
            CloseBodySerializer,
            lambda r, data: actions.close_round(round=r, by=request.user, **data),
        )

    @extend_schema(
        summary="What changed since the commissioner's last round",
        parameters=[ACCEPTED_AS_AT],
        responses={200: RoundChangesSerializer},
    )
    @action(detail=True, methods=["get"])
    def changes(self, request, pk=None):
        previous, changes = changes_since_previous(self.get_object())
        data = {"previous": previous.pk if previous else None, "changes": changes}
        return Response(RoundChangesSerializer(data).data)


@extend_schema_view(
    list=extend_schema(
        summary="Signed snapshots of rounds the user may view", parameters=[ACCEPTED_AS_AT]
    ),
    retrieve=extend_schema(summary="One signed snapshot", parameters=[ACCEPTED_AS_AT]),
)
class SnapshotViewSet(AsAtMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = SnapshotSerializer

    def get_queryset(self):
        return visible_snapshots(self.request.user).select_related("signed_by", "assurance_round")


class RollupView(AsAtMixin, views.APIView):
    @extend_schema(
        summary="Ratings per requirement across an area's commissioners",
        description="Each commissioner's latest round against the framework, for an ICS, a "
        "region or (without `area`) England. Out of scope answers 404.",
        parameters=[
            ROLLUP_AS_AT,
            OpenApiParameter("framework", OpenApiTypes.STR, required=True, description="its key"),
            OpenApiParameter("area", OpenApiTypes.STR, description="an ICS's or region's ODS code"),
        ],
        responses={200: RollupSerializer, 400: StepErrorSerializer, 404: RefusalSerializer},
    )
    def get(self, request):
        key = request.query_params.get("framework", "")
        framework = Framework.objects.filter(key=key).first()
        if framework is None:
            known = ", ".join(Framework.objects.values_list("key", flat=True))
            raise exceptions.ValidationError({"framework": [f"give ?framework=, one of: {known}"]})
        code = request.query_params.get("area", "").strip().upper()
        area = None
        if code:
            area = Organisation.objects.filter(
                code=code, kind__in=[OrgKind.ICS, OrgKind.REGION]
            ).first()
            if area is None or not has_permission(request.user, Permission.VIEW_REGISTRY, area):
                raise exceptions.NotFound(f"no ICS or region {code} in your scope")
        elif not has_permission(request.user, Permission.VIEW_REGISTRY):
            raise exceptions.NotFound("England is not in your scope: give ?area=")
        within = scope_filter(request.user, Permission.VIEW_REGISTRY)
        found = rollup(framework, area, self.as_at, within)
        context = {"keys": [r.key for r in found.requirements]}
        return Response(RollupSerializer(found, context=context).data)

"""REST API over DES registrations: read them with their rule results, and move them through
the workflow (submit, review, decide, assure).

Scope is the one access rule (accounts.permissions): a registration is visible when the user
may view its PCN, and one out of scope answers 404. Every write goes through
registrations.actions, which checks who may act: a visible registration the user may not
act on answers 403, and a step the rules refuse answers 400 with the reasons. Bank details
are shown masked; in full only to finance, through reveal_bank_details, which records the
look.
"""

import django_filters as filters
from django.db.models import Prefetch
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.permissions import Permission, has_permission, scope_filter
from organisations.api import AsAtMixin
from organisations.filters import DATE_MESSAGE, CodeFilter
from organisations.models import Organisation
from pcnhub.api import RefusalSerializer, refusals, run_step
from registrations import actions
from registrations.facts import current_members, gather, with_members
from registrations.models import (
    Registration,
    RegistrationMember,
    Status,
    Transition,
)
from registrations.rules import Result, check, uncalculable
from registrations.years import des_year, des_years

RULES_AS_AT = OpenApiParameter(
    "as_at",
    OpenApiTypes.DATE,
    OpenApiParameter.QUERY,
    description="The day the rules are checked on (document deadlines are judged against "
    "it), as YYYY-MM-DD; today when absent. The registration itself is shown as it stands "
    "now. A malformed date answers 400.",
)
ACCEPTED_AS_AT = OpenApiParameter(
    "as_at",
    OpenApiTypes.DATE,
    OpenApiParameter.QUERY,
    description="Accepted as on every endpoint (a malformed date answers 400); it does not "
    "change the answer.",
)


# Filters


class RegistrationFilter(filters.FilterSet):
    des_year = filters.ChoiceFilter(
        choices=lambda: [(label, label) for label in des_years()], help_text="e.g. 2019/20"
    )
    status = filters.ChoiceFilter(choices=Status.choices)
    commissioner = CodeFilter(
        field_name="commissioner__code", help_text="ODS code of the registering commissioner"
    )
    pcn = CodeFilter(field_name="pcn__code", help_text="ODS code of the PCN")

    class Meta:
        model = Registration
        fields = ["des_year", "status", "commissioner", "pcn"]


# Serializers


class WorkflowStatusField(serializers.ChoiceField):
    """A registration's workflow status (blank allowed for a transition's from_status)."""

    def __init__(self, **kwargs):
        super().__init__(choices=Status.choices, **kwargs)


class WorkflowStatusFieldExtension(OpenApiSerializerFieldExtension):
    """Documents every workflow status as one RegistrationStatusEnum component. Left inline,
    drf-spectacular's enum naming would see the same choices under three names (status,
    from_status, to_status) and a second `status` enum beside the import runs' one, and warn."""

    target_class = WorkflowStatusField

    def map_serializer_field(self, auto_schema, direction):
        component = ResolvedComponent(
            name="RegistrationStatusEnum",
            type=ResolvedComponent.SCHEMA,
            object=WorkflowStatusField,
            schema={
                "type": "string",
                "enum": [s.value for s in Status],
                "description": "\n".join(f"* `{s.value}` - {s.label}" for s in Status),
            },
        )
        auto_schema.registry.register_on_missing(component)
        if self.target.allow_blank:
            return {"oneOf": [component.ref, {"type": "string", "enum": [""]}]}
        return component.ref


class RegisteredOrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["code", "name"]


class RegistrationMemberSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="practice.code", read_only=True, help_text="ODS code")
    name = serializers.CharField(source="practice.name", read_only=True)

    class Meta:
        model = RegistrationMember
        fields = [
            "code",
            "name",
            "list_size",
            "list_size_date",
            "list_size_basis",
            "list_size_source",
            "variation_status",
        ]
        extra_kwargs = {
            "list_size": {
                "help_text": "frozen from the registry by the population rule on submission; "
                "null before, or when the practice had no registered list on or before the "
                "year's list-size date"
            },
            "list_size_date": {"help_text": "the date the frozen figure is of"},
            "list_size_basis": {
                "help_text": "the rule's words, e.g. 'QOF list size at 1 Jan 2019', or why "
                "there is none"
            },
            "list_size_source": {"help_text": "the file the frozen figure came from"},
        }


class RuleResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    result = serializers.ChoiceField(choices=[(r.value, r.value) for r in Result])
    reason = serializers.CharField(help_text="in plain English")
    source = serializers.CharField(help_text="where the rule comes from")


class RegistrationTransitionSerializer(serializers.ModelSerializer):
    from_status = WorkflowStatusField(
        allow_blank=True, read_only=True, help_text="blank for the step that created it"
    )
    to_status = WorkflowStatusField(read_only=True)
    by = serializers.CharField(
        source="by.username", allow_null=True, read_only=True, help_text="username"
    )

    class Meta:
        model = Transition
        fields = [
            "from_status",
            "to_status",
            "at",
            "by",
            "reason",
            "panel_date",
            "decision_makers",
            "conditions",
        ]


class RegistrationSerializer(serializers.ModelSerializer):
    """Needs `facts` and `results` (by registration id) in its context: see
    RegistrationViewSet.represent, which gathers them for a whole page at once."""

    status = WorkflowStatusField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    pcn = RegisteredOrganisationSerializer(read_only=True)
    commissioner = RegisteredOrganisationSerializer(read_only=True)
    members = serializers.SerializerMethodField(help_text="current members (not yet left)")
    list_size = serializers.SerializerMethodField(
        help_text="the network's list size as the rules count it: members' figures frozen on "
        "submission, else each member's latest registered list on or before the year's "
        "list-size date; null when a member has none (see list_size_note)"
    )
    list_size_note = serializers.SerializerMethodField(
        help_text="why the list size cannot be calculated, in words; empty when it can"
    )
    clinical_director_practice = serializers.CharField(
        source="clinical_director_practice.code",
        allow_null=True,
        read_only=True,
        help_text="ODS code",
    )
    payee_practice = serializers.CharField(
        source="payee_practice.code",
        allow_null=True,
        read_only=True,
        help_text="ODS code of the member practice paid, if a practice is the payee",
    )
    payee_label = serializers.CharField(read_only=True)
    masked_sort_code = serializers.CharField(read_only=True, help_text="e.g. **-**-56")
    masked_account_number = serializers.CharField(read_only=True, help_text="e.g. ****5678")
    has_bank_details = serializers.BooleanField(read_only=True)
    rule_results = serializers.SerializerMethodField()
    transitions = RegistrationTransitionSerializer(many=True, read_only=True)

    class Meta:
        model = Registration
        fields = [
            "id",
            "des_year",
            "status",
            "status_label",
            "origin",
            "pcn",
            "commissioner",
            "members",
            "list_size",
            "list_size_note",
            "clinical_director_name",
            "clinical_director_profession",
            "clinical_director_practice",
            "clinical_director_sessions",
            "clinical_director_wte",
            "clinical_director_start",
            "payee_practice",
            "payee_provider_name",
            "payee_provider_code",
            "payee_label",
            "masked_sort_code",
            "masked_account_number",
            "has_bank_details",
            "extended_hours",
            "extended_hours_signed_on",
            "population_exception",
            "cross_boundary_reason",
            "panel_date",
            "decision_makers",
            "conditions",
            "rule_results",
            "transitions",
        ]
        read_only_fields = fields

    @extend_schema_field(RegistrationMemberSerializer(many=True))
    def get_members(self, registration):
        return RegistrationMemberSerializer(current_members(registration), many=True).data

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_list_size(self, registration):
        facts = self.context["facts"].get(registration.pk)
        return facts.list_size if facts is not None and not facts.unlisted else None

    def get_list_size_note(self, registration) -> str:
        facts = self.context["facts"].get(registration.pk)
        return uncalculable(facts, des_year(registration.des_year)) if facts is not None else ""

    @extend_schema_field(RuleResultSerializer(many=True))
    def get_rule_results(self, registration):
        return RuleResultSerializer(
            self.context["results"].get(registration.pk, []), many=True
        ).data


class RegistrationBankDetailsSerializer(serializers.Serializer):
    bank_account_name = serializers.CharField(allow_null=True, allow_blank=True)
    bank_sort_code = serializers.CharField(allow_null=True, allow_blank=True, help_text="6 digits")
    bank_account_number = serializers.CharField(
        allow_null=True, allow_blank=True, help_text="8 digits"
    )
    unreadable = serializers.ListField(
        child=serializers.CharField(),
        help_text="details stored under a key that is not configured: null above, never shown",
    )


class RegistrationStepSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class RegistrationDecisionSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[(s.value, s.label) for s in actions.DECISIONS])
    panel_date = serializers.DateField(
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": DATE_MESSAGE},
        help_text="the date of the panel that decided, YYYY-MM-DD, not in the future",
    )
    decision_makers = serializers.CharField(allow_blank=True, help_text="who decided")
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="needed to return it"
    )
    conditions = serializers.CharField(required=False, allow_blank=True, default="")
    exception_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="needed for approved_exception: why a list below the minimum is accepted",
    )


STEP_RESPONSES = {200: RegistrationSerializer, **refusals("registration")}


# Views


@extend_schema_view(
    list=extend_schema(
        summary="Registrations the user may view",
        description="Each with its current members, rule results and workflow steps; bank "
        "details masked.",
        parameters=[RULES_AS_AT],
    ),
    retrieve=extend_schema(
        summary="One registration",
        description="Its members, rule results (checked on `as_at`), workflow steps and "
        "masked bank details.",
        parameters=[RULES_AS_AT],
    ),
)
class RegistrationViewSet(AsAtMixin, viewsets.ReadOnlyModelViewSet):
    """Registrations whose PCN is within the user's VIEW_REGISTRY scope; others answer 404."""

    serializer_class = RegistrationSerializer
    filterset_class = RegistrationFilter

    def get_queryset(self):
        visible = Registration.objects.filter(
            scope_filter(self.request.user, Permission.VIEW_REGISTRY, "pcn_id")
        )
        if self.action in ("list", "retrieve"):
            return self.shown(visible)
        return visible.select_related("pcn", "commissioner")

    @staticmethod
    def shown(queryset):
        """Everything the serializer reads, in a fixed number of queries."""
        return with_members(queryset).prefetch_related(
            Prefetch("transitions", queryset=Transition.objects.select_related("by"))
        )

    def represent(self, registrations, many=True):
        """Rule results for all of them at once (registrations.facts gathers in bounded
        queries), then the serializer."""
        rows = registrations if many else [registrations]
        facts = gather(rows, self.as_at)
        results = {r.pk: check(facts[r.pk], des_year(r.des_year)) for r in rows if r.pk in facts}
        context = {**self.get_serializer_context(), "facts": facts, "results": results}
        return self.get_serializer(registrations, many=many, context=context)

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        if page is not None:
            return self.get_paginated_response(self.represent(list(page)).data)
        return Response(self.represent(list(queryset)).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(self.represent(self.get_object(), many=False).data)

    @extend_schema(
        summary="A registration's bank details in full",
        description="For commissioner finance only (VIEW_BANK_DETAILS on the PCN); anyone "
        "else gets 404. Each look is recorded with channel `api`.",
        parameters=[ACCEPTED_AS_AT],
        responses={
            200: RegistrationBankDetailsSerializer,
            404: OpenApiResponse(RefusalSerializer, description="not found or not for you"),
        },
    )
    @action(detail=True, methods=["get"], url_path="bank-details")
    def bank_details(self, request, pk=None):
        registration = self.get_object()
        if not has_permission(request.user, Permission.VIEW_BANK_DETAILS, registration.pcn):
            return Response({"detail": "No Registration matches the given query."}, status=404)
        details = actions.reveal_bank_details(
            registration=registration, by=request.user, channel="api"
        )
        response = Response(RegistrationBankDetailsSerializer(details).data)
        response["Cache-Control"] = "no-store"
        return response

    def step(self, request, body_class, run):
        """Load within scope (else 404), check the body, run the action, show the result."""
        registration = self.get_object()
        refused = run_step(request, body_class, lambda data: run(registration, data))
        if refused is not None:
            return refused
        updated = self.shown(Registration.objects.filter(pk=registration.pk)).get()
        return Response(self.represent(updated, many=False).data)

    @extend_schema(
        summary="Submit a draft or returned registration",
        description="For the PCN (DRAFT_REGISTRATION); each member's list size is frozen "
        "from the registry.",
        request=RegistrationStepSerializer,
        parameters=[RULES_AS_AT],
        responses=STEP_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self.step(
            request,
            RegistrationStepSerializer,
            lambda r, data: actions.submit(registration=r, by=request.user, reason=data["reason"]),
        )

    @extend_schema(
        summary="Take a submitted registration under review",
        description="For the commissioner (DECIDE_REGISTRATION). No body.",
        request=None,
        parameters=[RULES_AS_AT],
        responses=STEP_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        return self.step(
            request, None, lambda r, data: actions.start_review(registration=r, by=request.user)
        )

    @extend_schema(
        summary="Record the panel's decision",
        description="For the commissioner (DECIDE_REGISTRATION), on a submitted or "
        "under-review registration. Approval needs every rule to pass or warn; "
        "`approved_exception` records `exception_reason` as the population exception first; "
        "`returned` needs a `reason`.",
        request=RegistrationDecisionSerializer,
        parameters=[RULES_AS_AT],
        responses=STEP_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        return self.step(
            request,
            RegistrationDecisionSerializer,
            lambda r, data: actions.decide(
                registration=r,
                by=request.user,
                outcome=Status(data["outcome"]),
                panel_date=data["panel_date"],
                decision_makers=data["decision_makers"],
                reason=data["reason"],
                conditions=data["conditions"],
                exception_reason=data["exception_reason"],
            ),
        )

    @extend_schema(
        summary="Assure an approved registration",
        description="For the STP/ICS programme office (ASSURE_REGISTRATION).",
        request=RegistrationStepSerializer,
        parameters=[RULES_AS_AT],
        responses=STEP_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def assure(self, request, pk=None):
        return self.step(
            request,
            RegistrationStepSerializer,
            lambda r, data: actions.assure(registration=r, by=request.user, reason=data["reason"]),
        )

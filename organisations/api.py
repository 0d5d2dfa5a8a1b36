"""Read-only REST API over the registry, as it stood on ?as_at= (default today).

Scope is the one access rule (accounts.permissions): every queryset starts from what the user
may view, so an organisation out of scope answers 404 exactly as the pages do. The as-at
rules live in organisations.queries, list sizes come from the one population rule
(organisations.population); these views only pick the rows and shape them.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import generics, serializers, viewsets

from accounts.permissions import Permission, scope_filter, visible_organisations
from organisations import queries
from organisations.filters import (
    ListSizeFilter,
    OrganisationFilter,
    RelationshipFilter,
    as_at_from,
)
from organisations.models import ListSize, Organisation, Relationship
from organisations.population import Population, populations

AS_AT = OpenApiParameter(
    "as_at",
    OpenApiTypes.DATE,
    OpenApiParameter.QUERY,
    description="The date to answer for, as YYYY-MM-DD; today when absent. A malformed date "
    "answers 400.",
)
CODE = OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, description="ODS code")


class AsAtMixin:
    """Reads ?as_at= once, after authentication, so a bad date answers 400 on every endpoint
    (even those it does not narrow) and an anonymous caller still gets 401/403 first."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.as_at = as_at_from(request)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "as_at": getattr(self, "as_at", None)}


# Serializers


class OrganisationBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["code", "kind", "name"]


class OrganisationSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:organisation-detail", lookup_field="code"
    )

    class Meta:
        model = Organisation
        fields = [
            "code",
            "kind",
            "name",
            "era_label",
            "postcode",
            "open_date",
            "close_date",
            "status",
            "prescribing_setting",
            "contract_type",
            "supplier",
            "url",
        ]


class ListSizeFigureSerializer(serializers.Serializer):
    """A registered list by the population rule (organisations.population, purpose
    "on_the_day"): the figure, what it is, where it came from, and what to say beside it."""

    patients = serializers.IntegerField(allow_null=True)
    value = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True, coerce_to_string=True
    )
    extract_dates = serializers.ListField(
        child=serializers.DateField(), source="dates", help_text="the dates of the figures used"
    )
    basis = serializers.SerializerMethodField(
        help_text="members: summed over member practices; own: the organisation's own "
        "published figure; none: no figure on or before the date"
    )
    description = serializers.CharField(
        source="basis", help_text="what the figure is, e.g. 'QOF list size at 1 Jan 2020'"
    )
    source = serializers.CharField(help_text="the files used, or who entered a figure and why")
    warnings = serializers.ListField(child=serializers.CharField())
    stale = serializers.BooleanField(source="is_stale")
    practices_counted = serializers.IntegerField(source="counted")
    practices_missing = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=["members", "own", "none"]))
    def get_basis(self, figure: Population) -> str:
        return "none" if figure.value is None else "own" if figure.own else "members"

    @extend_schema_field(OpenApiTypes.INT)
    def get_practices_missing(self, figure: Population) -> int:
        return len(figure.missing)


def list_sizes(orgs, day) -> dict[int, Population]:
    """Registered lists on `day` by the one population rule, in a fixed number of queries."""
    return populations(orgs, day, purpose="on_the_day")


class MemberSerializer(OrganisationBriefSerializer):
    patients = serializers.SerializerMethodField()

    class Meta(OrganisationBriefSerializer.Meta):
        fields = [*OrganisationBriefSerializer.Meta.fields, "patients"]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_patients(self, org):
        return self.context["member_sizes"][org.pk].patients


class OrganisationDetailSerializer(OrganisationSerializer):
    as_at = serializers.SerializerMethodField()
    parents = serializers.SerializerMethodField()
    members = serializers.SerializerMethodField()
    list_size = serializers.SerializerMethodField()

    class Meta(OrganisationSerializer.Meta):
        fields = [*OrganisationSerializer.Meta.fields, "as_at", "parents", "members", "list_size"]

    @extend_schema_field(OpenApiTypes.DATE)
    def get_as_at(self, org):
        return self.context["as_at"]

    @extend_schema_field(OrganisationBriefSerializer(many=True))
    def get_parents(self, org):
        """Region first; ancestors are shown even when outside the user's scope, as where an
        organisation sits is part of what it is."""
        trail = queries.ancestors(org, self.context["as_at"])
        return OrganisationBriefSerializer(trail, many=True).data

    @extend_schema_field(MemberSerializer(many=True))
    def get_members(self, org):
        day = self.context["as_at"]
        below = list(queries.members(org, day))
        sizes = self._sizes(org, below)
        return MemberSerializer(below, many=True, context={"member_sizes": sizes}).data

    @extend_schema_field(ListSizeFigureSerializer)
    def get_list_size(self, org):
        return ListSizeFigureSerializer(self._sizes(org)[org.pk]).data

    def _sizes(self, org, below=None) -> dict[int, Population]:
        """The organisation's and its members' lists in one pass of the rule."""
        if getattr(self, "_sized", (None,))[0] != org.pk:
            below = list(queries.members(org, self.context["as_at"])) if below is None else below
            self._sized = (org.pk, list_sizes([org, *below], self.context["as_at"]))
        return self._sized[1]


class RelationshipSerializer(serializers.ModelSerializer):
    child = OrganisationBriefSerializer()
    parent = OrganisationBriefSerializer()

    class Meta:
        model = Relationship
        fields = ["id", "child", "parent", "rel_type", "valid_from", "valid_to", "import_run"]


class HistoryRelationshipSerializer(RelationshipSerializer):
    valid_on_as_at = serializers.SerializerMethodField()

    class Meta(RelationshipSerializer.Meta):
        fields = [*RelationshipSerializer.Meta.fields, "valid_on_as_at"]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_valid_on_as_at(self, link):
        day = self.context["as_at"]
        return link.valid_from <= day and (link.valid_to is None or link.valid_to >= day)


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)


class ChangeSerializer(serializers.Serializer):
    history_date = serializers.DateTimeField()
    history_user = serializers.CharField(allow_null=True, help_text="username")
    history_type = serializers.ChoiceField(
        choices=[("+", "created"), ("~", "changed"), ("-", "deleted")]
    )
    changes = FieldChangeSerializer(many=True)


class OrganisationHistorySerializer(serializers.ModelSerializer):
    as_at = serializers.SerializerMethodField()
    relationships = serializers.SerializerMethodField()
    field_changes = serializers.SerializerMethodField()

    class Meta:
        model = Organisation
        fields = ["code", "kind", "name", "as_at", "relationships", "field_changes"]

    @extend_schema_field(OpenApiTypes.DATE)
    def get_as_at(self, org):
        return self.context["as_at"]

    @extend_schema_field(HistoryRelationshipSerializer(many=True))
    def get_relationships(self, org):
        links = queries.relationships_of(org)
        return HistoryRelationshipSerializer(links, many=True, context=self.context).data

    @extend_schema_field(ChangeSerializer(many=True))
    def get_field_changes(self, org):
        changes = [
            {
                "history_date": change.when,
                "history_user": change.who or None,
                "history_type": change.history_type,
                "changes": [
                    {"field": d.field, "old": d.before, "new": d.after} for d in change.changes
                ],
            }
            for change in queries.field_changes(org, limit=None)
        ]
        return ChangeSerializer(changes, many=True).data


class ListSizeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ListSize
        fields = ["extract_date", "measure", "sex", "age", "patients"]


# Views


@extend_schema_view(
    list=extend_schema(
        summary="Organisations the user may view",
        description="Filters `parent` and `open` are answered as at `as_at`.",
        parameters=[AS_AT],
    ),
    retrieve=extend_schema(
        summary="One organisation as at a date",
        description="Its ancestors, its members (each with its list size) and its list size "
        "on `as_at`, by the rule in organisations.queries.",
        parameters=[AS_AT],
    ),
)
class OrganisationViewSet(AsAtMixin, viewsets.ReadOnlyModelViewSet):
    """Organisations within the user's VIEW_REGISTRY scope; others answer 404."""

    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    filterset_class = OrganisationFilter

    def get_queryset(self):
        return visible_organisations(self.request.user)

    def get_serializer_class(self):
        return OrganisationDetailSerializer if self.action == "retrieve" else OrganisationSerializer


@extend_schema(
    summary="An organisation's relationships and field changes, all dates",
    description="Relationships where it is child or parent, newest first, with whether each "
    "held on `as_at`; and every recorded change to its fields, newest first.",
    parameters=[AS_AT],
)
class OrganisationHistoryView(AsAtMixin, generics.RetrieveAPIView):
    """History within scope only: the organisation itself must be visible, else 404."""

    lookup_field = "code"
    serializer_class = OrganisationHistorySerializer

    def get_queryset(self):
        return visible_organisations(self.request.user)


@extend_schema(
    summary="An organisation's list-size snapshots",
    description="Snapshots with an extract date on or before `as_at` (nothing from after the "
    "date asked about), oldest first.",
    parameters=[CODE, AS_AT],
)
class OrganisationListSizeView(AsAtMixin, generics.ListAPIView):
    """The organisation must be within scope, else 404 (not an empty list)."""

    serializer_class = ListSizeSerializer
    filterset_class = ListSizeFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ListSize.objects.none()
        org = get_object_or_404(visible_organisations(self.request.user), code=self.kwargs["code"])
        return ListSize.objects.filter(organisation=org, extract_date__lte=self.as_at).order_by(
            "extract_date", "measure", "sex", "age", "id"
        )


@extend_schema_view(
    list=extend_schema(
        summary="Relationships between organisations",
        description="All dates unless `as_at` is given, which keeps rows valid on that date.",
        parameters=[AS_AT],
    ),
    retrieve=extend_schema(parameters=[AS_AT]),
)
class RelationshipViewSet(AsAtMixin, viewsets.ReadOnlyModelViewSet):
    """A relationship is a fact about its child (where it sits), so rows are visible when the
    child is in scope; scope reaches down, so every child of a visible parent is visible too."""

    serializer_class = RelationshipSerializer
    filterset_class = RelationshipFilter

    def get_queryset(self):
        rows = Relationship.objects.filter(
            scope_filter(self.request.user, Permission.VIEW_REGISTRY, "child")
        ).select_related("child", "parent")
        # Unlike elsewhere, no as_at means all dates: a relationship list is mostly read
        # for its history.
        if self.request.query_params.get("as_at"):
            rows = rows.filter(queries.valid_on(self.as_at))
        return rows

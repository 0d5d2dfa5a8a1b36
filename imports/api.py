"""Read-only API over import runs, so scripts can follow an import they queued."""

from datetime import datetime, time, timedelta

import django_filters as filters
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from accounts.permissions import Permission, has_permission
from imports.models import ImportRun, RunStatus
from organisations.api import AS_AT, AsAtMixin


class ImportRunFilter(filters.FilterSet):
    kind = filters.CharFilter(help_text="file kind, e.g. epraccur")
    status = filters.ChoiceFilter(choices=RunStatus.choices)

    class Meta:
        model = ImportRun
        fields = ["kind", "status"]


class ImportRunSerializer(serializers.ModelSerializer):
    run_by = serializers.CharField(
        source="run_by.username", allow_null=True, read_only=True, help_text="username"
    )

    class Meta:
        model = ImportRun
        # The stored upload's path says where files sit on the server; callers need the name.
        exclude = ["upload"]


@extend_schema_view(
    list=extend_schema(
        summary="Import runs, newest first",
        description="Runs started on or before `as_at`.",
        parameters=[AS_AT],
    ),
    retrieve=extend_schema(summary="One import run", parameters=[AS_AT]),
)
class ImportRunViewSet(AsAtMixin, viewsets.ReadOnlyModelViewSet):
    """Who sees which runs: an import writes to the national registry, so holding RUN_IMPORTS
    for all of England shows every run; anyone else sees only the runs they started (to follow
    their own upload), and other runs answer 404."""

    serializer_class = ImportRunSerializer
    filterset_class = ImportRunFilter

    def get_queryset(self):
        user = self.request.user
        runs = ImportRun.objects.select_related("run_by")
        if not has_permission(user, Permission.RUN_IMPORTS):
            runs = runs.filter(run_by_id=getattr(user, "pk", None))
        # Absent as_at (today) would keep every run, so only an explicit date narrows.
        if self.request.query_params.get("as_at"):
            day_after = datetime.combine(self.as_at + timedelta(days=1), time.min)
            runs = runs.filter(started_at__lt=timezone.make_aware(day_after))
        return runs

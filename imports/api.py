"""Read-only API over import runs, so scripts can follow an import they queued."""

from datetime import date, datetime, time, timedelta

import django_filters as filters
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from accounts.permissions import sees_import_runs
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
    """Runs record national reference files: anyone who may view some part of the registry
    reads them all, as on the pages (accounts.permissions.sees_import_runs); others get none."""

    serializer_class = ImportRunSerializer
    filterset_class = ImportRunFilter

    def get_queryset(self):
        runs = ImportRun.objects.select_related("run_by")
        if not sees_import_runs(self.request.user):
            runs = runs.none()
        # Absent as_at (today) would keep every run, so only an explicit date narrows.
        if self.request.query_params.get("as_at") and self.as_at < date.max:
            day_after = datetime.combine(self.as_at + timedelta(days=1), time.min)
            runs = runs.filter(started_at__lt=timezone.make_aware(day_after))
        return runs

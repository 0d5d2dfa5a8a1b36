"""The read-only REST API and its OpenAPI description, under /api/."""

from django.contrib.auth.decorators import login_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.permissions import IsAuthenticated
from rest_framework.routers import SimpleRouter

from assurance.api import FrameworkViewSet, RollupView, RoundViewSet, SnapshotViewSet
from delivery.api import ActionViewSet, MilestoneViewSet, ProgrammeViewSet
from imports.api import ImportRunViewSet
from organisations.api import (
    OrganisationHistoryView,
    OrganisationListSizeView,
    OrganisationViewSet,
    RelationshipViewSet,
)
from payments.api import PaymentViewSet, RateVersionListView
from registrations.api import RegistrationViewSet
from services.api import ProvisionListView, RollOutView, ServiceListView, SignUpListView

app_name = "api"

router = SimpleRouter()
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("relationships", RelationshipViewSet, basename="relationship")
router.register("import-runs", ImportRunViewSet, basename="import-run")
router.register("registrations", RegistrationViewSet, basename="registration")
router.register("payments", PaymentViewSet, basename="payment")
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register("actions", ActionViewSet, basename="action")
router.register("milestones", MilestoneViewSet, basename="milestone")
router.register("assurance/frameworks", FrameworkViewSet, basename="assurance-framework")
router.register("assurance/rounds", RoundViewSet, basename="assurance-round")
router.register("assurance/snapshots", SnapshotViewSet, basename="assurance-snapshot")

# The schema describes private endpoints, so it is for signed-in users like the API itself;
# the docs pages send a browser to the login page rather than showing a bare 403.
signed_in = [IsAuthenticated]

urlpatterns = [
    path(
        "organisations/<str:code>/history/",
        OrganisationHistoryView.as_view(),
        name="organisation-history",
    ),
    path(
        "organisations/<str:code>/list-sizes/",
        OrganisationListSizeView.as_view(),
        name="organisation-list-sizes",
    ),
    path("rates/", RateVersionListView.as_view(), name="rate-list"),
    path("services/", ServiceListView.as_view(), name="service-list"),
    path("service-signups/", SignUpListView.as_view(), name="service-signup-list"),
    path("extended-access/", ProvisionListView.as_view(), name="extended-access-list"),
    path("service-roll-out/", RollOutView.as_view(), name="service-roll-out"),
    path("assurance/rollup/", RollupView.as_view(), name="assurance-rollup"),
    *router.urls,
    path("schema/", SpectacularAPIView.as_view(permission_classes=signed_in), name="schema"),
    path(
        "docs/",
        login_required(
            SpectacularSwaggerView.as_view(url_name="api:schema", permission_classes=signed_in)
        ),
        name="docs",
    ),
    path(
        "redoc/",
        login_required(
            SpectacularRedocView.as_view(url_name="api:schema", permission_classes=signed_in)
        ),
        name="redoc",
    ),
]

"""The read-only REST API and its OpenAPI description, under /api/."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib.auth.decorators import login_required
from django.urls import path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
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


def docs_page(view):
    """The API's documentation pages, for people signed in. Swagger UI and Redoc are others'
    front ends that style themselves inline (Redoc also searches in a blob: worker); they
    show only the schema, so they alone may. Swagger UI's start-up script is served as a
    file (the split view), so no page runs inline script."""
    relaxed = {"style-src": [UNSAFE_INLINE], "worker-src": ["blob:"]}
    return csp_update(relaxed)(login_required(view))


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
        docs_page(
            SpectacularSwaggerSplitView.as_view(url_name="api:schema", permission_classes=signed_in)
        ),
        name="docs",
    ),
    path(
        "redoc/",
        docs_page(
            SpectacularRedocView.as_view(url_name="api:schema", permission_classes=signed_in)
        ),
        name="redoc",
    ),
]

from django.contrib import admin
from django.urls import include, path

from pcnhub import views

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("accounts/", include("accounts.urls")),
    path("imports/", include("imports.urls")),
    path("api/", include("pcnhub.api_urls")),
    path("admin/", admin.site.urls),
    path("", include("organisations.urls")),
    path("", include("registrations.urls")),
    path("", include("payments.urls")),
    path("", include("delivery.urls")),
    path("", include("services.urls")),
    path("", include("assurance.urls")),
]

handler400 = views.bad_request
handler403 = views.permission_denied
handler404 = views.page_not_found
handler500 = views.server_error

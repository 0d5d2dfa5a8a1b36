from django.urls import path

from services.views import access, signups

urlpatterns = [
    path("services/", signups.area, name="services"),
    path("services/import/", signups.import_page, name="services_import"),
    path("services/practices/<str:code>/", signups.practice, name="services_practice"),
    path("services/providers/<str:code>/", access.provider, name="provider"),
    path("services/<str:code>/", signups.area, name="services_area"),
    path("services/<str:code>/extended-access/", access.area, name="extended_access"),
    path(
        "services/<str:code>/access-requirements/", access.requirements, name="access_requirements"
    ),
]

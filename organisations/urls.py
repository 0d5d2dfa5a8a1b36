from django.urls import path

from organisations import views

urlpatterns = [
    path("search/", views.search, name="search"),
    path("org/<str:code>/", views.organisation, name="organisation"),
    path("org/<str:code>/edit/", views.edit, name="organisation_edit"),
    path("org/<str:code>/population/", views.enter_population, name="organisation_population"),
]

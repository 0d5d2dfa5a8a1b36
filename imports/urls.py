from django.urls import path

from imports import views

urlpatterns = [
    path("", views.run_list, name="import_runs"),
    path("upload/", views.upload, name="import_upload"),
    path("<int:run_id>/", views.run_detail, name="import_run"),
    path("<int:run_id>/progress/", views.run_progress, name="import_run_progress"),
]

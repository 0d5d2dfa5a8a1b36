from django.urls import path

from assurance.views import frameworks, returns, rollup, rounds, snapshots

urlpatterns = [
    path("assurance/", frameworks.index, name="assurance"),
    path("assurance/frameworks/<slug:key>/", frameworks.framework_page, name="assurance_framework"),
    path("assurance/areas/", rollup.area_page, name="assurance_england"),
    path("assurance/areas/<str:code>/", rollup.area_page, name="assurance_area"),
    path(
        "assurance/commissioners/<str:code>/",
        rounds.commissioner_rounds,
        name="assurance_commissioner",
    ),
    path("assurance/rounds/<int:pk>/", rounds.round_page, name="assurance_round"),
    path("assurance/rounds/<int:pk>/review/", rounds.review_page, name="assurance_review"),
    path("assurance/rounds/<int:pk>/close/", rounds.close_page, name="assurance_close"),
    path("assurance/rounds/<int:pk>/changes/", rounds.changes_page, name="assurance_changes"),
    path("assurance/rounds/<int:pk>/import/", returns.import_page, name="assurance_import"),
    path("assurance/rounds/<int:pk>/return.<str:fmt>", returns.export, name="assurance_export"),
    path(
        "assurance/rounds/<int:pk>/requirements/<slug:key>/rate/",
        rounds.rate_page,
        name="assurance_rate",
    ),
    path(
        "assurance/rounds/<int:pk>/requirements/<slug:key>/respond/",
        rounds.respond_page,
        name="assurance_respond",
    ),
    path("assurance/snapshots/", snapshots.snapshot_list, name="assurance_snapshots"),
    path(
        "assurance/snapshots/compare/",
        snapshots.snapshot_compare,
        name="assurance_snapshot_compare",
    ),
    path("assurance/snapshots/<int:pk>/", snapshots.snapshot_page, name="assurance_snapshot"),
]

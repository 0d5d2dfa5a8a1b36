from django.urls import path

from payments import views

urlpatterns = [
    path("payments/", views.statement, name="payments_england"),
    path("payments/rates/", views.rates, name="rates"),
    path("payments/rates/revise/", views.revise, name="rate_revise"),
    path("payments/rates/<int:pk>/decide/", views.decide, name="rate_decide"),
    path("payments/export.<str:fmt>", views.export, name="payments_export_england"),
    path("payments/overview.<str:fmt>", views.area_export, name="area_export_england"),
    path("payments/exports/<int:pk>/", views.area_export_progress, name="area_export_progress"),
    path(
        "payments/exports/<int:pk>/download/",
        views.area_export_download,
        name="area_export_download",
    ),
    path("payments/<str:code>/", views.statement, name="payments"),
    path("payments/<str:code>/export.<str:fmt>", views.export, name="payments_export"),
    path("payments/<str:code>/overview.<str:fmt>", views.area_export, name="area_export"),
    path("payments/<str:code>/paid/", views.paid, name="payments_paid"),
    path("payments/<str:code>/reconciliation/", views.reconciliation, name="reconciliation"),
    path("payments/<str:code>/inputs/", views.inputs_page, name="payment_inputs"),
    path("payments/<str:code>/share-out/", views.share_out_page, name="share_out"),
    path("payments/<str:code>/arrs/", views.arrs_page, name="arrs"),
    path("payments/<str:code>/arrs/area/", views.arrs_area, name="arrs_area"),
    path("payments/<str:code>/funds/", views.funds_page, name="funds"),
    path("funds/<int:pk>/", views.fund_page, name="fund"),
]

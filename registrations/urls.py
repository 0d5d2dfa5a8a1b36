from django.urls import path

from registrations import views

urlpatterns = [
    path("registrations/", views.registration_list, name="registrations"),
    path("registrations/start/", views.start, name="registration_start"),
    path("registrations/import/", views.import_form, name="registration_import"),
    path("registrations/<int:pk>/", views.detail, name="registration"),
    path("registrations/<int:pk>/members/", views.edit_members, name="registration_members"),
    path("registrations/<int:pk>/details/", views.edit_details, name="registration_details"),
    path("registrations/<int:pk>/documents/", views.add_document, name="registration_document"),
    path("registrations/<int:pk>/submit/", views.submit, name="registration_submit"),
    path("registrations/<int:pk>/review/", views.review, name="registration_review"),
    path("registrations/<int:pk>/decide/", views.decide, name="registration_decide"),
    path("registrations/<int:pk>/assure/", views.assure, name="registration_assure"),
    path(
        "registrations/<int:pk>/members/<int:member_pk>/variation/",
        views.variation,
        name="registration_variation",
    ),
    path("registrations/<int:pk>/bank-details/", views.bank_details, name="registration_bank"),
    path("changes/", views.change_list, name="changes"),
    path("changes/new/<str:code>/", views.change_new, name="change_new"),
    path("changes/<int:pk>/", views.change_detail, name="change"),
    path("coverage/", views.coverage_page, name="coverage_england"),
    path("coverage/<str:code>/", views.coverage_page, name="coverage"),
    path("coverage-export.<str:fmt>", views.coverage_export, name="coverage_export_england"),
    path("coverage/<str:code>/export.<str:fmt>", views.coverage_export, name="coverage_export"),
]

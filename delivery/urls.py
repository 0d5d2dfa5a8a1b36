from django.urls import path

from delivery.views import plans, reports, transfer

urlpatterns = [
    path("plans/", plans.programme_list, name="programmes"),
    path("plans/<int:pk>/", plans.programme, name="programme"),
    path("plans/mine/", plans.my_actions, name="my_actions"),
    path("plans/due/", plans.due_list, name="plans_due"),
    path("plans/actions/<int:pk>/status/", plans.action_status, name="action_status"),
    path("plans/import/", transfer.import_new, name="plan_import_new"),
    path("plans/<int:pk>/import/", transfer.import_into, name="plan_import"),
    path("plans/<int:pk>/plan.<str:fmt>", transfer.export, name="plan_export"),
    path("plans/<int:pk>/report/", reports.preview, name="board_report"),
    path("plans/<int:pk>/report.pdf", reports.preview_pdf, name="board_report_pdf"),
    path("plans/<int:pk>/reports/", reports.signed_list, name="board_reports"),
    path("plans/<int:pk>/reports/compare/", reports.compare_signed, name="board_report_compare"),
    path("plans/<int:pk>/reports/<int:snapshot>/", reports.signed, name="board_report_signed"),
    path(
        "plans/<int:pk>/reports/<int:snapshot>.pdf",
        reports.signed_pdf,
        name="board_report_signed_pdf",
    ),
]

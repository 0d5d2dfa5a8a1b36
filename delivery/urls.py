from django.urls import path

from delivery.views import plans, transfer

urlpatterns = [
    path("plans/", plans.programme_list, name="programmes"),
    path("plans/<int:pk>/", plans.programme, name="programme"),
    path("plans/mine/", plans.my_actions, name="my_actions"),
    path("plans/due/", plans.due_list, name="plans_due"),
    path("plans/actions/<int:pk>/status/", plans.action_status, name="action_status"),
    path("plans/import/", transfer.import_new, name="plan_import_new"),
    path("plans/<int:pk>/import/", transfer.import_into, name="plan_import"),
    path("plans/<int:pk>/plan.<str:fmt>", transfer.export, name="plan_export"),
]

from django.urls import path

from delivery.views import measures, plans

urlpatterns = [
    path("plans/", plans.programme_list, name="programmes"),
    path("plans/<int:pk>/", plans.programme, name="programme"),
    path("plans/mine/", plans.my_actions, name="my_actions"),
    path("plans/due/", plans.due_list, name="plans_due"),
    path("plans/actions/<int:pk>/status/", plans.action_status, name="action_status"),
    path("plans/<int:pk>/measures/new/", measures.measure_new, name="measure_new"),
    path("plans/measures/<int:pk>/edit/", measures.measure_edit, name="measure_edit"),
    path(
        "plans/measures/<int:pk>/trajectory/",
        measures.measure_trajectory,
        name="measure_trajectory",
    ),
    path("plans/measures/<int:pk>/actuals/", measures.measure_actual, name="measure_actual"),
]

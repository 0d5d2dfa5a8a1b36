from django.urls import path

from delivery.views import edit, measures, overview, plans

urlpatterns = [
    path("plans/", plans.programme_list, name="programmes"),
    path("plans/new/", edit.programme_new, name="programme_new"),
    path("plans/<int:pk>/", plans.programme, name="programme"),
    path("plans/<int:pk>/edit/", edit.programme_edit, name="programme_edit"),
    path("plans/<int:pk>/timeline/", overview.timeline, name="timeline"),
    path(
        "plans/<int:pk>/timeline/<int:deliverable_pk>/",
        overview.timeline_actions,
        name="timeline_actions",
    ),
    path("plans/<int:pk>/dashboard/", overview.dashboard, name="dashboard"),
    path("plans/<int:pk>/actions/", overview.action_list, name="plan_actions"),
    path("plans/<int:pk>/baselines/", overview.baselines, name="baselines"),
    path("plans/<int:pk>/baselines/new/", edit.baseline_new, name="baseline_new"),
    path("plans/baselines/<int:pk>/", overview.baseline, name="baseline"),
    path("plans/<int:pk>/deliverables/new/", edit.deliverable_new, name="deliverable_new"),
    path("plans/deliverables/<int:pk>/edit/", edit.deliverable_edit, name="deliverable_edit"),
    path("plans/deliverables/<int:pk>/actions/new/", edit.action_new, name="action_new"),
    path("plans/mine/", plans.my_actions, name="my_actions"),
    path("plans/due/", plans.due_list, name="plans_due"),
    path("plans/contacts/new/", edit.contact_new, name="contact_new"),
    path("plans/actions/<int:pk>/", plans.action_detail, name="action"),
    path("plans/actions/<int:pk>/edit/", edit.action_edit, name="action_edit"),
    path("plans/actions/<int:pk>/status/", plans.action_status, name="action_status"),
    path("plans/actions/<int:pk>/milestones/new/", edit.milestone_new, name="milestone_new"),
    path("plans/milestones/<int:pk>/done/", edit.milestone_done, name="milestone_done"),
    path("plans/milestones/<int:pk>/reopen/", edit.milestone_reopen, name="milestone_reopen"),
    path("plans/milestones/<int:pk>/move/", edit.milestone_move, name="milestone_move"),
    path("plans/milestones/<int:pk>/remove/", edit.milestone_remove, name="milestone_remove"),
    path("plans/<int:pk>/measures/new/", measures.measure_new, name="measure_new"),
    path("plans/measures/<int:pk>/edit/", measures.measure_edit, name="measure_edit"),
    path(
        "plans/measures/<int:pk>/trajectory/",
        measures.measure_trajectory,
        name="measure_trajectory",
    ),
    path("plans/measures/<int:pk>/actuals/", measures.measure_actual, name="measure_actual"),
]

from django.urls import path

from delivery import views

urlpatterns = [
    path("plans/", views.programme_list, name="programmes"),
    path("plans/<int:pk>/", views.programme, name="programme"),
    path("plans/mine/", views.my_actions, name="my_actions"),
    path("plans/due/", views.due_list, name="plans_due"),
    path("plans/actions/<int:pk>/status/", views.action_status, name="action_status"),
]

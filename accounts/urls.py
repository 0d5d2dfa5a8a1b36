"""Log in and out (passwords are set by registry administrators), and the audit page."""

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts.views import audit_page

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("audit/", audit_page, name="audit"),
]

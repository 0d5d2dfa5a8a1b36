from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People and roles"

    def ready(self):
        from pcnhub.middleware import start_session_clock

        # The session limits (pcnhub.middleware.SessionLimitsMiddleware) count from login.
        user_logged_in.connect(start_session_clock, dispatch_uid="pcnhub-session-clock")

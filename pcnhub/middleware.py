"""Request guards and response headers that every page and API answer share."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponseBadRequest
from django.utils.cache import add_never_cache_headers

LOGIN_AT = "pcnhub_login_at"
SEEN_AT = "pcnhub_seen_at"

# Every powerful browser feature denied: PCN Hub uses none of them.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


class RejectNulMiddleware:
    """Refuse requests carrying NUL characters before any view sees them: PostgreSQL cannot
    store or compare them, and no real ODS code, date or search contains one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "").lower()
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            return HttpResponseBadRequest("The address contains a NUL character.")
        return self.get_response(request)


class SessionLimitsMiddleware:
    """Sign a person out after SESSION_IDLE_MINUTES without a request (sliding) or
    SESSION_ABSOLUTE_HOURS after signing in, whichever comes first, and say why on the login
    page. The times live in the session, so the cookie outlives neither limit unseen."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            idle = now - session.get(SEEN_AT, now) > settings.SESSION_IDLE_MINUTES * 60
            spent = now - session.get(LOGIN_AT, now) > settings.SESSION_ABSOLUTE_HOURS * 3600
            if idle or spent:
                logout(request)
                messages.warning(request, _expired_message(idle))
            else:
                session.setdefault(LOGIN_AT, now)
                # Sliding, to the minute: at most one session write a minute, not one a request.
                if now - session.get(SEEN_AT, 0) >= 60:
                    session[SEEN_AT] = now
        return self.get_response(request)


def _expired_message(idle: bool) -> str:
    if idle:
        return (
            f"You were signed out after {settings.SESSION_IDLE_MINUTES} minutes without "
            "activity. Log in again to carry on."
        )
    return (
        f"You were signed out because a session lasts at most "
        f"{settings.SESSION_ABSOLUTE_HOURS} hours. Log in again to carry on."
    )


def start_session_clock(sender, request, user, **kwargs):
    """On login (the user_logged_in signal): both limits count from now."""
    now = int(time.time())
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now


class SecurityHeadersMiddleware:
    """Permissions-Policy on every answer; `Cache-Control: no-store` on every answer to a
    signed-in person (pages and API alike), so no shared or browser cache keeps what they
    saw. Static files are served by WhiteNoise above this and stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        stored = "no-store" not in response.get("Cache-Control", "")
        if stored and user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


def client_ip(request) -> str | None:
    """The client's address for login throttling (AXES_CLIENT_IP_CALLABLE): REMOTE_ADDR, or
    with TRUSTED_PROXY_COUNT proxies in front, the address the outermost of them saw. Each
    proxy appends to X-Forwarded-For, so entries further left are the client's to forge."""
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        forwarded = [address.strip() for address in forwarded if address.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")

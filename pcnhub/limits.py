"""One length limit for every text a person sends, on pages and the API alike: a field longer
than TEXT_MAX_LENGTH characters (a 2 MB comment, a pasted file) is refused before any view
runs, so nothing is written, and the answer names the field. Files are not text fields and
have their own limits."""

import json

from django.conf import settings
from django.http import JsonResponse
from django.template.response import TemplateResponse

WRITES = {"POST", "PUT", "PATCH"}


class TextLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in WRITES:
            field = _too_long(request, settings.TEXT_MAX_LENGTH)
            if field is not None:
                return _refusal(request, field, settings.TEXT_MAX_LENGTH)
        return self.get_response(request)


def _too_long(request, limit: int) -> str | None:
    """The first field whose text is longer than `limit`, or None."""
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"null")
        except ValueError:
            return None  # the view's parser answers a malformed body
        return next(_long_strings(body, limit, ""), None)
    for name, values in request.POST.lists():
        if any(len(value) > limit for value in values):
            return name
    return None


def _long_strings(value, limit: int, where: str):
    if isinstance(value, str) and len(value) > limit:
        yield where or "body"
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _long_strings(item, limit, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _long_strings(item, limit, f"{where}[{index}]")


def _refusal(request, field: str, limit: int):
    message = f"{field} is longer than {limit:,} characters: shorten it; nothing was saved."
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": "the request body is not valid", "errors": {field: [message]}}, status=400
        )
    context = {"message": message, "limit": f"{limit:,}"}
    return TemplateResponse(request, "too_long.html", context, status=400).render()

"""Refuse requests carrying NUL characters before any view sees them: PostgreSQL cannot store
or compare them, and no real ODS code, date or search contains one."""

from django.http import HttpResponseBadRequest


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "").lower()
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            return HttpResponseBadRequest("The address contains a NUL character.")
        return self.get_response(request)

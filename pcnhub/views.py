from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.template.response import TemplateResponse


def home(request):
    return TemplateResponse(request, "home.html", {})


@login_not_required
def health(request):
    """For load balancers and uptime checks: answers without a login, says nothing private."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})

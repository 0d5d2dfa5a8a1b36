"""The assurance home (frameworks, and the rounds the user may see), and a framework with its
requirements, guidance, deadlines, sources and measure links."""

from django.http import Http404
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from accounts.permissions import widest_held
from assurance.models import Framework
from assurance.views.decorators import visible_rounds
from delivery.measures import computed_measures
from organisations.models import OrgKind

LATEST_ROUNDS = 20


@require_GET
def index(request):
    rounds = (
        visible_rounds(request.user)
        .select_related("framework", "commissioner")
        .order_by("-submitted_on", "commissioner__code")[:LATEST_ROUNDS]
    )
    own = widest_held(request.user, (OrgKind.REGION, OrgKind.ICS, OrgKind.COMMISSIONER))
    context = {"frameworks": Framework.objects.all(), "rounds": rounds, "own": own}
    return TemplateResponse(request, "assurance/index.html", context)


@require_GET
def framework_page(request, key):
    found = Framework.objects.filter(key=key).first()
    if found is None:
        raise Http404("No such framework")
    requirements = found.requirements.filter(withdrawn=False).prefetch_related("deadlines")
    measures = {found.key: found.label for found in computed_measures()}
    context = {"framework": found, "requirements": requirements, "measures": measures}
    return TemplateResponse(request, "assurance/framework.html", context)

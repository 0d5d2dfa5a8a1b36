"""What the plan pages that change things share: the editor check and the form page."""

from functools import partial

from django.http import Http404

from delivery.actions import can_edit
from pcnhub import forms


def editable_or_404(user, programme):
    """The programme, when the user may change it; anyone else is told there is no page."""
    if not can_edit(user, programme):
        raise Http404("You may not change this plan")
    return programme


# The plan's form pages: delivery/form.html (heading, back, caption) unless they say otherwise.
form_page = partial(forms.form_page, template="delivery/form.html")

"""What the plan pages that change things share: the editor check and the form page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from delivery.actions import can_edit
from pcnhub.forms import add_action_errors


def editable_or_404(user, programme):
    """The programme, when the user may change it; anyone else is told there is no page."""
    if not can_edit(user, programme):
        raise Http404("You may not change this plan")
    return programme


def form_page(request, form, *, save, done, template="delivery/form.html", **context):
    """Show the form; on a valid POST run `save(cleaned_data)`, which returns where to go. An
    action's refusal lands on the form's fields (the error summary); one the user may not do
    answers 404. `context`: the template's own (delivery/form.html takes heading, back and
    caption)."""
    if request.method == "POST" and form.is_valid():
        try:
            target = save(form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        except PermissionDenied as error:
            raise Http404(str(error)) from None
        else:
            messages.success(request, done)
            return redirect(target)
    return TemplateResponse(request, template, {"form": form, **context})

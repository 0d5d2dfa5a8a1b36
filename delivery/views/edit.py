"""Pages that change a plan: programmes, deliverables, key actions with owners and
dependencies, milestones (added, moved, done, reopened, removed), contacts and baselines.
Each loads and scope-checks, then hands the cleaned form to one action; a refusal comes back
through the form's error summary."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.permissions import Permission, holds_anywhere
from delivery import actions
from delivery.forms import (
    ActionForm,
    BaselineForm,
    ContactForm,
    DeliverableForm,
    DoneForm,
    MilestoneForm,
    MoveForm,
    ProgrammeForm,
    ReasonForm,
)
from delivery.models import Action, Deliverable, Milestone
from delivery.views.common import editable_or_404, form_page
from delivery.views.plans import action_or_404, programme_or_404


def _deliverable(request, pk) -> Deliverable:
    deliverable = Deliverable.objects.select_related("programme").filter(pk=pk).first()
    if deliverable is None:
        raise Http404("No such deliverable")
    editable_or_404(request.user, programme_or_404(request.user, deliverable.programme_id))
    return deliverable


def _milestone(request, pk) -> Milestone:
    milestone = Milestone.objects.select_related("action__deliverable__programme").filter(pk=pk)
    found = milestone.first()
    if found is None:
        raise Http404("No such milestone")
    action_or_404(request.user, found.action_id)
    return found


def _back_to(programme_id, anchor=""):
    return reverse("programme", args=[programme_id]) + anchor


@require_http_methods(["GET", "POST"])
def programme_new(request):
    if not holds_anywhere(request.user, Permission.EDIT_PLANS):
        raise Http404("You may not start a plan")

    def save(data):
        return actions.create_programme(by=request.user, **data).get_absolute_url()

    return form_page(
        request,
        ProgrammeForm(request.POST or None),
        heading="Start a plan",
        back=reverse("programmes"),
        save=save,
        done="Plan started",
    )


@require_http_methods(["GET", "POST"])
def programme_edit(request, pk):
    programme = editable_or_404(request.user, programme_or_404(request.user, pk))
    initial = {
        "name": programme.name,
        "description": programme.description,
        "start": programme.start,
        "end": programme.end,
        "organisations": ", ".join(o.code for o in programme.organisations.all()),
        "sro": programme.sro.name if programme.sro else "",
        "leads": ", ".join(c.name for c in programme.leads.all()),
    }

    def save(data):
        actions.update_programme(programme=programme, by=request.user, **data)
        return programme.get_absolute_url()

    return form_page(
        request,
        ProgrammeForm(request.POST or None, initial=initial),
        heading="Edit the plan",
        back=programme.get_absolute_url(),
        save=save,
        done="Plan saved",
        caption=programme.name,
    )


@require_http_methods(["GET", "POST"])
def deliverable_new(request, pk):
    programme = editable_or_404(request.user, programme_or_404(request.user, pk))

    def save(data):
        found = actions.add_deliverable(programme=programme, by=request.user, **data)
        return _back_to(programme.pk, f"#deliverable-{found.pk}")

    return form_page(
        request,
        DeliverableForm(request.POST or None),
        heading="Add a deliverable",
        back=programme.get_absolute_url(),
        save=save,
        done="Deliverable added",
        caption=programme.name,
    )


@require_http_methods(["GET", "POST"])
def deliverable_edit(request, pk):
    deliverable = _deliverable(request, pk)
    fields = ("kind", "reference", "title", "description", "national_milestone")
    initial = {name: getattr(deliverable, name) for name in fields}

    def save(data):
        actions.update_deliverable(deliverable=deliverable, by=request.user, **data)
        return _back_to(deliverable.programme_id, f"#deliverable-{deliverable.pk}")

    return form_page(
        request,
        DeliverableForm(request.POST or None, initial=initial),
        heading="Edit the deliverable",
        back=_back_to(deliverable.programme_id, f"#deliverable-{deliverable.pk}"),
        save=save,
        done="Deliverable saved",
        caption=deliverable.programme.name,
    )


def _dependencies(programme_id, numbers: list[int]) -> list[Action]:
    found = {
        a.pk: a
        for a in Action.objects.filter(pk__in=numbers).select_related("deliverable")
        if a.deliverable.programme_id == programme_id
    }
    unknown = [f"#{n}" for n in numbers if n not in found]
    if unknown:
        raise ValidationError({"depends_on": [f"no action {', '.join(unknown)} in this plan"]})
    return [found[n] for n in numbers]


@require_http_methods(["GET", "POST"])
def action_new(request, pk):
    deliverable = _deliverable(request, pk)

    def save(data):
        data["depends_on"] = _dependencies(deliverable.programme_id, data["depends_on"])
        action = actions.add_action(deliverable=deliverable, by=request.user, **data)
        return reverse("action", args=[action.pk])

    return form_page(
        request,
        ActionForm(request.POST or None),
        heading="Add a key action",
        back=_back_to(deliverable.programme_id, f"#deliverable-{deliverable.pk}"),
        save=save,
        done="Key action added",
        caption=f"{deliverable.reference}: {deliverable.title[:80]}",
    )


@require_http_methods(["GET", "POST"])
def action_edit(request, pk):
    action = action_or_404(request.user, pk)
    editable_or_404(request.user, action.deliverable.programme)
    owners = [u.get_full_name() or u.username for u in action.owners.all()]
    initial = {
        "title": action.title,
        "owners": ", ".join(owners + [c.name for c in action.contacts.all()]),
        "depends_on": ", ".join(f"#{a.pk}" for a in action.depends_on.all()),
    }

    def save(data):
        data["depends_on"] = _dependencies(action.deliverable.programme_id, data["depends_on"])
        actions.update_action(action=action, by=request.user, **data)
        return reverse("action", args=[action.pk])

    return form_page(
        request,
        ActionForm(request.POST or None, initial=initial),
        heading="Edit the key action",
        back=reverse("action", args=[action.pk]),
        save=save,
        done="Key action saved",
        caption=action.deliverable.reference,
    )


@require_http_methods(["GET", "POST"])
def milestone_new(request, pk):
    action = action_or_404(request.user, pk)
    editable_or_404(request.user, action.deliverable.programme)

    def save(data):
        actions.add_milestone(action=action, by=request.user, **data)
        return reverse("action", args=[action.pk])

    return form_page(
        request,
        MilestoneForm(request.POST or None),
        heading="Add a milestone",
        back=reverse("action", args=[action.pk]),
        save=save,
        done="Milestone added",
        caption=action.title[:80],
    )


def _milestone_step(request, pk, form_class, step, heading, done, initial=None):
    milestone = _milestone(request, pk)

    def save(data):
        step(milestone=milestone, by=request.user, **data)
        return reverse("action", args=[milestone.action_id])

    return form_page(
        request,
        form_class(request.POST or None, initial=initial),
        heading=heading,
        back=reverse("action", args=[milestone.action_id]),
        save=save,
        done=done,
        caption=f"{milestone.period}: {milestone.action.title[:80]}",
    )


@require_http_methods(["GET", "POST"])
def milestone_done(request, pk):
    return _milestone_step(
        request, pk, DoneForm, actions.complete_milestone, "Mark the milestone done", "Done"
    )


@require_http_methods(["GET", "POST"])
def milestone_reopen(request, pk):
    return _milestone_step(
        request, pk, ReasonForm, actions.reopen_milestone, "Reopen the milestone", "Reopened"
    )


@require_http_methods(["GET", "POST"])
def milestone_move(request, pk):
    return _milestone_step(
        request, pk, MoveForm, actions.move_milestone, "Move the milestone", "Milestone moved"
    )


@require_http_methods(["GET", "POST"])
def milestone_remove(request, pk):
    return _milestone_step(
        request, pk, ReasonForm, actions.remove_milestone, "Remove the milestone", "Removed"
    )


@require_http_methods(["GET", "POST"])
def contact_new(request):
    if not holds_anywhere(request.user, Permission.EDIT_PLANS):
        raise Http404("You may not add contacts")

    def save(data):
        actions.add_contact(by=request.user, **data)
        return reverse("programmes")

    return form_page(
        request,
        ContactForm(request.POST or None),
        heading="Add a named contact",
        back=reverse("programmes"),
        save=save,
        done="Contact added",
        caption="Someone named in plans who does not sign in",
    )


@require_http_methods(["GET", "POST"])
def baseline_new(request, pk):
    programme = editable_or_404(request.user, programme_or_404(request.user, pk))

    def save(data):
        baseline = actions.take_baseline(programme=programme, by=request.user, **data)
        return reverse("baseline", args=[baseline.pk])

    return form_page(
        request,
        BaselineForm(request.POST or None),
        heading="Save the plan's dates as a baseline",
        back=reverse("baselines", args=[programme.pk]),
        save=save,
        done="Baseline saved",
        caption=programme.name,
    )

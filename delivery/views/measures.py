"""Outcome measure pages, for a programme's editors: define a measure and change it, set its
trajectory one period and value a line, and record entered actuals with their evidence.
Anyone else, and anything out of scope, answers 404."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from delivery.actions import can_edit
from delivery.forms import ActualForm, MeasureForm, TrajectoryForm
from delivery.measures import (
    computed,
    define_measure,
    record_actual,
    set_trajectory,
    update_measure,
)
from delivery.models import Measure
from delivery.views.plans import programme_or_404, visible_programmes
from pcnhub.forms import add_action_errors


def _editable(user, programme):
    if not can_edit(user, programme):
        raise Http404("No such page")
    return programme


def measure_or_404(user, pk) -> Measure:
    """A measure of a programme the user may see and edit."""
    measure = (
        Measure.objects.select_related("programme", "area", "deliverable")
        .filter(pk=pk, programme__in=visible_programmes(user))
        .first()
    )
    if measure is None:
        raise Http404("No such measure")
    _editable(user, measure.programme)
    return measure


def _back(measure: Measure):
    return redirect(reverse("programme", args=[measure.programme_id]) + f"#measure-{measure.pk}")


def _run(form, action):
    """Run the action with the form's data; its refusals land on the form's fields."""
    try:
        return action(form.cleaned_data)
    except ValidationError as error:
        add_action_errors(form, error)
    except PermissionDenied as error:
        raise Http404(str(error)) from None
    return None


def _posted(request):
    return request.POST if request.method == "POST" else None


@require_http_methods(["GET", "POST"])
def measure_new(request, pk):
    programme = _editable(request.user, programme_or_404(request.user, pk))
    form = MeasureForm(_posted(request), programme=programme)
    if form.is_bound and form.is_valid():
        measure = _run(
            form, lambda data: define_measure(programme=programme, by=request.user, **data)
        )
        if measure is not None:
            messages.success(request, f"Measure defined: {measure.descriptor}")
            return _back(measure)
    context = {"programme": programme, "form": form, "measure": None}
    return TemplateResponse(request, "delivery/measure_form.html", context)


@require_http_methods(["GET", "POST"])
def measure_edit(request, pk):
    measure = measure_or_404(request.user, pk)
    form = MeasureForm(
        _posted(request), programme=measure.programme, initial=MeasureForm.initial_for(measure)
    )
    if form.is_bound and form.is_valid():
        done = _run(form, lambda data: update_measure(measure=measure, by=request.user, **data))
        if done is not None:
            messages.success(request, f"Measure changed: {measure.descriptor}")
            return _back(measure)
    context = {"programme": measure.programme, "form": form, "measure": measure}
    return TemplateResponse(request, "delivery/measure_form.html", context)


@require_http_methods(["GET", "POST"])
def measure_trajectory(request, pk):
    measure = measure_or_404(request.user, pk)
    form = TrajectoryForm(_posted(request), initial={"trajectory": TrajectoryForm.text_of(measure)})
    if form.is_bound and form.is_valid():
        pairs = form.cleaned_data["trajectory"]
        _run(form, lambda _: set_trajectory(measure=measure, values=pairs, by=request.user))
        if not form.errors:
            messages.success(request, f"Trajectory set: {len(pairs)} period(s)")
            return _back(measure)
    context = {"programme": measure.programme, "measure": measure, "form": form}
    return TemplateResponse(request, "delivery/measure_trajectory.html", context)


@require_http_methods(["GET", "POST"])
def measure_actual(request, pk):
    measure = measure_or_404(request.user, pk)
    calculation = computed(measure.computed) if measure.computed else None
    form = ActualForm(_posted(request))
    if form.is_bound and form.is_valid():
        point = _run(form, lambda data: record_actual(measure=measure, by=request.user, **data))
        if point is not None:
            messages.success(request, f"Actual recorded for {point.period}: {point.value}")
            return _back(measure)
    context = {
        "programme": measure.programme,
        "measure": measure,
        "form": form,
        "calculation": calculation,
        "actuals": measure.points.filter(planned=False),
    }
    return TemplateResponse(request, "delivery/measure_actual.html", context)

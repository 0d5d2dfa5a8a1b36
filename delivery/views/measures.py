"""Outcome measure pages, for a programme's editors: define a measure and change it, set its
trajectory one period and value a line, and record entered actuals with their evidence.
Anyone else, and anything out of scope, answers 404."""

from django.http import Http404
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from delivery.forms import ActualForm, MeasureForm, TrajectoryForm
from delivery.measures import (
    computed,
    define_measure,
    record_actual,
    set_trajectory,
    update_measure,
)
from delivery.models import Measure
from delivery.views.common import editable_or_404, form_page
from delivery.views.plans import programme_or_404, visible_programmes


def measure_or_404(user, pk) -> Measure:
    """A measure of a programme the user may see and edit."""
    measure = (
        Measure.objects.select_related("programme", "area", "deliverable")
        .filter(pk=pk, programme__in=visible_programmes(user))
        .first()
    )
    if measure is None:
        raise Http404("No such measure")
    editable_or_404(user, measure.programme)
    return measure


def _back(measure: Measure) -> str:
    return reverse("programme", args=[measure.programme_id]) + f"#measure-{measure.pk}"


@require_http_methods(["GET", "POST"])
def measure_new(request, pk):
    programme = editable_or_404(request.user, programme_or_404(request.user, pk))
    return form_page(
        request,
        MeasureForm(request.POST or None, programme=programme),
        save=lambda data: _back(define_measure(programme=programme, by=request.user, **data)),
        done="Measure defined",
        template="delivery/measure_form.html",
        programme=programme,
        measure=None,
    )


@require_http_methods(["GET", "POST"])
def measure_edit(request, pk):
    measure = measure_or_404(request.user, pk)
    form = MeasureForm(
        request.POST or None, programme=measure.programme, initial=MeasureForm.initial_for(measure)
    )
    return form_page(
        request,
        form,
        save=lambda data: _back(update_measure(measure=measure, by=request.user, **data)),
        done="Measure changed",
        template="delivery/measure_form.html",
        programme=measure.programme,
        measure=measure,
    )


@require_http_methods(["GET", "POST"])
def measure_trajectory(request, pk):
    measure = measure_or_404(request.user, pk)

    def save(data):
        set_trajectory(measure=measure, values=data["trajectory"], by=request.user)
        return _back(measure)

    return form_page(
        request,
        TrajectoryForm(
            request.POST or None, initial={"trajectory": TrajectoryForm.text_of(measure)}
        ),
        save=save,
        done="Trajectory set",
        template="delivery/measure_trajectory.html",
        programme=measure.programme,
        measure=measure,
    )


@require_http_methods(["GET", "POST"])
def measure_actual(request, pk):
    measure = measure_or_404(request.user, pk)

    def save(data):
        record_actual(measure=measure, by=request.user, **data)
        return _back(measure)

    return form_page(
        request,
        ActualForm(request.POST or None),
        save=save,
        done="Actual recorded",
        template="delivery/measure_actual.html",
        programme=measure.programme,
        measure=measure,
        calculation=computed(measure.computed) if measure.computed else None,
        actuals=measure.points.filter(planned=False),
    )

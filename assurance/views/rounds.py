"""A commissioner's rounds, a round's page with live figures and the month-by-month plan, the
forms to rate, respond, review and close it, and what changed since the round before."""

from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from assurance import actions
from assurance.figures import figure, figures
from assurance.forms import CloseForm, OpenRoundForm, RateForm, RespondForm, ReviewForm
from assurance.frameworks import grade
from assurance.models import Rating, Round
from assurance.rounds import changes_since_previous, ratings_of
from assurance.views.decorators import round_from_pk
from organisations.decorators import as_at_date, organisation_from_code
from organisations.models import OrgKind
from pcnhub.forms import form_page


@require_http_methods(["GET", "POST"])
@organisation_from_code
def commissioner_rounds(request, org):
    """Every round of the commissioner's, framework by framework, and a new one."""
    if org.kind in (OrgKind.ICS, OrgKind.REGION):
        return redirect("assurance_area", code=org.code)
    if org.kind != OrgKind.COMMISSIONER:
        raise Http404("Assurance rounds are a commissioner's")
    can_open = actions.may_rate(request.user, org) or actions.may_respond(request.user, org)
    if request.method == "POST" and not can_open:
        raise Http404("No such page")
    form = OpenRoundForm(request.POST or None) if can_open else None

    def run(data):
        opened = actions.open_round(
            framework=data["framework"],
            commissioner=org,
            label=data["label"],
            submitted_on=data["submitted_on"],
            carry_forward=data["carry_forward"] == "yes",
            by=request.user,
        )
        return _back(opened)

    rounds = (
        Round.objects.filter(commissioner=org)
        .select_related("framework")
        .annotate(total=Count("ratings"), rated=Count("ratings", filter=~Q(ratings__rating="")))
        .order_by("framework__title", "-submitted_on")
    )
    context = {"commissioner": org, "rounds": rounds}
    return form_page(
        request,
        form,
        save=run,
        done="Round opened",
        template="assurance/commissioner.html",
        **context,
    )


@require_GET
@round_from_pk
@as_at_date
def round_page(request, round, *, as_at, as_at_raw, as_at_error, today):
    """Ratings with reasons, responses, dates and comments, each measurable requirement's
    live figure on the page's date, and the planned actions as a grid of months."""
    scale = round.framework.scale
    ratings = ratings_of(round)
    live = figures([r.requirement for r in ratings], round.commissioner, as_at)
    months = round.framework.plan_months()
    rows = [
        (r, grade(scale, r.rating) if r.rating else None, live.get(r.requirement_id))
        for r in ratings
    ]
    grid = [(r, [_planned(r, m) for m in months]) for r in ratings] if months else []
    context = {
        "round": round,
        "rows": rows,
        "grid": grid,
        "months": months,
        "overall": round.overall_grade,
        "can_rate": round.is_open and actions.may_rate(request.user, round.commissioner),
        "can_respond": round.is_open and actions.may_respond(request.user, round.commissioner),
        "as_at": as_at,
        "as_at_raw": as_at_raw,
        "today": today,
        "errors": [("as_at", as_at_error)] if as_at_error else [],
    }
    return TemplateResponse(request, "assurance/round.html", context)


def _planned(rating: Rating, month) -> str:
    return next((p.text for p in rating.planned.all() if p.month == month), "")


def _rating_or_404(round: Round, key: str) -> Rating:
    found = (
        Rating.objects.select_related("requirement")
        .prefetch_related("planned")
        .filter(round=round, requirement__key=key)
        .first()
    )
    if found is None:
        raise Http404("No such requirement in this round")
    return found


def _back(round: Round, key: str = "") -> str:
    url = reverse("assurance_round", args=[round.pk])
    return f"{url}#requirement-{key}" if key else url


@require_http_methods(["GET", "POST"])
@round_from_pk
def rate_page(request, round, key):
    if not actions.may_rate(request.user, round.commissioner):
        raise Http404("No such page")
    rating = _rating_or_404(round, key)
    initial = {
        "rating": rating.rating,
        "reasons": rating.reasons,
        "reviewer_comments": rating.reviewer_comments,
    }
    form = RateForm(request.POST or None, framework=round.framework, initial=initial)

    def run(data):
        actions.rate(round=round, requirement=key, by=request.user, **data)
        return _back(round, key)

    live = figure(rating.requirement, round.commissioner, timezone.localdate())
    context = {"round": round, "rating": rating, "figure": live}
    return form_page(
        request, form, save=run, done="Rating recorded", template="assurance/rate.html", **context
    )


@require_http_methods(["GET", "POST"])
@round_from_pk
def respond_page(request, round, key):
    if not actions.may_respond(request.user, round.commissioner):
        raise Http404("No such page")
    rating = _rating_or_404(round, key)
    months = round.framework.plan_months()
    initial = {
        "response": rating.response,
        "actions": rating.actions,
        "expected_on": rating.expected_on,
        "expected_note": rating.expected_note,
        **{f"planned_{m:%Y_%m}": _planned(rating, m) for m in months},
    }
    form = RespondForm(request.POST or None, months=months, initial=initial)

    def run(data):
        actions.respond(
            round=round,
            requirement=key,
            response=data["response"],
            actions=data["actions"],
            expected_on=data["expected_on"],
            expected_note=data["expected_note"],
            planned=form.planned() if months else None,
            by=request.user,
        )
        return _back(round, key)

    context = {"round": round, "rating": rating, "months": months}
    return form_page(
        request,
        form,
        save=run,
        done="Response recorded",
        template="assurance/respond.html",
        **context,
    )


@require_http_methods(["GET", "POST"])
@round_from_pk
def review_page(request, round):
    if not actions.may_rate(request.user, round.commissioner):
        raise Http404("No such page")
    initial = {"overall_rating": round.overall_rating, "overall_comments": round.overall_comments}
    form = ReviewForm(request.POST or None, framework=round.framework, initial=initial)

    def run(data):
        actions.review_round(round=round, by=request.user, **data)
        return _back(round)

    context = {"round": round}
    return form_page(
        request, form, save=run, done="Review recorded", template="assurance/review.html", **context
    )


@require_http_methods(["GET", "POST"])
@round_from_pk
def close_page(request, round):
    if not actions.may_rate(request.user, round.commissioner):
        raise Http404("No such page")
    form = CloseForm(request.POST or None)

    def run(data):
        actions.close_round(round=round, statement=data["statement"], by=request.user)
        return _back(round)

    unrated = round.ratings.filter(rating="").count()
    context = {"round": round, "unrated": unrated}
    return form_page(
        request,
        form,
        save=run,
        done="Round closed and signed",
        template="assurance/close.html",
        **context,
    )


@require_GET
@round_from_pk
def changes_page(request, round):
    """Per requirement, what changed since the commissioner's round before this one."""
    previous, changes = changes_since_previous(round)
    context = {"round": round, "previous": previous, "changes": changes}
    return TemplateResponse(request, "assurance/changes.html", context)

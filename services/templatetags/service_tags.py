"""Sign-up status tags in the NHS.UK colours, the same on every service page."""

from django import template

from services.models import SignUpStatus

register = template.Library()

TAG_CLASSES = {
    SignUpStatus.LIVE: "nhsuk-tag--green",
    SignUpStatus.SIGNED_UP: "nhsuk-tag--blue",
    SignUpStatus.PLANNED: "nhsuk-tag--yellow",
    SignUpStatus.WITHDRAWN: "nhsuk-tag--red",
    SignUpStatus.NOT_SIGNED_UP: "nhsuk-tag--grey",
}


@register.filter
def signup_tag_class(status: str) -> str:
    return TAG_CLASSES.get(status, "nhsuk-tag--white")


@register.filter
def per_1000(value) -> str:
    """Minutes per 1,000 patients as people read them: one decimal place, or a dash."""
    return "–" if value is None else f"{value:,.1f}"


@register.filter
def percent(value) -> str:
    return "–" if value is None else f"{value:.1f}%"

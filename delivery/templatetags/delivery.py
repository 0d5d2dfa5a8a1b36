"""Status tags in the NHS.UK colours, the same on every plan page."""

from django import template

from delivery.models import Status

register = template.Library()

TAG_CLASSES = {
    Status.COMPLETE: "nhsuk-tag--blue",
    Status.ON_TRACK: "nhsuk-tag--green",
    Status.AT_RISK: "nhsuk-tag--yellow",
    Status.OFF_TRACK: "nhsuk-tag--red",
    Status.NOT_STARTED: "nhsuk-tag--grey",
}


@register.filter
def status_tag_class(status: str) -> str:
    return TAG_CLASSES.get(status, "nhsuk-tag--grey")


@register.filter
def status_label(status: str) -> str:
    return Status(status).label if status in Status.values else status

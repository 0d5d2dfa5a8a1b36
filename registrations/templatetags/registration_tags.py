"""NHS.UK tag colours for registration statuses and rule results."""

from django import template

register = template.Library()

STATUS_CLASSES = {
    "draft": "nhsuk-tag--grey",
    "submitted": "nhsuk-tag--blue",
    "under_review": "nhsuk-tag--purple",
    "returned": "nhsuk-tag--orange",
    "approved": "nhsuk-tag--green",
    "approved_exception": "nhsuk-tag--aqua-green",
    "assured": "nhsuk-tag--green",
}
RESULT_CLASSES = {
    "pass": "nhsuk-tag--green",
    "warning": "nhsuk-tag--yellow",
    "fail": "nhsuk-tag--red",
}
RESULT_LABELS = {"pass": "Pass", "warning": "Warning", "fail": "Fail"}


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "nhsuk-tag--grey")


@register.filter
def result_class(result: str) -> str:
    return RESULT_CLASSES.get(result, "nhsuk-tag--grey")


@register.filter
def result_label(result: str) -> str:
    return RESULT_LABELS.get(result, result)

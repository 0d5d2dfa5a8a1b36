"""Django form errors in the shape the NHS.UK error summary wants: (field id, message)."""

from django import template

register = template.Library()


@register.simple_tag
def form_error_list(form):
    """Errors not tied to one field link to the first field, so the summary is always usable."""
    fields = list(form)
    errors = []
    first_id = fields[0].auto_id if fields else ""
    errors += [(first_id, message) for message in form.non_field_errors()]
    for field in fields:
        errors += [(field.auto_id, message) for message in field.errors]
    return errors

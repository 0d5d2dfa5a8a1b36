"""Form helpers every app uses: dates as people type them, and actions' refusals shown on the
form they came from."""

from django import forms
from django.core.exceptions import ValidationError

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
DATE_HELP = "For example, 2019-05-15 or 15/05/2019"


def date_field(label, **kwargs):
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        help_text=kwargs.pop("help_text", DATE_HELP),
        error_messages={"invalid": f"Enter {label.lower()} as a real date, {DATE_HELP.lower()}"},
        **kwargs,
    )


def add_action_errors(form: forms.Form, error: ValidationError) -> None:
    """Put an action's refusal on the form: on its field where the form has one."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)

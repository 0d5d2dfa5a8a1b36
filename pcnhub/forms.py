"""Form helpers every app uses: dates as people type them, actions' refusals shown on the form
they came from, and the page that runs a form through an action."""

import tempfile
from contextlib import contextmanager
from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from organisations.models import KIND_NAMES, Organisation

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


def form_page(request, form, *, save, done, template, **context):
    """Show the form; on a valid POST run `save(cleaned_data)`, which calls the action and
    returns where to go, and go there told `done`. An action's ValidationError lands on the
    form, field by field, for the error summary; its PermissionDenied answers 404, as
    anything out of reach does. `context`: the template's own."""
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


@contextmanager
def uploaded(upload):
    """An uploaded file on disk under its own name (so problem reports name it), removed after."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(upload.name).name
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        yield path


class SpreadsheetField(forms.FileField):
    """A .csv or .xlsx file of at most 5 MB."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and not upload.name.lower().endswith((".csv", ".xlsx")):
            raise ValidationError("The file must be a .csv or .xlsx file")
        if upload and upload.size > 5 * 1024 * 1024:
            raise ValidationError("The file must be 5 MB or smaller")
        return upload


def kinds_named(kinds) -> str:
    return " or ".join(KIND_NAMES.get(kind, kind) for kind in kinds)


class OdsCodeField(forms.CharField):
    """An ODS code typed or pasted by a person, resolved to an organisation of the kinds
    allowed."""

    def __init__(self, *args, kinds: tuple[str, ...], **kwargs):
        self.kinds = kinds
        kwargs.setdefault("max_length", 12)
        super().__init__(*args, **kwargs)

    def clean(self, value):
        code = super().clean(value).strip().upper()
        if not code:
            return None
        found = Organisation.objects.filter(code=code, kind__in=self.kinds).first()
        if found is None:
            raise ValidationError(f"There is no {kinds_named(self.kinds)} with ODS code {code}")
        return found


class OdsCodesField(forms.CharField):
    """Several ODS codes, separated by spaces, commas or new lines, each resolved to an
    organisation of the kinds allowed; the unknown ones are named."""

    widget = forms.Textarea(attrs={"rows": 4})

    def __init__(self, *args, kinds: tuple[str, ...], **kwargs):
        self.kinds = kinds
        super().__init__(*args, **kwargs)

    def clean(self, value):
        codes = list(dict.fromkeys(super().clean(value).replace(",", " ").upper().split()))
        found = {
            o.code: o for o in Organisation.objects.filter(code__in=codes, kind__in=self.kinds)
        }
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise ValidationError(
                f"No {kinds_named(self.kinds)} with ODS code {', '.join(unknown)}"
            )
        return [found[c] for c in codes]

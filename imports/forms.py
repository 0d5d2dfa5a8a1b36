"""The upload form: one NHS file, and optionally which kind it is."""

from django import forms
from django.conf import settings

from pcnhub.forms import date_field


class UploadForm(forms.Form):
    file = forms.FileField(
        label="File to import",
        error_messages={
            "required": "Select a file to import",
            "empty": "The selected file is empty",
        },
    )
    kind = forms.ChoiceField(label="Kind of file", required=False)
    period = date_field(
        "Date the file describes",
        required=False,
        help_text="For a file that carries no date of its own (ODS epraccur): the day ODS "
        "published it, e.g. 2022-12-05. Leave empty to take a date in the file's name "
        "(epraccur-2022-12.csv).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read here, not at import time: the catalogue of kinds loads the importers.
        from imports.kinds import KIND_CHOICES

        self.fields["kind"].choices = [("", "Work it out from the file"), *KIND_CHOICES]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The selected file is {upload.size / 2**20:,.0f} MB: the most PCN Hub takes is "
                f"{limit / 2**20:,.0f} MB"
            )
        return upload

"""The upload form: one NHS file, and optionally which kind it is."""

from django import forms


class UploadForm(forms.Form):
    file = forms.FileField(
        label="File to import",
        error_messages={
            "required": "Select a file to import",
            "empty": "The selected file is empty",
        },
    )
    kind = forms.ChoiceField(label="Kind of file", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read here, not at import time: the catalogue of kinds loads the importers.
        from imports.kinds import KIND_CHOICES

        self.fields["kind"].choices = [("", "Work it out from the file"), *KIND_CHOICES]

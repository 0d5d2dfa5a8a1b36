from django import forms

from delivery.models import Status


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=Status.choices)
    commentary = forms.CharField(
        label="Commentary",
        help_text="What has happened, and what happens next; kept with your name and the date",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what has happened"},
    )
    decision_needed = forms.CharField(
        label="Decision needed (optional)",
        required=False,
        help_text="What the programme board is asked to decide; shown in the highlight report",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

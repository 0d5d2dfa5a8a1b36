from django import forms

from accounts.permissions import Permission, scope_filter
from delivery.models import Status
from organisations.models import Organisation, OrgKind
from pcnhub.forms import SpreadsheetField, date_field


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


ADD_CONTACTS = [
    ("no", "No: refuse the file if an owner is not in PCN Hub"),
    ("yes", "Yes: add owners PCN Hub does not know as new contacts"),
]


class PlanFileForm(forms.Form):
    """A plan in the STP implementation plan's layout (delivery.plan_import)."""

    file = SpreadsheetField(label="Plan file", help_text="A .csv or .xlsx file, at most 5 MB")
    add_contacts = forms.TypedChoiceField(
        label="Owners not in PCN Hub",
        choices=ADD_CONTACTS,
        coerce=lambda value: value == "yes",
        help_text="Each owner must be a person who signs in (username or full name) or a contact",
    )


class NewPlanForm(PlanFileForm):
    """A new programme, over organisations the planner may plan for, and its plan's file."""

    name = forms.CharField(label="Programme name", max_length=200)
    start = date_field("Start date", help_text="For example, 2017-04-01 or 01/04/2017")
    end = date_field("End date", help_text="For example, 2021-03-31 or 31/03/2021")
    organisations = forms.ModelMultipleChoiceField(
        label="Organisations it covers",
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Who plans it and who sees it: an STP or ICS, commissioners",
        error_messages={"required": "Choose at least one organisation the programme covers"},
    )
    field_order = ["name", "start", "end", "organisations", "file", "add_contacts"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = Organisation.objects.filter(
            scope_filter(user, Permission.EDIT_PLANS),
            kind__in=[OrgKind.REGION, OrgKind.ICS, OrgKind.COMMISSIONER],
        ).order_by("kind", "name")


class SignReportForm(forms.Form):
    period = forms.CharField(widget=forms.HiddenInput)
    statement = forms.CharField(
        label="What you sign",
        required=False,
        help_text="For example, the board meeting it was presented to",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

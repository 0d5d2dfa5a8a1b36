from django import forms

from organisations.models import OrgKind
from pcnhub.forms import OdsCodesField, SpreadsheetField, date_field
from services.actions import MAX_MINUTES, NOTE_LENGTH
from services.catalogue import scheme_choices, service_choices
from services.models import SignUpStatus

REASON_LENGTH = 300


class SignUpForm(forms.Form):
    service = forms.ChoiceField(label="Service", choices=service_choices)
    status = forms.ChoiceField(label="Status", choices=SignUpStatus.choices)
    valid_from = date_field(
        "Date it holds from",
        help_text="It stands until the next status recorded for this service. For example, "
        "2019-10-01 or 01/10/2019",
    )
    note = forms.CharField(
        label="Where this comes from",
        max_length=NOTE_LENGTH,
        required=False,
        help_text="For example, the CQRS sign-up or the practice's email; kept with the status",
    )
    reason = forms.CharField(
        label="Reason for the change",
        max_length=REASON_LENGTH,
        required=False,
        help_text="Why you are recording or correcting it, for example 'the practice went live "
        "a month early'; kept in the history with your name and the time",
    )


class SignUpFileForm(forms.Form):
    file = SpreadsheetField(
        label="Sign-ups file",
        help_text="A .csv or .xlsx with columns Practice ODS code, Service, Status, From and, "
        "optionally, Practice name and Note",
    )


def _minutes(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=MAX_MINUTES,
        error_messages={
            "required": f"Enter the {label.lower()}, 0 if none",
            "invalid": f"Enter the {label.lower()} as a whole number",
        },
    )


def _scheme() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Scheme it counts towards",
        choices=lambda: [("", "Choose a scheme")] + scheme_choices(),
        help_text="Each record counts towards one scheme: the CCG's extended access (hubs, "
        "GP Forward View), the network's Extended Hours (1 July 2019 to 30 September 2022) or "
        "Enhanced Access (from 1 October 2022)",
        error_messages={"required": "Choose the scheme this provision counts towards"},
    )


class ProvisionForm(forms.Form):
    scheme = _scheme()
    valid_from = date_field("Offered from")
    evening_minutes = _minutes("Minutes a week on weekday evenings")
    weekend_minutes = _minutes("Minutes a week at weekends")
    practices = OdsCodesField(
        label="Practices it covers",
        kinds=(OrgKind.PRACTICE,),
        required=False,
        help_text="ODS codes separated by commas or on separate lines. Leave blank for a "
        "PCN's member practices on the date (a practice: itself)",
    )
    description = forms.CharField(
        label="Where and when",
        max_length=300,
        required=False,
        help_text="For example, Northwick hub, Monday to Friday 18:30 to 20:00",
    )


class EndProvisionForm(forms.Form):
    scheme = _scheme()
    on = date_field("No provision from")

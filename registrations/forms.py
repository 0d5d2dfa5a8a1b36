"""Registration forms. They clean what a person typed; the rules live in registrations.actions,
whose refusals are shown through the same error summary (add_action_errors)."""

import json

from django import forms
from django.core.exceptions import ValidationError
from shapely.errors import GEOSException

from organisations.models import OrgKind
from pcnhub.forms import OdsCodeField, OdsCodesField, SpreadsheetField, date_field
from registrations.actions import DECISIONS
from registrations.changes import KIND_FIELDS
from registrations.encryption import UNREADABLE, Unreadable
from registrations.facts import area_parts
from registrations.models import Profession, Status, VariationStatus

YES_NO = [("no", "No"), ("yes", "Yes")]


class MembersForm(forms.Form):
    codes = forms.CharField(
        label="Member practices' ODS codes",
        help_text="One ODS code a line, or separated by commas or spaces, for example A81001",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Enter the ODS code of at least one member practice"},
    )

    def clean_codes(self) -> list[str]:
        return self.cleaned_data["codes"].replace(",", " ").split()


class DetailsForm(forms.Form):
    area_description = forms.CharField(
        label="Network area",
        help_text="Describe the area the network serves: towns, villages, boundaries",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    area_map = forms.FileField(
        label="Map of the network area (GeoJSON)",
        help_text="A .geojson file of the boundary; leave empty to keep the current map",
        required=False,
    )
    clinical_director_name = forms.CharField(
        label="Clinical Director", max_length=120, required=False
    )
    clinical_director_profession = forms.ChoiceField(
        label="Clinical Director's profession",
        choices=[("", "Not given"), *Profession.choices],
        required=False,
    )
    clinical_director_practice = forms.ChoiceField(
        label="Member practice the Clinical Director works in", required=False
    )
    clinical_director_sessions = forms.DecimalField(
        label="Contracted sessions a week",
        max_digits=4,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    clinical_director_wte = forms.DecimalField(
        label="Or whole-time equivalent",
        max_digits=4,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    clinical_director_start = date_field("Clinical Director start date", required=False)
    payee_practice = forms.ChoiceField(label="Nominated payee: member practice", required=False)
    payee_provider_name = forms.CharField(
        label="Or another provider's name",
        help_text="Leave empty when a member practice is the payee",
        max_length=200,
        required=False,
    )
    payee_provider_code = forms.CharField(
        label="Provider's ODS code", max_length=12, required=False
    )
    bank_account_name = forms.CharField(label="Bank account name", max_length=140, required=False)
    bank_sort_code = forms.CharField(
        label="Sort code", help_text="6 digits, for example 12-34-56", max_length=8, required=False
    )
    bank_account_number = forms.CharField(
        label="Account number", help_text="8 digits", max_length=10, required=False
    )
    extended_hours = forms.ChoiceField(label="Signed up to extended hours", choices=YES_NO)
    extended_hours_signed_on = date_field("Extended hours sign-up date", required=False)
    cross_boundary_reason = forms.CharField(
        label="Cross-boundary network: why",
        help_text="Only when members sit under another commissioner",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    reason = forms.CharField(
        label="What are you changing, and why?", max_length=200, required=False
    )

    def __init__(self, *args, registration, members, **kwargs):
        self.registration = registration
        self.practices = {p.code: p for p in members}
        choices = [("", "None chosen")] + [(p.code, f"{p.name} ({p.code})") for p in members]
        initial = {
            name: getattr(registration, name)
            for name in self.base_fields
            if hasattr(registration, name) and not name.startswith(("bank_", "area_map"))
        }
        initial["extended_hours"] = "yes" if registration.extended_hours else "no"
        for name in ("clinical_director_practice", "payee_practice"):
            org = getattr(registration, name)
            initial[name] = org.code if org else ""
        if isinstance(registration.bank_account_name, str):
            initial["bank_account_name"] = registration.bank_account_name
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["clinical_director_practice"].choices = choices
        self.fields["payee_practice"].choices = choices
        keep = "leave empty to keep the one on record"
        if registration.has_bank_details:
            self.fields[
                "bank_sort_code"
            ].help_text = f"On record: {registration.masked_sort_code}; {keep}"
            self.fields[
                "bank_account_number"
            ].help_text = f"On record: {registration.masked_account_number}; {keep}"
        for name in ("bank_account_name", "bank_sort_code", "bank_account_number"):
            if isinstance(getattr(registration, name), Unreadable):
                self.fields[name].help_text = f"On record, but {UNREADABLE}; {keep}"

    def clean_area_map(self):
        upload = self.cleaned_data.get("area_map")
        if not upload:
            return None
        try:
            geojson = json.loads(upload.read().decode("utf-8"))
            if not isinstance(geojson, dict) or area_parts(geojson) is None:
                raise ValueError("no area")
        except (ValueError, UnicodeDecodeError, KeyError, TypeError, AttributeError, GEOSException):
            raise ValidationError(
                "The map must be a GeoJSON file with a Polygon or MultiPolygon boundary"
            ) from None
        return geojson

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("reason")
        for name in ("clinical_director_practice", "payee_practice"):
            data[name] = self.practices.get(data[name])
        data["extended_hours"] = data["extended_hours"] == "yes"
        if data["area_map"] is None:
            data.pop("area_map")
        for name in ("bank_sort_code", "bank_account_number"):
            if not data[name] and self.registration.has_bank_details:
                data.pop(name)
        if not data["bank_account_name"] and isinstance(
            self.registration.bank_account_name, Unreadable
        ):
            data.pop("bank_account_name")
        return data


class DocumentForm(forms.Form):
    key = forms.ChoiceField(label="Document")
    signed_on = date_field("Date signed")
    file = forms.FileField(label="The signed document", required=False)

    def __init__(self, *args, year, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = [(d.key, d.label) for d in year.documents]


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Decision", choices=[(s.value, Status(s).label) for s in DECISIONS]
    )
    panel_date = date_field("Panel date")
    decision_makers = forms.CharField(
        label="Decision makers",
        help_text="The panel or committee and who sat on it",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    exception_reason = forms.CharField(
        label="Approved exception: reason",
        help_text="For approval with exception, e.g. a rural and remote natural community",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    conditions = forms.CharField(
        label="Conditions", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    reason = forms.CharField(
        label="Reasons",
        help_text="Required when returning the registration",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Comment", widget=forms.Textarea(attrs={"rows": 2}), max_length=500, required=False
    )


class VariationForm(forms.Form):
    status = forms.ChoiceField(label="Contract variation", choices=VariationStatus.choices)
    signed_on = date_field("Date signed", required=False)


class ChangeForm(forms.Form):
    """One form for every kind of change; only the kind's own fields are kept."""

    practice = OdsCodeField(label="Practice ODS code", kinds=(OrgKind.PRACTICE,))
    target_pcn = OdsCodeField(label="The other PCN's ODS code", kinds=(OrgKind.PCN,))
    absorbing_practice = OdsCodeField(
        label="ODS code of the practice it merges into", kinds=(OrgKind.PRACTICE,)
    )
    new_pcn_code = forms.CharField(
        label="New PCN's ODS code", help_text="As ODS assigned it, like U12345", max_length=12
    )
    new_pcn_name = forms.CharField(label="New PCN's name", max_length=200)
    practices = OdsCodesField(
        label="Practices forming the new PCN",
        help_text="ODS codes, one a line or comma-separated",
        kinds=(OrgKind.PRACTICE,),
    )
    clinical_director_name = forms.CharField(label="Clinical Director", max_length=120)
    clinical_director_profession = forms.ChoiceField(
        label="Profession", choices=[("", "Not given"), *Profession.choices], required=False
    )
    clinical_director_practice = OdsCodeField(
        label="ODS code of the practice the Clinical Director works in", kinds=(OrgKind.PRACTICE,)
    )
    payee_practice = OdsCodeField(
        label="Nominated payee: member practice ODS code", kinds=(OrgKind.PRACTICE,), required=False
    )
    payee_provider_name = forms.CharField(
        label="Or another provider's name", max_length=200, required=False
    )
    bank_account_name = forms.CharField(label="Bank account name", max_length=140)
    bank_sort_code = forms.CharField(label="Sort code", help_text="6 digits", max_length=8)
    bank_account_number = forms.CharField(
        label="Account number", help_text="8 digits", max_length=10
    )
    effective_date = date_field("Effective date")
    reason = forms.CharField(
        label="Why is the change needed?", widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        keep = set(KIND_FIELDS[kind]) | {"effective_date", "reason"}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]


class ChangeDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision", choices=[("approve", "Approve"), ("reject", "Reject")]
    )
    committee = forms.CharField(label="Committee", max_length=200, required=False)
    decision_date = date_field("Date of the decision", required=False)
    decision_notes = forms.CharField(
        label="Notes",
        help_text="Required when rejecting",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class RegistrationFileForm(forms.Form):
    file = SpreadsheetField(
        label="Registration file", help_text="A .csv or .xlsx file, at most 5 MB"
    )
    submit = forms.ChoiceField(
        label="Submit the registrations once imported",
        choices=[("no", "No, keep them as drafts"), ("yes", "Yes, submit them")],
    )

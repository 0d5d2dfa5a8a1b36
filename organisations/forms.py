"""Hand corrections to an organisation: what ODS does not publish (contract type) or has
wrong. Every change needs a reason, which the history shows beside who made it."""

import re

from django import forms

from organisations.actions import EDITABLE_FIELDS
from organisations.models import ContractType, Organisation
from pcnhub.forms import date_field

POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")


class OrganisationForm(forms.Form):
    name = forms.CharField(max_length=200, error_messages={"required": "Enter the name"})
    address = forms.CharField(max_length=400, required=False)
    postcode = forms.CharField(max_length=10, required=False, help_text="For example, TS18 1HU")
    contract_type = forms.ChoiceField(
        choices=[("", "Not recorded"), *ContractType.choices], required=False
    )
    supplier = forms.CharField(
        label="Clinical system supplier", max_length=60, required=False, help_text="e.g. EMIS, TPP"
    )
    phone = forms.CharField(label="Telephone", max_length=40, required=False)
    reason = forms.CharField(
        label="Why are you making this change?",
        help_text="Shown in the organisation's history, with your name and the date",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=200,
        error_messages={"required": "Enter why you are making this change"},
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        initial = {name: getattr(organisation, name) for name in self.editable()}
        super().__init__(*args, initial=initial, **kwargs)
        self.organisation = organisation

    @classmethod
    def editable(cls) -> list[str]:
        return [name for name in cls.base_fields if name in EDITABLE_FIELDS]

    def clean_postcode(self):
        postcode = " ".join(self.cleaned_data["postcode"].upper().split())
        if postcode and not POSTCODE.match(postcode):
            raise forms.ValidationError("Enter a real postcode, for example TS18 1HU")
        return postcode

    def changes(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in self.editable()
            if self.cleaned_data[name] != getattr(self.organisation, name)
        }


class PopulationForm(forms.Form):
    """A population entered by hand, with the reason the history shows."""

    measure = forms.ChoiceField(
        label="Which population",
        choices=[
            ("weighted", "Contractor weighted population"),
            ("adjusted", "PCN adjusted population"),
            ("registered", "Registered patients"),
        ],
        error_messages={"required": "Choose which population this is"},
    )
    as_at = date_field("Date the figure stands for")
    value = forms.DecimalField(
        label="Population",
        help_text="To the hundredth where published so, for example 8292.59",
        max_digits=12,
        decimal_places=2,
        min_value=0,
        error_messages={
            "required": "Enter the population",
            "invalid": "Enter the population as a number, for example 8292.59",
            "min_value": "The population must be zero or more",
            "max_decimal_places": "Enter the population to at most two decimal places",
            "max_digits": "Enter a population below 10,000,000,000",
        },
    )
    reason = forms.CharField(
        label="Where is this figure from?",
        help_text="For example, the PCSE statement of 3 February 2020. Shown beside the figure",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=200,
        error_messages={"required": "Enter where the figure is from"},
    )

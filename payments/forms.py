"""The rate revision form: one entitlement's new value, and when and where it was published."""

from django import forms

from payments.rates import ENTITLEMENTS, STATUSES
from pcnhub.forms import SpreadsheetField, date_field


class RevisionForm(forms.Form):
    entitlement = forms.ChoiceField(label="Entitlement")
    value = forms.DecimalField(label="New rate", max_digits=12, decimal_places=5, min_value=0)
    label = forms.CharField(
        label="Name of the version", help_text="For example, 2024/25 revision (September 2024)"
    )
    published = date_field("Date published")
    effective_from = date_field(
        "Effective from", help_text="May be earlier than published: months paid get arrears"
    )
    source = forms.CharField(
        label="Source",
        help_text="The letter, specification or page",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    status = forms.ChoiceField(
        label="How sure is the figure",
        choices=[(s, s.replace("_", " ").capitalize()) for s in STATUSES],
    )
    note = forms.CharField(
        label="Note",
        help_text="Required unless confirmed: why it is single source, conflicting or derived",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    supersedes = forms.ChoiceField(label="Supersedes")

    def __init__(self, *args, year: str, chain, **kwargs):
        super().__init__(*args, **kwargs)
        names = sorted({r.entitlement for v in chain for r in v.rates})
        self.fields["entitlement"].choices = [(n, ENTITLEMENTS[n]) for n in names]
        self.fields["supersedes"].choices = [(v.label, v.label) for v in reversed(chain)]


class StatementForm(forms.Form):
    file = SpreadsheetField(
        label="Payment statement",
        help_text="A .csv or .xlsx file with columns Payee ODS code, Month, Amount and, "
        "optionally, Entitlement",
    )

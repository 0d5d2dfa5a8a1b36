"""The rate revision form: one entitlement's new value, and when and where it was published."""

from decimal import Decimal

from django import forms

from payments.models import AwardStage, FundKind, ShareMethod
from payments.rates import ENTITLEMENTS, STATUSES
from pcnhub.forms import OdsCodeField, SpreadsheetField, date_field


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
    reason = forms.CharField(
        label="Why it is revised",
        help_text="For the second person who approves it, and the audit",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, year: str, chain, **kwargs):
        super().__init__(*args, **kwargs)
        names = sorted({r.entitlement for v in chain for r in v.rates})
        self.fields["entitlement"].choices = [(n, ENTITLEMENTS[n]) for n in names]
        self.fields["supersedes"].choices = [(v.label, v.label) for v in reversed(chain)]


class DecisionForm(forms.Form):
    """Approving or rejecting a proposed revision; the action requires a reason to reject."""

    reason = forms.CharField(
        label="Reason",
        help_text="Required to reject; optional to approve",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class StatementForm(forms.Form):
    file = SpreadsheetField(
        label="Payment statement",
        help_text="A .csv or .xlsx file with columns Payee ODS code, Month, Amount and, "
        "optionally, Entitlement",
    )


class InputsForm(forms.Form):
    """A year's figures for one PCN: beds for each month, IIF points, the assessed share."""

    iif_points = forms.DecimalField(
        label="IIF points achieved", max_digits=7, decimal_places=2, min_value=0, required=False
    )
    improvement_share = forms.DecimalField(
        label="Capacity and Access Improvement: share assessed (%)",
        help_text="0 to 100; the improvement payment is this share of its maximum",
        max_digits=5,
        decimal_places=1,
        min_value=0,
        max_value=100,
        required=False,
    )
    reason = forms.CharField(label="Where the figures come from", max_length=200)

    def __init__(self, *args, months, beds, achievement, **kwargs):
        initial = {
            "iif_points": achievement.iif_points if achievement else None,
            "improvement_share": achievement.improvement_share * 100
            if achievement and achievement.improvement_share is not None
            else None,
        }
        initial |= {f"beds_{m:%Y_%m}": beds.get(m) for m in months}
        super().__init__(*args, initial=initial, **kwargs)
        self.months = months
        for month in reversed(months):
            self.fields = {
                f"beds_{month:%Y_%m}": forms.IntegerField(
                    label=f"Care home beds, {month:%B %Y}", min_value=0, required=False
                ),
                **self.fields,
            }

    def beds(self) -> dict:
        return {m: self.cleaned_data[f"beds_{m:%Y_%m}"] for m in self.months}

    def share(self):
        value = self.cleaned_data["improvement_share"]
        return None if value is None else value / 100


class BedsFileForm(forms.Form):
    file = SpreadsheetField(
        label="Beds file", help_text="A .csv or .xlsx with columns PCN ODS code, Month, Beds"
    )


class ShareRuleForm(forms.Form):
    entitlement = forms.ChoiceField(label="Entitlement", required=False)
    method = forms.ChoiceField(label="Shared out", choices=ShareMethod.choices)
    weights = forms.CharField(
        label="Percentages or points",
        help_text="For agreed percentages or points only: ODS code=number, "
        "e.g. A81001=40, A81002=60",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, entitlements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entitlement"].choices = [("", "Every other entitlement")] + [
            (key, ENTITLEMENTS[key]) for key in entitlements
        ]


class StaffForm(forms.Form):
    ref = forms.CharField(
        label="Staff reference", help_text="Your reference, not a name", max_length=60
    )
    role = forms.ChoiceField(label="Role")
    band = forms.CharField(label="Agenda for Change band", max_length=10, required=False)
    wte = forms.DecimalField(label="Whole-time equivalent", max_digits=4, decimal_places=2)
    start = date_field("Start date")
    end = date_field("End date", required=False)
    annual_salary = forms.DecimalField(
        label="Actual salary a year (£)", max_digits=10, decimal_places=2
    )
    annual_ni = forms.DecimalField(label="Employer NI a year (£)", max_digits=10, decimal_places=2)
    annual_pension = forms.DecimalField(
        label="Employer pension a year (£)", max_digits=10, decimal_places=2
    )
    employer = forms.CharField(label="Employing organisation", max_length=200)
    london = forms.ChoiceField(
        label="London weighting",
        choices=[("", "None"), ("outer_london", "Outer London"), ("inner_london", "Inner London")],
        required=False,
    )
    in_baseline = forms.ChoiceField(
        label="In the workforce baseline",
        choices=[("no", "No: additional"), ("yes", "Yes: not claimable")],
    )

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r.key, f"{r.label} (band {r.band})") for r in roles]

    def record(self) -> dict:
        data = dict(self.cleaned_data)
        data["in_baseline"] = data["in_baseline"] == "yes"
        return data


class ClaimForm(forms.Form):
    staff = forms.ChoiceField(label="Member of staff")
    month = forms.ChoiceField(label="Month")
    amount = forms.DecimalField(
        label="Amount (£)",
        help_text="Leave empty to claim what the role allows",
        max_digits=10,
        decimal_places=2,
        required=False,
    )
    evidence = forms.FileField(label="Evidence (payslip or invoice)", required=False)
    over_budget = forms.TypedChoiceField(
        label="Over budget",
        help_text="Confirm only when you have been warned the claim takes the network over its "
        "ARR Sum, 2019/20 entitlement or GP ARRS sum",
        choices=[("no", "No"), ("yes", "Yes: I confirm this claim is over budget")],
        coerce=lambda value: value == "yes",
        empty_value=False,
        required=False,
    )

    def __init__(self, *args, staff, months, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].choices = self.staff_choices(staff)
        self.fields["month"].choices = self.month_choices(months)

    @staticmethod
    def staff_choices(staff) -> list[tuple[str, str]]:
        return [(str(m.pk), f"{m.ref} ({m.role})") for m in staff]

    @staticmethod
    def month_choices(months) -> list[tuple[str, str]]:
        return [(m.isoformat(), m.strftime("%B %Y")) for m in months]


class OverrideForm(forms.Form):
    """Finance allows one member of staff's claim for one month above the role's maximum."""

    staff = forms.ChoiceField(label="Member of staff")
    month = forms.ChoiceField(label="Month")
    amount = forms.DecimalField(
        label="Claim up to (£)",
        help_text="More than the role's maximum for the month, which the claims table shows",
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
    )
    reason = forms.CharField(
        label="Reason",
        help_text="Why the maximum may be exceeded, e.g. back pay agreed at the panel",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def __init__(self, *args, staff, months, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].choices = ClaimForm.staff_choices(staff)
        self.fields["month"].choices = ClaimForm.month_choices(months)


class FundForm(forms.Form):
    name = forms.CharField(label="Fund", max_length=200)
    kind = forms.ChoiceField(label="Kind", choices=FundKind.choices)
    allocation = forms.DecimalField(
        label="Allocation (£)", max_digits=12, decimal_places=2, min_value=0, required=False
    )
    per_head = forms.DecimalField(
        label="Or £ per registered patient",
        help_text="The allocation is then this times the commissioner's list at 1 January",
        max_digits=8,
        decimal_places=4,
        min_value=0,
        required=False,
    )
    source = forms.CharField(label="Source", max_length=500, required=False)


class AwardForm(forms.Form):
    recipient = OdsCodeField(label="Practice or PCN ODS code", kinds=("practice", "pcn"))
    purpose = forms.CharField(label="Purpose", widget=forms.Textarea(attrs={"rows": 2}))
    amount = forms.DecimalField(
        label="Amount asked (£)", max_digits=12, decimal_places=2, min_value=0
    )
    eoi_on = date_field("Expression of interest received")


class AdvanceForm(forms.Form):
    award = forms.IntegerField(widget=forms.HiddenInput)
    to = forms.ChoiceField(label="Next step", choices=AwardStage.choices)
    on = date_field("Date")


class SpendForm(forms.Form):
    award = forms.IntegerField(widget=forms.HiddenInput)
    month = forms.CharField(label="Month", help_text="For example, 2019-11")
    amount = forms.DecimalField(label="Spent (£)", max_digits=12, decimal_places=2, min_value=0)

"""Plan forms: what people type, cleaned into the arguments of delivery.actions."""

from django import forms

from delivery.models import Deliverable, Status
from organisations.models import OrgKind
from pcnhub.forms import OdsCodesField, date_field

PLANNED_KINDS = (OrgKind.REGION, OrgKind.ICS, OrgKind.COMMISSIONER, OrgKind.PCN)


def names(value: str) -> list[str]:
    """Names separated by commas or new lines."""
    return [n.strip() for n in value.replace("\n", ",").split(",") if n.strip()]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=Status.choices)
    commentary = forms.CharField(
        label="Commentary",
        help_text="What has happened, and what happens next; kept with your name and the date",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what has happened"},
    )
    decision_needed = forms.CharField(
        label="Decision needed",
        required=False,
        help_text="What the programme board is asked to decide; shown in the highlight report",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ProgrammeForm(forms.Form):
    name = forms.CharField(label="Programme name", max_length=200)
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea)
    start = date_field("Start date", help_text="Usually 1 April, e.g. 2019-04-01")
    end = date_field("End date", help_text="Usually 31 March, e.g. 2023-03-31")
    organisations = OdsCodesField(
        label="Organisations it covers",
        help_text="ODS codes of the ICS, commissioners or PCNs, comma-separated; who may see "
        "the plan follows them",
        kinds=PLANNED_KINDS,
    )
    sro = forms.CharField(label="Senior responsible owner (SRO)", max_length=120, required=False)
    leads = forms.CharField(
        label="Leads", required=False, help_text="Names, comma-separated", max_length=500
    )

    def clean_leads(self):
        return names(self.cleaned_data["leads"])


class DeliverableForm(forms.Form):
    kind = forms.ChoiceField(label="National or local", choices=Deliverable.Kind.choices)
    reference = forms.CharField(label="Reference", max_length=40, help_text="e.g. National 1")
    title = forms.CharField(label="Deliverable", widget=forms.Textarea(attrs={"rows": 2}))
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea)
    national_milestone = date_field("National milestone date", required=False)


class ActionForm(forms.Form):
    title = forms.CharField(label="Key action", widget=forms.Textarea(attrs={"rows": 3}))
    owners = forms.CharField(
        label="Owners",
        help_text="People who sign in (name or username) or named contacts, comma-separated",
        max_length=500,
    )
    depends_on = forms.CharField(
        label="Depends on",
        required=False,
        help_text="Numbers of the actions that must be done first, e.g. 12, 15 (shown as #12)",
        max_length=500,
    )

    def clean_owners(self):
        return names(self.cleaned_data["owners"])

    def clean_depends_on(self):
        found = []
        for part in names(self.cleaned_data["depends_on"]):
            number = part.lstrip("#")
            if not number.isdigit():
                raise forms.ValidationError(f"{part!r} is not an action number like 12")
            found.append(int(number))
        return found


class MilestoneForm(forms.Form):
    period = forms.CharField(
        label="When",
        max_length=20,
        help_text="A quarter (Q1 2019/20), a half (H2 2019/20), a month (Jul 2019) or a date "
        "(2019-07-15)",
    )
    description = forms.CharField(label="What is due", max_length=200, required=False)


class MoveForm(forms.Form):
    period = MilestoneForm.base_fields["period"]
    reason = forms.CharField(label="Why it moves", max_length=500)


class DoneForm(forms.Form):
    done_on = date_field("Done on")


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Why", max_length=500)


class BaselineForm(forms.Form):
    name = forms.CharField(
        label="Baseline name", max_length=100, help_text="e.g. Approved by the board, June 2019"
    )


class ContactForm(forms.Form):
    name = forms.CharField(label="Name", max_length=120)
    email = forms.EmailField(label="Email", required=False, help_text="For milestone reminders")

"""Plan forms: what people type, cleaned into the arguments of delivery.actions and
delivery.measures."""

import re

from django import forms
from django.core.exceptions import ValidationError

from delivery.measures import MEASURE_FIELDS, computed_measures
from delivery.models import Deliverable, Measure, Status
from organisations.models import OrgKind
from pcnhub.forms import OdsCodeField, OdsCodesField, SpreadsheetField, date_field

PLANNED_KINDS = (OrgKind.REGION, OrgKind.ICS, OrgKind.COMMISSIONER, OrgKind.PCN)


def record_number(text: str) -> int | None:
    """A record's number as people type it (ASCII digits, within a database id's range)."""
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        return None
    return int(text)


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
            number = record_number(part.lstrip("#"))
            if number is None:
                raise forms.ValidationError(f"{part!r} is not an action number like 12")
            found.append(number)
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


ENTERED = "entered"  # the choice for a measure whose actuals are entered, not computed


class MeasureForm(forms.Form):
    """An outcome measure: what it is, where it starts and ends, and where its actuals come
    from (entered with evidence, or one of the measures PCN Hub computes, for an area)."""

    descriptor = forms.CharField(
        label="Outcome descriptor",
        max_length=300,
        help_text="For example, practices offering online consultation",
        error_messages={"required": "Describe the outcome"},
    )
    unit = forms.CharField(
        label="Unit",
        max_length=40,
        required=False,
        help_text="For example, %, WTE or minutes per 1,000; blank takes a computed measure's",
    )
    direction = forms.ChoiceField(label="Which way is better", choices=Measure.Direction.choices)
    baseline_value = forms.DecimalField(
        label="Baseline value",
        max_digits=12,
        decimal_places=2,
        error_messages={"required": "Enter the baseline value"},
    )
    baseline_date = date_field("Baseline date")
    target_value = forms.DecimalField(
        label="Target value",
        max_digits=12,
        decimal_places=2,
        error_messages={"required": "Enter the target value"},
    )
    target_date = date_field("Target date")
    tolerance = forms.DecimalField(
        label="Tolerance",
        max_digits=12,
        decimal_places=2,
        min_value=0,
        initial=0,
        help_text="How far behind the plan is still green; up to twice this is amber",
    )
    computed = forms.ChoiceField(label="Where the actuals come from")
    area = OdsCodeField(
        label="Area it is computed for",
        kinds=(OrgKind.REGION, OrgKind.ICS, OrgKind.COMMISSIONER, OrgKind.PCN),
        required=False,
        help_text="ODS code of a region, ICS, commissioner or PCN; blank for all of England. "
        "Only for a measure PCN Hub computes",
    )
    deliverable = forms.ChoiceField(label="Deliverable whose status it feeds", required=False)

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["computed"].choices = [(ENTERED, "Entered with evidence")] + [
            (c.key, f"Computed by PCN Hub: {c.label}") for c in computed_measures()
        ]
        self.deliverables = {str(d.pk): d for d in programme.deliverables.all()}
        self.fields["deliverable"].choices = [("", "None")] + [
            (pk, str(d)) for pk, d in self.deliverables.items()
        ]

    def clean_computed(self) -> str:
        value = self.cleaned_data["computed"]
        return "" if value == ENTERED else value

    def clean_deliverable(self):
        return self.deliverables.get(self.cleaned_data["deliverable"])

    @classmethod
    def initial_for(cls, measure: Measure) -> dict:
        return {
            **{name: getattr(measure, name) for name in MEASURE_FIELDS},
            "computed": measure.computed or ENTERED,
            "area": measure.area.code if measure.area else "",
            "deliverable": str(measure.deliverable_id or ""),
        }


PERIOD_AND_VALUE = re.compile(r"^(?P<period>.+?)\s*(?:[,\t=:]|\s(?=\S+$))\s*(?P<value>\S.*)$")


class TrajectoryForm(forms.Form):
    trajectory = forms.CharField(
        label="Planned value by period",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="One period and its value a line, for example Q1 2019/20, 80. Periods are "
        "quarters (Q1 2019/20), halves (H2 2019/20), months (Jul 2019) or dates; one value a "
        "period. This replaces the whole trajectory",
    )

    def clean_trajectory(self) -> list[tuple[str, str]]:
        pairs, errors = [], []
        for number, line in enumerate(self.cleaned_data["trajectory"].splitlines(), start=1):
            if not line.strip():
                continue
            found = PERIOD_AND_VALUE.match(line.strip())
            if found is None:
                errors.append(
                    f"Line {number}, {line.strip()!r}: give a period and a value, for example "
                    "Q1 2019/20, 80"
                )
            else:
                pairs.append((found["period"], found["value"]))
        if errors:
            raise ValidationError(errors)
        return pairs

    @staticmethod
    def text_of(measure: Measure) -> str:
        return "\n".join(
            f"{p.period}, {p.value.normalize():f}" for p in measure.points.filter(planned=True)
        )


class ActualForm(forms.Form):
    period = forms.CharField(
        label="Period",
        max_length=20,
        help_text="A quarter (Q1 2019/20), half (H2 2019/20), month (Jul 2019) or date",
        error_messages={"required": "Enter the period the actual is for"},
    )
    value = forms.DecimalField(label="Actual value", max_digits=12, decimal_places=2)
    evidence = forms.CharField(
        label="Evidence",
        max_length=300,
        help_text="Where the figure comes from, for example the hub rota for the quarter",
        error_messages={"required": "Say where the figure comes from"},
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
    """A new programme (as on the form that starts one) and its plan's file."""

    name = ProgrammeForm.base_fields["name"]
    start = ProgrammeForm.base_fields["start"]
    end = ProgrammeForm.base_fields["end"]
    organisations = ProgrammeForm.base_fields["organisations"]
    field_order = ["name", "start", "end", "organisations", "file", "add_contacts"]


class SignReportForm(forms.Form):
    period = forms.CharField(widget=forms.HiddenInput)
    statement = forms.CharField(
        label="What you sign",
        required=False,
        help_text="For example, the board meeting it was presented to",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

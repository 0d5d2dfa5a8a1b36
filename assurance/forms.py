"""Forms for the assurance pages; the actions do the checking that matters, and their refusals
come back onto these forms (pcnhub.forms.add_action_errors)."""

from django import forms

from assurance.models import Framework, Round
from pcnhub.forms import SpreadsheetField, date_field

TEXTAREA = forms.Textarea(attrs={"rows": 4})


def _grade_choices(framework: Framework, blank: str) -> list[tuple[str, str]]:
    return [("", blank), *((g.value, g.label) for g in framework.grades)]


class OpenRoundForm(forms.Form):
    framework = forms.ModelChoiceField(
        label="Framework", queryset=Framework.objects.all(), empty_label=None
    )
    label = forms.CharField(
        label="Name of the round",
        max_length=Round._meta.get_field("label").max_length,
        help_text="For example, 23 December submission or Q2 2019/20 return",
        error_messages={"required": "Name the round"},
    )
    submitted_on = date_field("Submitted on")
    submitted_on.error_messages["required"] = "Enter the date of the submission"
    carry_forward = forms.ChoiceField(
        label="Start from the last round",
        choices=[
            ("yes", "Yes: copy the last round's responses, dates and planned actions"),
            ("no", "No: start with every requirement blank"),
        ],
        help_text="Ratings are never copied: each submission is rated afresh",
    )


class RateForm(forms.Form):
    def __init__(self, *args, framework: Framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"] = forms.ChoiceField(
            label="Rating",
            choices=_grade_choices(framework, "Choose a rating"),
            error_messages={"required": "Choose a rating"},
        )
        self.fields["reasons"] = forms.CharField(
            label="Reasons for the rating",
            widget=TEXTAREA,
            error_messages={"required": "Give the reasons for the rating"},
        )
        self.fields["reviewer_comments"] = forms.CharField(
            label="Reviewer's comments",
            required=False,
            widget=TEXTAREA,
            help_text="What the commissioner is asked to show or do next",
        )


class RespondForm(forms.Form):
    response = forms.CharField(
        label="Response",
        widget=TEXTAREA,
        help_text="Why, and what is being done to resolve it",
        error_messages={"required": "Explain why, and what is being done to resolve it"},
    )
    actions = forms.CharField(label="Actions being taken", required=False, widget=TEXTAREA)
    expected_on = date_field("Date it expects to be fully assured", required=False)
    expected_note = forms.CharField(
        label="Note on the date",
        required=False,
        max_length=300,
        help_text="For example, subject to NHS England approval; or, with no date, when "
        "national guidance is published",
    )

    def __init__(self, *args, months=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.months = {}
        for month in months:
            name = f"planned_{month:%Y_%m}"
            self.months[name] = month
            self.fields[name] = forms.CharField(
                label=f"Planned for {month:%B %Y}", required=False, widget=TEXTAREA
            )

    def planned(self) -> dict:
        return {month: self.cleaned_data[name] for name, month in self.months.items()}


class ReviewForm(forms.Form):
    def __init__(self, *args, framework: Framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["overall_rating"] = forms.ChoiceField(
            label="Overall rating", required=False, choices=_grade_choices(framework, "Not rated")
        )
        self.fields["overall_comments"] = forms.CharField(
            label="Reviewer's comments on the submission", required=False, widget=TEXTAREA
        )


class CloseForm(forms.Form):
    statement = forms.CharField(
        label="What you are signing",
        widget=TEXTAREA,
        help_text="For example, that this is NHS England's assessment of the submission as "
        "agreed; it is kept with your name and the time",
        error_messages={"required": "Say what you are signing"},
    )


class ReturnFileForm(forms.Form):
    file = SpreadsheetField(
        label="Assurance return",
        help_text="A .csv or .xlsx file of 5 MB or less, in the layout of the exported return",
        error_messages={"required": "Choose the file to import"},
    )


class CompareForm(forms.Form):
    """Two of the snapshots the user may see."""

    def __init__(self, *args, snapshots, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(s.pk, f"{s.title} (signed {s.signed_at:%-d %b %Y})") for s in snapshots]
        self.fields["a"] = forms.ChoiceField(label="Earlier snapshot", choices=choices)
        self.fields["b"] = forms.ChoiceField(label="Later snapshot", choices=choices)

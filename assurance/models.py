"""Assurance: frameworks and their requirements (loaded from assurance/frameworks/ on every
migrate), and per commissioner the rounds of assessment, one a submission: a rating per
requirement with reasons, the commissioner's response, actions and expected date, the
reviewer's comments, and planned actions month by month. Every change keeps who, when,
before and after (django-simple-history); a closed round is signed and frozen as a snapshot.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from assurance.frameworks import DIRECTIONS, SCALE_NAMES, grade, grades
from organisations.models import Organisation
from pcnhub.nhs_calendar import months


class Framework(models.Model):
    key = models.SlugField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    publisher = models.CharField(max_length=120)
    document = models.TextField()
    year = models.CharField(max_length=7, blank=True, help_text="e.g. 2019/20")
    scale = models.CharField(max_length=20, choices=list(SCALE_NAMES.items()))
    plan_start = models.DateField(null=True, blank=True, help_text="first month of planned actions")
    plan_end = models.DateField(null=True, blank=True, help_text="last month of planned actions")
    source = models.TextField()
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def grades(self):
        return grades(self.scale)

    def plan_months(self) -> list:
        """The first of each month planned actions are kept for; none without a span."""
        return months(self.plan_start, self.plan_end) if self.plan_start else []


class Requirement(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="requirements")
    key = models.SlugField(max_length=40)
    order = models.PositiveIntegerField()
    area = models.CharField(max_length=120)
    title = models.TextField()
    guidance = models.TextField()
    source = models.TextField()
    note = models.TextField(blank=True)
    measure_key = models.CharField(max_length=60, blank=True, help_text="a computed measure")
    measure_target = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    measure_by = models.DateField(null=True, blank=True)
    measure_direction = models.CharField(
        max_length=4,
        choices=[(key, f"{bound} the target") for key, bound in DIRECTIONS.items()],
        default="up",
    )
    withdrawn = models.BooleanField(
        default=False, help_text="no longer in the framework's file; kept for its ratings"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "key"], name="requirement_key_once")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def measure_bound(self) -> str:
        """How the target reads: at least, or at most."""
        return DIRECTIONS[self.measure_direction]


class Deadline(models.Model):
    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="deadlines")
    due = models.DateField()
    what = models.CharField(max_length=200)

    class Meta:
        ordering = ["due", "pk"]

    def __str__(self) -> str:
        return f"{self.what} by {self.due:%-d %b %Y}"


class Round(models.Model):
    """One submission of a commissioner against a framework, assessed by NHS England."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed and signed"

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="rounds")
    commissioner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="assurance_rounds"
    )
    label = models.CharField(max_length=120, help_text="e.g. 23 December submission")
    submitted_on = models.DateField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    # The round before this one, set by open_round (the latest, closed and submitted earlier):
    # the one source for "the round before", for the round page's link and the changes page.
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    overall_rating = models.CharField(max_length=20, blank=True)
    overall_comments = models.TextField(blank=True, help_text="the reviewer's on the submission")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    snapshot = models.OneToOneField(
        "delivery.Snapshot",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assurance_round",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["commissioner", "framework", "-submitted_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "commissioner", "submitted_on"], name="one_round_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.commissioner.code} {self.framework.title}: {self.label}"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    @property
    def overall_grade(self):
        return grade(self.framework.scale, self.overall_rating) if self.overall_rating else None


class Rating(models.Model):
    """A requirement in a round: NHS England's rating and reasons and reviewer's comments;
    the commissioner's response, actions and when it expects to be fully assured."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="ratings")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="ratings")
    rating = models.CharField(max_length=20, blank=True, help_text="a value on the scale")
    reasons = models.TextField(blank=True)
    reviewer_comments = models.TextField(blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rated_at = models.DateTimeField(null=True, blank=True)
    response = models.TextField(blank=True, help_text="why, as the commissioner explains it")
    actions = models.TextField(blank=True, help_text="what is being done to resolve it")
    expected_on = models.DateField(null=True, blank=True, help_text="expected fully assured")
    expected_note = models.CharField(
        max_length=300, blank=True, help_text="e.g. when national guidance is published"
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "requirement__order"]
        constraints = [
            models.UniqueConstraint(fields=["round", "requirement"], name="one_rating_a_round")
        ]

    def __str__(self) -> str:
        return f"{self.round}: {self.requirement.key} {self.rating or 'not rated'}"


class PlannedAction(models.Model):
    """What the commissioner plans to do towards a requirement in one month."""

    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="planned")
    month = models.DateField(help_text="the first of the month")
    text = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["rating", "month"]
        constraints = [models.UniqueConstraint(fields=["rating", "month"], name="one_plan_a_month")]

    def __str__(self) -> str:
        return f"{self.rating.requirement.key} {self.month:%b %Y}"

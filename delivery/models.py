"""Plans as structured, owned, dated records: a programme's deliverables, their key actions
with named owners, milestones in the NHS financial calendar, and a status history in which
every change carries who, when and why."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from organisations.models import Organisation


class Contact(models.Model):
    """Someone named in a plan who does not sign in to PCN Hub."""

    name = models.CharField(max_length=120)
    email = models.EmailField(blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()  # reminders go to the email kept here

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Programme(models.Model):
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    sro = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    leads = models.ManyToManyField(Contact, blank=True, related_name="+")
    organisations = models.ManyToManyField(Organisation, related_name="programmes")
    start = models.DateField()
    end = models.DateField()
    history = HistoricalRecords(m2m_fields=[organisations, leads])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programme", args=[self.pk])


class Deliverable(models.Model):
    class Kind(models.TextChoices):
        NATIONAL = "national", "National"
        LOCAL = "local", "Local"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="deliverables")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reference = models.CharField(max_length=40, help_text="e.g. National 1")
    title = models.TextField()
    description = models.TextField(blank=True)
    national_milestone = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "kind", "reference"]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title[:60]}"


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
    COMPLETE = "complete", "Complete"


class Action(models.Model):
    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="actions")
    title = models.TextField()
    owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="plan_actions"
    )
    contacts = models.ManyToManyField(Contact, blank=True, related_name="actions")
    depends_on = models.ManyToManyField("self", blank=True, symmetrical=False, related_name="+")
    history = HistoricalRecords(m2m_fields=[owners, contacts, depends_on])

    class Meta:
        ordering = ["deliverable", "pk"]

    def __str__(self) -> str:
        return self.title[:80]


class Milestone(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="milestones")
    period = models.CharField(max_length=20, help_text="Q1 2019/20, H2 2020/21, Jul 2019 or a date")
    start = models.DateField()
    end = models.DateField()
    description = models.CharField(max_length=200, blank=True)
    done_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["end", "pk"]

    def __str__(self) -> str:
        return f"{self.action}: {self.period}"


class StatusUpdate(models.Model):
    """A person's status for an action, with their commentary; the latest stands. Overriding
    the status PCN Hub derives needs a comment, kept here."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=12, choices=Status.choices)
    commentary = models.TextField()
    decision_needed = models.TextField(blank=True, help_text="what the board is asked to decide")
    derived = models.CharField(max_length=12, choices=Status.choices, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action}: {self.status} ({self.at:%d %b %Y})"


class Measure(models.Model):
    """An outcome measure: baseline, target and a planned trajectory by period, with actuals
    entered with evidence or computed by PCN Hub from its own data (delivery.measures)."""

    class Direction(models.TextChoices):
        UP = "up", "Higher is better"
        DOWN = "down", "Lower is better"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="measures")
    descriptor = models.CharField(max_length=300)
    unit = models.CharField(max_length=40, help_text="e.g. %, WTE, minutes per 1,000")
    direction = models.CharField(max_length=4, choices=Direction.choices, default=Direction.UP)
    baseline_value = models.DecimalField(max_digits=12, decimal_places=2)
    baseline_date = models.DateField()
    target_value = models.DecimalField(max_digits=12, decimal_places=2)
    target_date = models.DateField()
    tolerance = models.DecimalField(
        max_digits=12, decimal_places=2, default=0, help_text="how far behind plan is still green"
    )
    computed = models.CharField(max_length=60, blank=True, help_text="a computed measure's key")
    area = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    deliverable = models.ForeignKey(
        Deliverable,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="measures",
        help_text="the deliverable whose status this measure's RAG feeds",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "pk"]

    def __str__(self) -> str:
        return self.descriptor


class MeasurePoint(models.Model):
    """The plan (trajectory) or an actual for one period: one of each per period at most."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="points")
    planned = models.BooleanField(help_text="a trajectory point, not an actual")
    period = models.CharField(max_length=20)
    end = models.DateField()
    value = models.DecimalField(max_digits=12, decimal_places=2)
    evidence = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["end"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "planned", "period"], name="one_value_a_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure}: {self.period} {'plan' if self.planned else 'actual'} {self.value}"


class Baseline(models.Model):
    """A plan's milestone dates saved under a name, so later slippage shows against them."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="baselines")
    name = models.CharField(max_length=100)
    taken_at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-taken_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="baseline_name_unique")
        ]

    def __str__(self) -> str:
        return f"{self.programme}: {self.name}"


class BaselineMilestone(models.Model):
    """One milestone as it stood when the baseline was taken; the milestone may go later."""

    baseline = models.ForeignKey(Baseline, on_delete=models.CASCADE, related_name="milestones")
    milestone = models.ForeignKey(
        Milestone, null=True, on_delete=models.SET_NULL, related_name="baselined"
    )
    action_title = models.TextField()
    period = models.CharField(max_length=20)
    end = models.DateField()

    class Meta:
        ordering = ["end", "pk"]

    def __str__(self) -> str:
        return f"{self.action_title[:60]}: {self.period}"


class FrozenError(Exception):
    """A signed snapshot was about to change."""


class Snapshot(models.Model):
    """A signed, frozen record: a closed assurance round or a quarter's board report. Saved
    once, never changed or deleted (the save guard), so any two can be compared later."""

    class Kind(models.TextChoices):
        BOARD_REPORT = "board_report", "Board highlight report"
        ASSURANCE_ROUND = "assurance_round", "Assurance round"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    subject = models.CharField(
        max_length=60, help_text="what it is of, e.g. programme:3 or round:12; compared within"
    )
    period = models.CharField(max_length=40, blank=True, help_text="e.g. Q3 2019/20")
    content = models.JSONField()
    digest = models.CharField(max_length=64, help_text="SHA-256 of the content as signed")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField()
    statement = models.TextField(blank=True, help_text="what the signer attests")

    class Meta:
        ordering = ["-signed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} (signed {self.signed_at:%d %b %Y})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise FrozenError("a signed snapshot never changes")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise FrozenError("a signed snapshot is never deleted")

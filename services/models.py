"""Service roll-out: which practices have signed up to each service, and the extended access
each PCN or practice offers. Both are effective-dated the same way: a record holds from its
date until the next record for the same practice and service (or provider), so a practice's
status, or a provider's provision, on day D is its latest record on or before D. Nothing is
overwritten: a change is a new record from its date; a record corrected on its own date keeps
its before and after, with who and why, in the history."""

from django.db import models
from simple_history.models import HistoricalRecords

from organisations.models import Organisation


class SignUpStatus(models.TextChoices):
    NOT_SIGNED_UP = "not_signed_up", "Not signed up"
    PLANNED = "planned", "Planned"
    SIGNED_UP = "signed_up", "Signed up"
    LIVE = "live", "Live"
    WITHDRAWN = "withdrawn", "Withdrawn"


# A practice counts as signed up for a service (the service_pct measure) when it has signed up
# or gone live; planned, withdrawn and never recorded do not count.
SIGNED_UP = frozenset({SignUpStatus.SIGNED_UP, SignUpStatus.LIVE})


class SignUp(models.Model):
    """A practice's status for one service of the catalogue (services/services.toml), from a
    date until its next record for that service."""

    practice = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    service = models.CharField(max_length=40, help_text="a key of services/services.toml")
    status = models.CharField(max_length=16, choices=SignUpStatus.choices)
    valid_from = models.DateField()
    note = models.CharField("where it comes from", max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["practice", "service", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "service", "valid_from"], name="one_sign_up_status_a_day"
            )
        ]
        indexes = [models.Index(fields=["service", "practice", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.practice_id} {self.service}: {self.status} from {self.valid_from}"


class CoveredPractice(models.Model):
    """A practice a provision record covers. Practices added to or removed from a record
    corrected on its date are in the provision's history (Provision.history, m2m)."""

    provision = models.ForeignKey("Provision", on_delete=models.CASCADE, related_name="covered")
    practice = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provision", "practice"], name="covered_once")
        ]

    def __str__(self) -> str:
        return f"{self.provision_id} covers {self.practice_id}"


def _history_name(name: str) -> str:
    """HistoricalProvision, and HistoricalProvision_practices for the practices covered (as
    simple-history names an m2m's history after its field), not HistoricalCoveredPractice
    after the through model: that was CoveredPractice's own history before 0002."""
    return "HistoricalProvision" if name == "Provision" else "HistoricalProvision_practices"


class Provision(models.Model):
    """Extended access a PCN or a practice offers from a date under one access scheme (the
    CCG's extended access, the network's Extended Hours or Enhanced Access): minutes of
    appointments a week in evenings and at weekends, for the practices it covers. A record
    with no minutes (and no practices) means the provision stopped on that date. Records are
    effective-dated per provider and scheme, and stand only while their scheme runs.

    A PCN's provision covers the practices listed only while they are its members, so a
    practice that leaves the network leaves its provision on that day."""

    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    scheme = models.CharField(
        max_length=40,
        help_text="the access scheme it counts towards: a key of services.toml [[schemes]]",
    )
    valid_from = models.DateField()
    evening_minutes = models.PositiveIntegerField(help_text="a week, weekday evenings")
    weekend_minutes = models.PositiveIntegerField(help_text="a week, Saturdays and Sundays")
    practices = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="+",
        through=CoveredPractice,
        verbose_name="practices covered",
    )
    description = models.CharField(
        "where and when", max_length=300, blank=True, help_text="where and when"
    )
    # The practices covered are kept with each historical record, so a correction that adds
    # or removes one shows in the record's own history (organisations.queries.field_changes).
    history = HistoricalRecords(m2m_fields=[practices], custom_model_name=_history_name)

    class Meta:
        ordering = ["provider", "scheme", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "scheme", "valid_from"], name="one_provision_record_a_day"
            ),
            models.CheckConstraint(
                condition=~models.Q(scheme=""), name="provision_belongs_to_a_scheme"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.provider_id} {self.scheme} from {self.valid_from}: "
            f"{self.minutes} minutes a week"
        )

    @property
    def minutes(self) -> int:
        return self.evening_minutes + self.weekend_minutes

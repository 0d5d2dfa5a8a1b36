"""Rates as versioned data, the inputs entered by commissioners, and payments once made.

Rate versions ship as files (payments/rates/*.toml) and are loaded after each migrate; finance
users may propose a version (a revision) in the UI, which takes effect once a second person
with England-wide finance rights approves it. A line once marked paid is never rewritten:
a later revision shows as an arrears (or recovery) line in a month not yet paid.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from organisations.models import Organisation
from payments.rates import BASES, ENTITLEMENTS, PAYEES, PERS, STATUSES, UNITS
from pcnhub.progress import Progress, RunStatus, Tracked


def _choices(values):
    return [(value, value.replace("_", " ")) for value in values]


class RevisionStatus(models.TextChoices):
    """National rates move every network's money, so a revision is only a proposal until a
    second person approves it; shipped files are approved as they load."""

    PROPOSED = "proposed", "proposed, awaiting a second approver"
    APPROVED = "approved", "approved"
    REJECTED = "rejected", "rejected"


class RateVersion(models.Model):
    year = models.CharField(max_length=7, help_text="financial year, e.g. 2024/25")
    label = models.CharField(max_length=120)
    published = models.DateField()
    effective_from = models.DateField()
    source = models.TextField()
    from_file = models.BooleanField(default=False, help_text="shipped in payments/rates/")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True, help_text="why the revision was proposed")
    supersedes = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="the latest approved version when it was proposed",
    )
    status = models.CharField(
        max_length=10, choices=RevisionStatus.choices, default=RevisionStatus.PROPOSED
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="who approved or rejected it",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "published"]
        constraints = [
            models.UniqueConstraint(fields=["year", "label"], name="rate_version_label_once")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.label}"


class Rate(models.Model):
    version = models.ForeignKey(RateVersion, on_delete=models.CASCADE, related_name="rates")
    entitlement = models.CharField(max_length=40, choices=list(ENTITLEMENTS.items()))
    value = models.DecimalField(max_digits=12, decimal_places=5, validators=[MinValueValidator(0)])
    per = models.CharField(max_length=10, choices=_choices(PERS))
    unit = models.CharField(max_length=30, choices=_choices(UNITS))
    start = models.DateField()
    end = models.DateField()
    basis = models.CharField(max_length=20, choices=_choices(BASES))
    basis_date = models.DateField()
    payee = models.CharField(max_length=10, choices=_choices(PAYEES))
    source = models.TextField()
    status = models.CharField(max_length=16, choices=_choices(STATUSES))
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["entitlement"]
        constraints = [
            models.UniqueConstraint(fields=["version", "entitlement"], name="rate_once_a_version")
        ]

    def __str__(self) -> str:
        return f"{self.version}: {self.entitlement} {self.value} {self.unit}"


class CareHomeBeds(models.Model):
    """Beds in the care homes aligned to a PCN in a month, as the commissioner supplies them."""

    pcn = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(help_text="first day of the month")
    beds = models.PositiveIntegerField()
    source = models.CharField(max_length=200, default="entered by the commissioner")
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pcn", "month"], name="beds_once_a_month")]

    def __str__(self) -> str:
        return f"{self.pcn.code} {self.month:%b %Y}: {self.beds} beds"


class Achievement(models.Model):
    """A PCN's year-end results the commissioner enters: IIF points achieved and the share of
    the Capacity and Access Improvement Payment assessed."""

    pcn = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.CharField(max_length=7)
    iif_points = models.DecimalField(
        max_digits=7, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    improvement_share = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="0 to 1: the share of the maximum improvement payment assessed",
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pcn", "year"], name="achievement_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.pcn.code} {self.year}"


class PaidHistoryError(Exception):
    """Paid history never changes: a paid month or line cannot be updated or deleted."""


class _NeverChangedQuerySet(models.QuerySet):
    """Refuses bulk update and delete: a paid row is written once and kept."""

    def update(self, **kwargs):
        raise PaidHistoryError(f"{self.model.__name__} rows are paid history and never change")

    def delete(self):
        raise PaidHistoryError(f"{self.model.__name__} rows are paid history and never deleted")

    def _raw_delete(self, using):
        self.delete()

    def bulk_create(self, objs, *args, update_conflicts=False, **kwargs):
        if update_conflicts:
            raise PaidHistoryError(f"{self.model.__name__} rows are written once, never upserted")
        return super().bulk_create(objs, *args, **kwargs)


class NeverChanged(models.Model):
    """A row written once. The model refuses saving an existing row and deleting, a save is
    always an INSERT (so a row built with an existing primary key cannot overwrite one), and
    the base manager refuses bulk changes too; on PostgreSQL a trigger refuses UPDATE and
    DELETE as well (payments migration 0003_paid_history_kept)."""

    objects = _NeverChangedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PaidHistoryError(f"{self} is paid history and never changes")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PaidHistoryError(f"{self} is paid history and is never deleted")


class PaidMonth(NeverChanged):
    """A month marked paid for a PCN: its statement. It pays every line whose paid month
    (payments.calendar) is this month, whatever month each is for (July 2019 paid core for
    April to July), and the arrears added to it; they were stored as PaidLine rows, then.
    Never updated or deleted."""

    pcn = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    known_on = models.DateField(help_text="the rates known on this date were used")
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        base_manager_name = "objects"  # never-changed even where Django reaches for the base
        constraints = [models.UniqueConstraint(fields=["pcn", "month"], name="paid_once")]

    def __str__(self) -> str:
        return f"{self.pcn.code} {self.month:%b %Y} paid"


class PaidLine(NeverChanged):
    """One line as it was paid, with everything it was paid on: the entitlement, the basis
    and its population (value, date, source in words), the rate and its version, the payee
    and whether it went to the network or a practice, and the month it was paid in (its
    PaidMonth). `month` is the month the line is for (for arrears, the month made good).
    Never updated or deleted: differences found later are new lines."""

    paid_month = models.ForeignKey(PaidMonth, on_delete=models.PROTECT, related_name="lines")
    payee_code = models.CharField(max_length=12)
    payee_name = models.CharField(max_length=200)
    paid_to = models.CharField(
        max_length=10,
        default="network",
        help_text="network: the nominated payee; practice: the practice's own entitlement",
    )
    pcn_code = models.CharField(max_length=12, blank=True)
    pcn_name = models.CharField(max_length=200, blank=True)
    entitlement = models.CharField(max_length=40)
    label = models.CharField(max_length=200, blank=True)
    detail = models.CharField(max_length=60, blank=True, help_text="e.g. an ARRS claim's staff")
    month = models.DateField(help_text="the month the amount is for")
    arrears = models.BooleanField(
        default=False, help_text="a difference for an earlier month, paid in this one"
    )
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    formula = models.TextField()
    basis = models.CharField(max_length=20, blank=True, help_text="e.g. registered, weighted")
    basis_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    basis_as_at = models.DateField(null=True, blank=True, help_text="the figure's date")
    basis_source = models.TextField(
        blank=True, help_text="the population rule's words: basis, date, source, warnings"
    )
    rate = models.DecimalField(max_digits=12, decimal_places=5, null=True, blank=True)
    per = models.CharField(max_length=10, blank=True)
    version = models.CharField(max_length=120)
    rate_status = models.CharField(max_length=16, blank=True)
    rate_source = models.TextField(blank=True)

    class Meta:
        base_manager_name = "objects"
        ordering = ["payee_code", "entitlement", "month"]

    def __str__(self) -> str:
        return f"{self.payee_code} {self.entitlement} {self.month:%b %Y}: {self.amount}"


class PaymentStatement(models.Model):
    """A file of what was actually paid (a payment statement downloaded from the payment
    system), kept with who loaded it."""

    file_name = models.CharField(max_length=255)
    checksum = models.CharField(max_length=64)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-loaded_at"]

    def __str__(self) -> str:
        return self.file_name


class Received(models.Model):
    """One row of a statement: an amount a payee received for a month (and entitlement)."""

    statement = models.ForeignKey(PaymentStatement, on_delete=models.CASCADE, related_name="rows")
    row = models.PositiveIntegerField()
    payee_code = models.CharField(max_length=12, db_index=True)
    month = models.DateField()
    entitlement = models.CharField(max_length=40, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["payee_code", "month", "entitlement"]

    def __str__(self) -> str:
        return f"{self.payee_code} {self.month:%b %Y} {self.entitlement}: {self.amount}"


class ShareMethod(models.TextChoices):
    EQUAL = "equal", "Equal shares"
    REGISTERED = "registered", "By registered list"
    WEIGHTED = "weighted", "By weighted list"
    PERCENTAGE = "percentage", "Agreed percentages"
    POINTS = "points", "Agreed points"


class ShareRule(models.Model):
    """How a PCN shares network money out to its member practices, as its Network Agreement
    says: one rule for an entitlement, or (entitlement empty) for all the rest."""

    pcn = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.CharField(max_length=7)
    entitlement = models.CharField(max_length=40, blank=True, help_text="empty: every other")
    method = models.CharField(max_length=12, choices=ShareMethod.choices)
    weights = models.JSONField(
        default=dict, blank=True, help_text="practice ODS code -> percentage or points"
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pcn", "year", "entitlement"], name="share_rule_once")
        ]

    def __str__(self) -> str:
        return f"{self.pcn.code} {self.year} {self.entitlement or 'all'}: {self.method}"


class StaffMember(models.Model):
    """Someone a PCN employs (or has employed for it) under the ARRS, or in its baseline."""

    pcn = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    ref = models.CharField(max_length=60, help_text="the PCN's reference, not a name")
    role = models.CharField(max_length=40)
    band = models.CharField(max_length=10, blank=True)
    wte = models.DecimalField(
        max_digits=4, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(2)]
    )
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    annual_salary = models.DecimalField(max_digits=10, decimal_places=2)
    annual_ni = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    annual_pension = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    employer = models.CharField(max_length=200, help_text="the employing organisation")
    london = models.CharField(max_length=14, blank=True, help_text="outer_london or inner_london")
    in_baseline = models.BooleanField(default=False, help_text="part of the workforce baseline")
    history = HistoricalRecords()

    class Meta:
        ordering = ["start", "ref"]
        constraints = [models.UniqueConstraint(fields=["pcn", "ref"], name="staff_ref_once")]

    def __str__(self) -> str:
        return f"{self.pcn.code} {self.ref} ({self.role})"


class ArrsClaim(models.Model):
    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="claims")
    month = models.DateField()
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    formula = models.TextField()
    evidence = models.FileField(upload_to="arrs/%Y/", blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["month", "staff__ref"]
        constraints = [
            models.UniqueConstraint(fields=["staff", "month"], name="claim_once_a_month")
        ]

    def __str__(self) -> str:
        return f"{self.staff} {self.month:%b %Y}: {self.amount}"


class ArrsOverride(models.Model):
    """Finance's approval for a month's claim above the role's maximum, up to `amount`."""

    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="overrides")
    month = models.DateField()
    amount = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])
    reason = models.TextField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["month", "staff__ref"]
        constraints = [
            models.UniqueConstraint(fields=["staff", "month"], name="override_once_a_month")
        ]

    def __str__(self) -> str:
        return f"{self.staff} {self.month:%b %Y}: up to {self.amount}"


class FundKind(models.TextChoices):
    RESILIENCE = "resilience", "Practice resilience"
    TRANSFORMATION = "transformation", "Transformation"
    DEVELOPMENT = "development", "Network development"


class LocalFund(models.Model):
    """A commissioner's own money for practices and networks (seed 000: resilience funding by
    expression of interest, panel and MOU; development funds per head), with the spending
    trajectory it must keep (e.g. 75% by 31 December, 100% by 31 March)."""

    commissioner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=FundKind.choices)
    year = models.CharField(max_length=7)
    allocation = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    per_head = models.DecimalField(
        max_digits=8, decimal_places=4, null=True, blank=True, help_text="£ per registered patient"
    )
    trajectory = models.JSONField(
        default=list, help_text="[[date, share spent by then], ...], e.g. 75% by 31 December"
    )
    source = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "name"]

    def __str__(self) -> str:
        return f"{self.name} {self.year}"


class AwardStage(models.TextChoices):
    EOI = "eoi", "Expression of interest"
    APPROVED = "approved", "Approved by panel"
    DECLINED = "declined", "Declined by panel"
    MOU = "mou", "MOU signed"
    TRANSFERRED = "transferred", "Funds transferred"


class FundAward(models.Model):
    fund = models.ForeignKey(LocalFund, on_delete=models.CASCADE, related_name="awards")
    recipient = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    purpose = models.TextField()
    amount = models.DecimalField(max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    stage = models.CharField(max_length=12, choices=AwardStage.choices, default=AwardStage.EOI)
    eoi_on = models.DateField()
    panel_on = models.DateField(null=True, blank=True)
    mou_on = models.DateField(null=True, blank=True)
    transferred_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["eoi_on", "pk"]

    def __str__(self) -> str:
        return f"{self.fund}: {self.recipient.code} £{self.amount}"


class FundSpend(models.Model):
    """Spend a recipient reports against its award, by month."""

    award = models.ForeignKey(FundAward, on_delete=models.CASCADE, related_name="spend")
    month = models.DateField()
    amount = models.DecimalField(max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["award", "month"], name="spend_once_a_month")
        ]

    def __str__(self) -> str:
        return f"{self.award} {self.month:%b %Y}: £{self.amount}"


EXPORTS = Progress("area-export-progress", {"calculating": (0, 50), "writing": (50, 100)})


class AreaExport(Tracked, models.Model):
    """An area's overview as a PDF or Excel file, built by the background worker and kept:
    asked for again with the same fingerprint (the schedule's content, paid state, scope,
    year, view and format), the finished file is served without building it again."""

    FORMATS = {"pdf": "PDF", "xlsx": "Excel"}

    scope = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )  # None: England
    year = models.CharField(max_length=7)
    view = models.CharField(max_length=6, default="paid")
    fmt = models.CharField(max_length=4, choices=list(FORMATS.items()))
    fingerprint = models.CharField(max_length=64, db_index=True, help_text="SHA-256")
    status = models.CharField(max_length=12, choices=RunStatus.choices, default=RunStatus.QUEUED)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    progress = EXPORTS
    waiting = "waiting for the export worker"

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        where = self.scope.code if self.scope_id else "England"
        return f"{where} {self.year} {self.fmt} {self.status}"

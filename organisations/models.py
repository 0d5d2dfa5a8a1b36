"""The registry: organisations, effective-dated relationships between them, and list sizes.

Nothing is overwritten: a move or a closure ends one relationship row (valid_to) and starts
another, so any past date can be asked about. valid_to is the last day the row holds
(inclusive, as ODS end dates are); NULL means still open.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class OrgKind(models.TextChoices):
    REGION = "region", "NHS England region"
    ICS = "ics", "STP / ICS"
    COMMISSIONER = "commissioner", "Commissioner"
    PCN = "pcn", "Primary Care Network"
    PRACTICE = "practice", "GP practice"


# How a sentence names each kind of organisation ("no STP/ICS with ODS code ...").
KIND_NAMES = {
    OrgKind.REGION: "region",
    OrgKind.ICS: "STP/ICS",
    OrgKind.COMMISSIONER: "commissioner",
    OrgKind.PCN: "PCN",
    OrgKind.PRACTICE: "practice",
}


# Top to bottom; a kind's parent kinds come before it.
HIERARCHY = [OrgKind.REGION, OrgKind.ICS, OrgKind.COMMISSIONER, OrgKind.PCN, OrgKind.PRACTICE]


class ContractType(models.TextChoices):
    GMS = "GMS", "GMS (General Medical Services)"
    PMS = "PMS", "PMS (Personal Medical Services)"
    APMS = "APMS", "APMS (Alternative Provider Medical Services)"


class Organisation(models.Model):
    """Any organisation in the registry. The era label (CCG or sub-ICB location, STP or ICB)
    is data on the row, not a different model: the same commissioner code spans both eras."""

    code = models.CharField(max_length=12, unique=True, help_text="ODS code")
    kind = models.CharField(max_length=16, choices=OrgKind.choices, db_index=True)
    name = models.CharField(max_length=200)
    era_label = models.CharField(
        max_length=40, blank=True, help_text="e.g. CCG, sub-ICB location, STP, ICB"
    )
    ons_code = models.CharField(max_length=12, blank=True)
    address = models.CharField(max_length=400, blank=True)
    postcode = models.CharField(max_length=10, blank=True, db_index=True)
    open_date = models.DateField(null=True, blank=True)
    close_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, blank=True, help_text="ODS status, e.g. active")
    prescribing_setting = models.CharField(max_length=8, blank=True)
    contract_type = models.CharField(max_length=8, blank=True, choices=ContractType.choices)
    supplier = models.CharField(max_length=60, blank=True, help_text="clinical system supplier")
    phone = models.CharField(max_length=40, blank=True)
    details_as_of = models.DateField(
        null=True, blank=True, help_text="period of the file these details were last taken from"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def is_open_on(self, day) -> bool:
        return (self.open_date is None or self.open_date <= day) and (
            self.close_date is None or self.close_date >= day
        )


class RelType(models.TextChoices):
    PRACTICE_PCN = "practice_pcn", "Practice in PCN"
    PRACTICE_COMMISSIONER = "practice_commissioner", "Practice under commissioner"
    PCN_COMMISSIONER = "pcn_commissioner", "PCN under commissioner"
    COMMISSIONER_ICS = "commissioner_ics", "Commissioner in STP / ICS"
    ICS_REGION = "ics_region", "STP / ICS in region"


REL_KINDS = {
    RelType.PRACTICE_PCN: (OrgKind.PRACTICE, OrgKind.PCN),
    RelType.PRACTICE_COMMISSIONER: (OrgKind.PRACTICE, OrgKind.COMMISSIONER),
    RelType.PCN_COMMISSIONER: (OrgKind.PCN, OrgKind.COMMISSIONER),
    RelType.COMMISSIONER_ICS: (OrgKind.COMMISSIONER, OrgKind.ICS),
    RelType.ICS_REGION: (OrgKind.ICS, OrgKind.REGION),
}
# The relationship that places each kind under its parent on the way up the hierarchy.
PARENT_REL = {
    OrgKind.PRACTICE: RelType.PRACTICE_PCN,
    OrgKind.PCN: RelType.PCN_COMMISSIONER,
    OrgKind.COMMISSIONER: RelType.COMMISSIONER_ICS,
    OrgKind.ICS: RelType.ICS_REGION,
}


class Relationship(models.Model):
    child = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="parent_links")
    parent = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="child_links")
    rel_type = models.CharField(max_length=32, choices=RelType.choices)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True, help_text="last day; empty while open")
    import_run = models.ForeignKey(
        "imports.ImportRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["child_id", "rel_type", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "rel_type", "parent", "valid_from"], name="relationship_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="relationship_dates_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["parent", "rel_type", "valid_from"]),
            models.Index(fields=["child", "rel_type", "valid_from"]),
        ]

    def __str__(self):
        end = self.valid_to or "open"
        return f"{self.child.code} → {self.parent.code} ({self.rel_type}) {self.valid_from}–{end}"


class Measure(models.TextChoices):
    REGISTERED = "registered", "Registered patients"
    WEIGHTED = "weighted", "Weighted population"
    ADJUSTED = "adjusted", "Adjusted population"
    QOF = "qof", "QOF list size"


class ListSize(models.Model):
    """One figure of one snapshot: patients registered at an organisation on an extract date,
    by sex (ALL/MALE/FEMALE) and age (ALL, a single year 0-94 and 95+, or a band like 5_9)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="list_sizes"
    )
    extract_date = models.DateField()
    measure = models.CharField(max_length=16, choices=Measure.choices, default=Measure.REGISTERED)
    sex = models.CharField(max_length=8, default="ALL")
    age = models.CharField(max_length=8, default="ALL")
    patients = models.PositiveIntegerField()
    import_run = models.ForeignKey(
        "imports.ImportRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "extract_date", "measure", "sex", "age"],
                name="list_size_unique",
            )
        ]
        indexes = [models.Index(fields=["organisation", "measure", "sex", "age", "extract_date"])]

    def __str__(self):
        return f"{self.organisation_id} {self.extract_date} {self.sex}/{self.age}: {self.patients}"


class PopulationFigure(models.Model):
    """A population that is not a head count from a national extract: a contractor weighted or
    PCN adjusted population from NHS England's or PCSE's files, or any figure a person entered
    with a reason. Kept as published, to the hundredth (weighted populations have fractions),
    with the date it stands for and where it came from; the population rule reads it beside
    ListSize (organisations.population)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="population_figures"
    )
    measure = models.CharField(max_length=16, choices=Measure.choices)
    as_at = models.DateField(help_text="the date the figure stands for")
    value = models.DecimalField(max_digits=12, decimal_places=2)
    synthetic = models.BooleanField(default=False, help_text="made up for the demo")
    import_run = models.ForeignKey(
        "imports.ImportRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True, help_text="why a person entered or changed it")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "measure", "as_at"], name="population_figure_unique"
            )
        ]
        indexes = [models.Index(fields=["organisation", "measure", "as_at"])]

    def __str__(self):
        return f"{self.organisation_id} {self.measure} {self.as_at}: {self.value}"


class DiseaseRegister(models.Model):
    """QOF prevalence: patients on a disease register at a practice in a QOF year."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    qof_year = models.CharField(max_length=7, help_text="financial year, e.g. 2019/20")
    group_code = models.CharField(max_length=12)
    register = models.PositiveIntegerField(null=True, blank=True, help_text="blank if withheld")
    list_type = models.CharField(max_length=8)
    list_size = models.PositiveIntegerField()
    import_run = models.ForeignKey(
        "imports.ImportRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "qof_year", "group_code"], name="disease_register_unique"
            )
        ]

    def __str__(self):
        return f"{self.organisation_id} {self.qof_year} {self.group_code}: {self.register}"


class FigureRevision(models.Model):
    """A published figure (list size, QOF register) revised by a later file: which row, which
    field, the value before and after, and the run that revised it. Figures are too many to
    keep a history row each; revisions are rare and each one is kept here."""

    table = models.CharField(max_length=40)
    row_id = models.BigIntegerField()
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    field = models.CharField(max_length=40)
    before = models.CharField(max_length=40, blank=True)
    after = models.CharField(max_length=40, blank=True)
    import_run = models.ForeignKey("imports.ImportRun", on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["table", "row_id"])]

    def __str__(self):
        return f"{self.table} {self.row_id} {self.field}: {self.before} → {self.after}"


class QofIndicator(models.Model):
    """A QOF indicator as published for a year: its points, disease group and domain."""

    qof_year = models.CharField(max_length=7)
    code = models.CharField(max_length=20)
    description = models.TextField(blank=True)
    points = models.PositiveIntegerField()
    group_code = models.CharField(max_length=12)
    group_description = models.CharField(max_length=200)
    domain_code = models.CharField(max_length=12)
    domain_description = models.CharField(max_length=200)
    list_type = models.CharField(max_length=8)
    import_run = models.ForeignKey(
        "imports.ImportRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["qof_year", "code"], name="qof_indicator_unique")
        ]

    def __str__(self):
        return f"{self.qof_year} {self.code} ({self.points} points)"


class QofMaximumPoints(models.Model):
    """A practice's revised maximum QOF points for a year (QOF organisation reference)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    qof_year = models.CharField(max_length=7)
    maximum_points = models.PositiveIntegerField(null=True, blank=True, help_text="blank if none")
    import_run = models.ForeignKey(
        "imports.ImportRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "qof_year"], name="qof_maximum_points_unique"
            )
        ]

    def __str__(self):
        return f"{self.organisation_id} {self.qof_year}: {self.maximum_points}"


class QofValidationOutcome(models.Model):
    """A validation rule a practice's QOF submission failed in a year."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    qof_year = models.CharField(max_length=7)
    rule = models.CharField(max_length=12)
    description = models.CharField(max_length=300)
    import_run = models.ForeignKey(
        "imports.ImportRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "qof_year", "rule"], name="qof_validation_unique"
            )
        ]

    def __str__(self):
        return f"{self.organisation_id} {self.qof_year} rule {self.rule}"

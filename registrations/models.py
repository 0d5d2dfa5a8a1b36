"""A PCN's registration for a DES year, its members, documents and every step it went through.

Bank details are stored encrypted with their own keys (registrations.encryption) and shown
masked; each view of them in full is a BankDetailsView row.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from organisations.models import Organisation
from registrations.encryption import BankDetailField, Unreadable


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    UNDER_REVIEW = "under_review", "Under review"
    RETURNED = "returned", "Returned"
    APPROVED = "approved", "Approved"
    APPROVED_EXCEPTION = "approved_exception", "Approved with exception"
    ASSURED = "assured", "Assured"


APPROVED_STATUSES = frozenset({Status.APPROVED, Status.APPROVED_EXCEPTION, Status.ASSURED})
EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.RETURNED})
AWAITING_DECISION = frozenset({Status.SUBMITTED, Status.UNDER_REVIEW})


class Origin(models.TextChoices):
    FORM = "form", "Entered in PCN Hub"
    IMPORT = "import", "Imported from a registration form file"
    ODS = "ods", "Recorded from the ODS configuration"


class Profession(models.TextChoices):
    GP = "gp", "GP"
    NURSE = "nurse", "Nurse"
    PHARMACIST = "pharmacist", "Pharmacist"
    OTHER = "other", "Other clinician"


class BankDetails(models.Model):
    """A payee's bank details, encrypted, shown masked. A detail whose key is not configured
    is `Unreadable`: it counts as on record, and is never masked or shown as a value."""

    bank_account_name = BankDetailField(max_length=140, blank=True, null=True)
    bank_sort_code = BankDetailField(max_length=6, blank=True, null=True)
    bank_account_number = BankDetailField(max_length=8, blank=True, null=True)

    class Meta:
        abstract = True

    @property
    def has_bank_details(self) -> bool:
        return bool(self.bank_sort_code and self.bank_account_number)

    @property
    def bank_details_unreadable(self) -> bool:
        return any(
            isinstance(getattr(self, name), Unreadable)
            for name in ("bank_account_name", "bank_sort_code", "bank_account_number")
        )

    @property
    def masked_sort_code(self) -> str:
        value = self.bank_sort_code
        return f"**-**-{value[-2:]}" if isinstance(value, str) and value else ""

    @property
    def masked_account_number(self) -> str:
        value = self.bank_account_number
        return f"****{value[-4:]}" if isinstance(value, str) and value else ""


class Registration(BankDetails):
    pcn = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="registrations")
    commissioner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="registrations_received",
        help_text="the registering commissioner",
    )
    des_year = models.CharField(max_length=7, help_text="e.g. 2019/20")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.FORM)

    area_description = models.TextField(blank=True)
    area_map = models.JSONField(null=True, blank=True, help_text="GeoJSON of the network area")

    clinical_director_name = models.CharField(max_length=120, blank=True)
    clinical_director_profession = models.CharField(
        max_length=12, choices=Profession.choices, blank=True
    )
    clinical_director_practice = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    clinical_director_sessions = models.DecimalField(
        max_digits=4, decimal_places=2, null=True, blank=True, help_text="sessions a week"
    )
    clinical_director_wte = models.DecimalField(
        max_digits=4, decimal_places=2, null=True, blank=True, help_text="whole-time equivalent"
    )
    clinical_director_start = models.DateField(null=True, blank=True)

    payee_practice = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payee_provider_name = models.CharField(max_length=200, blank=True)
    payee_provider_code = models.CharField(max_length=12, blank=True)

    extended_hours = models.BooleanField(default=False, help_text="signed up to extended hours")
    extended_hours_signed_on = models.DateField(null=True, blank=True)

    population_exception = models.TextField(
        blank=True, help_text="the commissioner's approved reason for a list below the minimum"
    )
    cross_boundary_reason = models.TextField(blank=True)

    panel_date = models.DateField(null=True, blank=True)
    decision_makers = models.TextField(blank=True)
    conditions = models.TextField(blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["des_year", "pcn__name"]
        constraints = [
            models.UniqueConstraint(fields=["pcn", "des_year"], name="one_registration_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.pcn.name} ({self.pcn.code}) {self.des_year}"

    @property
    def is_approved(self) -> bool:
        return self.status in APPROVED_STATUSES

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def payee_label(self) -> str:
        if self.payee_practice_id:
            return f"{self.payee_practice.name} ({self.payee_practice.code})"
        if self.payee_provider_name:
            code = f" ({self.payee_provider_code})" if self.payee_provider_code else ""
            return f"{self.payee_provider_name}{code}"
        return ""


class VariationStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ISSUED = "issued", "Issued"
    SIGNED = "signed", "Signed"


class RegistrationMember(models.Model):
    """A member practice. Its list size is taken from the registry by the population rule and
    frozen on submission, with its basis and source so the page can say what was counted."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="members")
    practice = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    list_size = models.PositiveIntegerField(null=True, blank=True)
    list_size_date = models.DateField(null=True, blank=True, help_text="extract date of the figure")
    list_size_basis = models.TextField(
        blank=True,
        help_text="the population rule's words for the frozen figure and its warnings, e.g. "
        "'QOF list size at 1 Jan 2019', or why there is none",
    )
    list_size_source = models.TextField(
        blank=True, help_text="the file the frozen figure came from, or who entered it and why"
    )
    joined_on = models.DateField(null=True, blank=True, help_text="empty: from the start")
    left_on = models.DateField(null=True, blank=True, help_text="last day; empty: still a member")
    variation_status = models.CharField(
        max_length=12, choices=VariationStatus.choices, default=VariationStatus.NOT_STARTED
    )
    variation_signed_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["practice__name"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "practice"], name="member_once")
        ]

    def __str__(self) -> str:
        return f"{self.practice.code} in {self.registration}"


class RegistrationDocument(models.Model):
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="documents"
    )
    key = models.CharField(max_length=40, help_text="a document key of the DES year")
    signed_on = models.DateField()
    file = models.FileField(upload_to="registrations/%Y/", blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["registration", "key"], name="document_once")
        ]

    def __str__(self) -> str:
        return f"{self.key} signed {self.signed_on} for {self.registration}"


class Transition(models.Model):
    """One step of the workflow: who moved the registration, when, why, and what the rules said."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    at = models.DateTimeField(help_text="when it took effect")
    recorded_at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    panel_date = models.DateField(null=True, blank=True)
    decision_makers = models.TextField(blank=True)
    conditions = models.TextField(blank=True)
    rule_results = models.JSONField(default=list, help_text="the rule results at the time")

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["registration", "at"])]

    def __str__(self) -> str:
        return f"{self.registration}: {self.from_status or 'new'} -> {self.to_status}"


class BankDetailsView(models.Model):
    """Each time someone saw a registration's bank details in full. Kept for good: a
    registration that has been looked at cannot be deleted (PROTECT)."""

    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="bank_detail_views"
    )
    viewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    viewed_at = models.DateTimeField(auto_now_add=True)
    channel = models.CharField(max_length=8, default="page", help_text="page or api")

    class Meta:
        ordering = ["-viewed_at"]

    def __str__(self) -> str:
        return f"bank details of {self.registration} seen by {self.viewed_by} at {self.viewed_at}"


class ChangeKind(models.TextChoices):
    MOVE = "move", "Move a practice to another PCN"
    ADD = "add", "Add a member practice"
    REMOVE = "remove", "Remove a member practice"
    MERGER = "merger", "Record a practice merger"
    CLOSURE = "closure", "Record a practice closure"
    CLINICAL_DIRECTOR = "clinical_director", "Change the Clinical Director"
    PAYEE = "payee", "Change the nominated payee or bank details"
    SPLIT = "split", "Split the PCN"
    MERGE = "merge", "Merge into another PCN"


class ChangeStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class ChangeRequest(BankDetails):
    """A change to an approved network, effective from a date, approved by a committee. On
    approval it writes the registry's and the registration's effective-dated rows itself."""

    kind = models.CharField(max_length=20, choices=ChangeKind.choices)
    status = models.CharField(
        max_length=12, choices=ChangeStatus.choices, default=ChangeStatus.REQUESTED
    )
    pcn = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="change_requests")
    target_pcn = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    practice = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    absorbing_practice = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    practices = models.ManyToManyField(Organisation, blank=True, related_name="+")
    new_pcn_code = models.CharField(max_length=12, blank=True)
    new_pcn_name = models.CharField(max_length=200, blank=True)

    clinical_director_name = models.CharField(max_length=120, blank=True)
    clinical_director_profession = models.CharField(
        max_length=12, choices=Profession.choices, blank=True
    )
    clinical_director_practice = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payee_practice = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payee_provider_name = models.CharField(max_length=200, blank=True)

    effective_date = models.DateField()
    reason = models.TextField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    committee = models.CharField(max_length=200, blank=True)
    decision_date = models.DateField(null=True, blank=True)
    decision_notes = models.TextField(blank=True)
    created_pcn = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords(m2m_fields=[practices])

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.pcn.code} from {self.effective_date}"

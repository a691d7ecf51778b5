"""Data protection by design: DPIAs, the organisations that handle the school's data and
their agreements, the retention schedule, the destruction log, and Schoolkeep's own erasure
of what it holds past the schedule's periods.

What names or describes a person is encrypted at rest (``EncryptedTextField``) and audited
only as "changed". A record "recorded before Schoolkeep tracked it" (``legacy``) was made by
the migration from the register's old fields, so that nothing they held is lost.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from schoolkeep.lib.fields import EncryptedTextField

LEGACY_NOTE = "Recorded before Schoolkeep tracked it"


# --- DPIAs ---------------------------------------------------------------------------------

class DpiaState(models.TextChoices):
    SCREENING = "screening", "Screening not finished"
    NOT_REQUIRED = "not_required", "Not required (screened)"
    IN_PROGRESS = "in_progress", "Required: assessment under way"
    AWAITING_ICO = "awaiting_ico", "Waiting for the ICO's prior consultation"
    SIGNED_OFF = "signed_off", "Signed off"


class Dpia(models.Model):
    """A screening and, when required, the assessment, for an asset, a system or a project.

    At most one of ``asset`` and ``system``; neither for a new project (``project_name``).
    ``state`` is derived by ``privacy.dpias`` from the fields below on every save.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    asset = models.ForeignKey("assets.Asset", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="dpias")
    system = models.ForeignKey("systems.System", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="dpias")
    project_name = models.CharField(max_length=300, blank=True)
    state = models.CharField(max_length=20, choices=DpiaState.choices,
                             default=DpiaState.SCREENING)
    legacy = models.BooleanField(default=False)  # made from the register's old DPIA fields
    # Screening: {question key: {"answer": true|false, "note": "..."}} and the decision.
    screening = models.JSONField(default=dict, blank=True)
    screening_required = models.BooleanField(null=True, blank=True)
    screening_reasons = models.TextField(blank=True)  # the decision's reasons, kept
    screened_on = models.DateField(null=True, blank=True)
    screened_by_label = models.CharField(max_length=200, blank=True)
    # The assessment. ``description`` is filled from the registers (purpose, lawful basis,
    # categories, recipients, retention, systems, transfers) and then edited.
    description = models.JSONField(default=dict, blank=True)
    processing_notes = models.TextField(blank=True)  # nature, scope and context
    necessity = models.TextField(blank=True, verbose_name="Necessity and proportionality")
    consultation_views = models.TextField(blank=True,
                                          verbose_name="Views of the people affected")
    consultation_not_sought_reason = models.TextField(blank=True)
    # The DPO's advice (UK GDPR Art 35(2)): recorded, followed or not and why.
    dpo_advice = models.TextField(blank=True)
    dpo_advice_on = models.DateField(null=True, blank=True)
    dpo_advice_by_label = models.CharField(max_length=200, blank=True)
    dpo_advice_followed = models.BooleanField(null=True, blank=True)
    dpo_advice_not_followed_reason = models.TextField(blank=True)
    # Prior consultation with the ICO (Art 36), when a high residual risk remains.
    ico_consulted_on = models.DateField(null=True, blank=True)
    ico_reference = models.CharField(max_length=100, blank=True)
    ico_response_on = models.DateField(null=True, blank=True)
    ico_response = models.TextField(blank=True)
    # The SIRO's sign-off, never before the DPO's advice.
    signed_off_on = models.DateField(null=True, blank=True)
    signed_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    signed_off_by_label = models.CharField(max_length=200, blank=True)
    review_on = models.DateField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(asset__isnull=True) | models.Q(system__isnull=True),
                name="dpia_one_subject"),
            models.UniqueConstraint(fields=["asset"], name="dpia_one_current_per_asset",
                                    condition=models.Q(asset__isnull=False,
                                                       archived_at__isnull=True)),
            models.UniqueConstraint(fields=["system"], name="dpia_one_current_per_system",
                                    condition=models.Q(system__isnull=False,
                                                       archived_at__isnull=True)),
        ]
        indexes = [models.Index(fields=["school", "archived_at", "state", "review_on"])]

    def __str__(self) -> str:
        if self.asset_id:
            return f"DPIA: {self.asset}"
        if self.system_id:
            return f"DPIA: {self.system}"
        return f"DPIA: {self.project_name}"


class DpiaRisk(models.Model):
    """One risk of an assessment: likelihood x severity on the product's one scale (1-3 each,
    ``lib.risk``), its measures, and the residual risk after them."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dpia = models.ForeignKey(Dpia, on_delete=models.CASCADE, related_name="risks")
    position = models.PositiveSmallIntegerField(default=0)
    description = models.TextField()
    likelihood = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(3)])
    severity = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(3)])
    measures = models.TextField(blank=True)
    residual_likelihood = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(3)])
    residual_severity = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(3)])
    measures_approved = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.description[:80]


# --- Processors and other controllers ------------------------------------------------------

class ProcessorRole(models.TextChoices):
    PROCESSOR = "processor", "Processor (acts on the school's instructions)"
    JOINT_CONTROLLER = "joint_controller", "Joint controller"
    CONTROLLER = "controller", "Independent controller"


class DataLocation(models.TextChoices):
    UK = "uk", "The UK"
    EEA = "eea", "The EEA"
    ELSEWHERE = "elsewhere", "Elsewhere"


class TransferMechanism(models.TextChoices):
    ADEQUACY = "adequacy", "UK adequacy regulations"
    IDTA = "idta", "International Data Transfer Agreement (IDTA)"
    ADDENDUM = "addendum", "UK Addendum to the EU standard contractual clauses"
    OTHER = "other", "Another safeguard"


class Processor(models.Model):
    """An outside organisation that handles the school's data: from the register's outside
    organisations and the systems' suppliers. A processor has an Article 28 agreement."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    name_key = models.CharField(max_length=200, editable=False)
    outside_organisation = models.ForeignKey(
        "assets.OutsideOrganisation", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="processors")
    systems = models.ManyToManyField("systems.System", blank=True, related_name="processors")
    role = models.CharField(max_length=20, choices=ProcessorRole.choices,
                            default=ProcessorRole.PROCESSOR)
    legacy = models.BooleanField(default=False)  # made from a system's "DPA on file" tick
    # Article 28(3): {term key: true|false}; sub-processors as free text lines.
    article28_terms = models.JSONField(default=dict, blank=True)
    sub_processors = models.TextField(blank=True)
    # The agreement on file (the document is a private upload, checked by content).
    agreement_file = models.CharField(max_length=300, blank=True)  # lib.private_files name
    agreement_file_name = models.CharField(max_length=200, blank=True)
    agreement_on_file = models.BooleanField(default=False)
    agreement_signed_on = models.DateField(null=True, blank=True)
    agreement_review_on = models.DateField(null=True, blank=True,
                                           verbose_name="Review or expiry date")
    contract_holder = models.CharField(max_length=200, blank=True,
                                       verbose_name="Who holds the contract")
    # Where the data is held, and for elsewhere the mechanism and the risk assessment.
    data_location = models.CharField(max_length=20, choices=DataLocation.choices, blank=True)
    transfer_mechanism = models.CharField(max_length=20, choices=TransferMechanism.choices,
                                          blank=True)
    transfer_mechanism_note = models.CharField(max_length=300, blank=True)
    transfer_risk_assessed_on = models.DateField(null=True, blank=True)
    # Security evidence.
    cyber_essentials = models.CharField(
        max_length=10, blank=True,
        choices=[("ce", "Cyber Essentials"), ("ce_plus", "Cyber Essentials Plus")])
    cyber_essentials_expires_on = models.DateField(null=True, blank=True)
    iso27001 = models.BooleanField(default=False, verbose_name="ISO 27001 certified")
    iso27001_expires_on = models.DateField(null=True, blank=True)
    security_statement = models.TextField(blank=True)
    # The yearly review, by the system's owner or the DPO.
    last_reviewed_on = models.DateField(null=True, blank=True)
    last_reviewed_by_label = models.CharField(max_length=200, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name_key"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name_key"],
                                    condition=models.Q(archived_at__isnull=True),
                                    name="processor_unique_name_per_school"),
        ]
        indexes = [models.Index(fields=["school", "archived_at", "name_key"])]

    def __str__(self) -> str:
        return self.name


# --- The retention schedule ----------------------------------------------------------------

class RetentionEvent(models.TextChoices):
    LEAVING = "leaving", "Leaving the school"
    DATE_OF_BIRTH = "date_of_birth", "The pupil's date of birth"
    FINANCIAL_YEAR_END = "financial_year_end", "The end of the financial year"
    INCIDENT = "incident", "The incident"
    CLOSURE = "closure", "The file or case being closed"
    CREATION = "creation", "The record being made"
    DECISION = "decision", "The decision (an application or appointment)"


class RetentionAction(models.TextChoices):
    DESTROY = "destroy", "Destroy"
    REVIEW = "review", "Review"
    TRANSFER_SCHOOL = "transfer_school", "Transfer to the next school"
    ARCHIVE = "archive", "Transfer to the archives"


class RecordType(models.Model):
    """A type of record and how long it is kept: ``years``/``months``/``days`` after
    ``event``. Shipped (``key`` set, from ``privacy.schedule.starting``) or the school's own;
    ``organisation`` set for a trust's schedule, ``school`` for a school's adjustment (which
    replaces the trust's or the shipped row of the same ``key``)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("tenancy.Organisation", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey("tenancy.School", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=60, blank=True)  # the starting schedule's key
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    event = models.CharField(max_length=30, choices=RetentionEvent.choices)
    years = models.PositiveSmallIntegerField(default=0)
    months = models.PositiveSmallIntegerField(default=0)
    days = models.PositiveSmallIntegerField(default=0)
    action = models.CharField(max_length=20, choices=RetentionAction.choices,
                              default=RetentionAction.DESTROY)
    source = models.TextField(blank=True)  # the statute or guide the period comes from
    # Schoolkeep's own records (leavers, parents, links...), erased by ``privacy.erasure``.
    schoolkeep_own = models.BooleanField(default=False)
    last_reviewed_on = models.DateField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=True) | models.Q(school__isnull=True),
                name="record_type_one_owner"),
        ]
        indexes = [models.Index(fields=["school", "key"]),
                   models.Index(fields=["organisation", "key"])]

    def __str__(self) -> str:
        return self.name


class AssetRecordType(models.Model):
    """An asset of the register holds records of this type (replacing the free text)."""

    asset = models.ForeignKey("assets.Asset", on_delete=models.CASCADE,
                              related_name="record_type_links")
    record_type = models.ForeignKey(RecordType, on_delete=models.PROTECT,
                                    related_name="asset_links")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["asset", "record_type"],
                                               name="asset_record_type_once")]

    def __str__(self) -> str:
        return f"{self.asset_id} holds {self.record_type_id}"


class LegacyRetentionText(models.Model):
    """An asset's free-text retention period from before the schedule: kept, shown as
    "recorded before Schoolkeep tracked it" until the asset is linked to record types."""

    asset = models.OneToOneField("assets.Asset", on_delete=models.CASCADE,
                                 related_name="legacy_retention")
    text = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.text


# --- The destruction log -------------------------------------------------------------------

class DestructionMethod(models.TextChoices):
    SHREDDING = "shredding", "Cross-cut shredding"
    CONFIDENTIAL_WASTE = "confidential_waste", "Confidential waste collection"
    SECURE_DELETION = "secure_deletion", "Secure deletion"
    DISPOSAL_COMPANY = "disposal_company", "A disposal company, with its certificate"
    SCHOOLKEEP_ERASURE = "schoolkeep_erasure", "Erased by Schoolkeep"
    TRANSFER = "transfer", "Transferred (next school or archives)"


class DestructionSource(models.TextChoices):
    MANUAL = "manual", "Recorded by hand"
    EQUIPMENT_DISPOSAL = "equipment_disposal", "Equipment disposal"
    HOUSEKEEPING = "housekeeping", "Housekeeping"
    SCHOOLKEEP = "schoolkeep", "Schoolkeep's own retention"


class Destruction(models.Model):
    """What was destroyed, how, by whom, when and witnessed by whom: never the data itself.
    One log for the whole product: records, shredding and drives' certificates."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    record_type = models.ForeignKey(RecordType, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="destructions")
    description = models.CharField(max_length=300)
    records_from = models.DateField(null=True, blank=True)
    records_to = models.DateField(null=True, blank=True)
    quantity = models.PositiveIntegerField(null=True, blank=True,
                                           verbose_name="How many (records, boxes, drives)")
    method = models.CharField(max_length=30, choices=DestructionMethod.choices)
    source = models.CharField(max_length=30, choices=DestructionSource.choices,
                              default=DestructionSource.MANUAL)
    disposal = models.ForeignKey("equipment.Disposal", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="destructions")
    certificate_reference = models.CharField(max_length=200, blank=True)
    destroyed_on = models.DateField()
    destroyed_by_label = models.CharField(max_length=200)
    witnessed_by_label = models.CharField(max_length=200, blank=True)
    recorded_by_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-destroyed_on", "-id"]
        indexes = [models.Index(fields=["school", "-destroyed_on"])]

    def __str__(self) -> str:
        return self.description


# --- Schoolkeep's own erasure --------------------------------------------------------------

class HoldReason(models.TextChoices):
    ALLEGATION = "allegation", "An allegation about a member of staff"
    LITIGATION = "litigation", "Litigation or a claim"
    OTHER = "other", "Another legal reason"


class ErasureHold(models.Model):
    """The DPO stops a person's erasure: an allegation (kept as the statutory guidance says)
    or litigation. An open request about the person also holds, without a row here."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE,
                               related_name="erasure_holds")
    reason = models.CharField(max_length=20, choices=HoldReason.choices)
    note = EncryptedTextField(blank=True, default="")
    until = models.DateField(null=True, blank=True)  # none: until released
    released_at = models.DateTimeField(null=True, blank=True)
    created_by_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["person", "released_at"])]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.person_id})"


class Tombstone(models.Model):
    """What is left of an erased record: its kind and id, so that the audit trail still
    resolves. The same line goes to the tombstone ledger file, which ``restore`` re-applies
    after every restore."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", null=True, blank=True,
                               on_delete=models.DO_NOTHING, db_constraint=False,
                               related_name="+")
    subject_type = models.CharField(max_length=100)  # e.g. people.person
    subject_id = models.CharField(max_length=64)  # the erased record's public id or key
    record_type_key = models.CharField(max_length=60, blank=True)
    erased_at = models.DateTimeField()

    class Meta:
        ordering = ["-erased_at"]
        constraints = [models.UniqueConstraint(fields=["subject_type", "subject_id"],
                                               name="tombstone_once")]

    def __str__(self) -> str:
        return f"{self.subject_type} {self.subject_id}"

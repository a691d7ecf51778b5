"""The models of this part (processors and other controllers)."""

from __future__ import annotations

import uuid

from django.db import models


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

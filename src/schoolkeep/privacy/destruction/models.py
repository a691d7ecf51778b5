"""The models of this part (The destruction log)."""

from __future__ import annotations

import uuid

from django.db import models

from schoolkeep.privacy.schedule.models import RecordType


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
    asset = models.ForeignKey("assets.Asset", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="destructions")
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

"""The models of this part (The retention schedule)."""

from __future__ import annotations

import uuid

from django.db import models


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


class RecordTypeReview(models.Model):
    """A school's yearly review of one record type of its schedule: it still holds such
    records where the register says, and those past their period were dealt with. ``key``
    keeps a shipped type's key, so a review still counts after the type is adjusted. Who
    reviewed is in the audit trail, not here (no name to erase)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    record_type = models.ForeignKey(RecordType, on_delete=models.PROTECT,
                                    related_name="reviews")
    key = models.CharField(max_length=60, blank=True)
    reviewed_on = models.DateField()
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_on", "-id"]
        indexes = [models.Index(fields=["school", "key", "-reviewed_on"],
                                name="privacy_rec_school__k_review"),
                   models.Index(fields=["school", "record_type", "-reviewed_on"],
                                name="privacy_rec_school__rt_review")]

    def __str__(self) -> str:
        return f"Review of {self.record_type_id} on {self.reviewed_on}"


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

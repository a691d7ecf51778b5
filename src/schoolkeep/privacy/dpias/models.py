"""The models of this part (DPIAs)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


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
    # What the advice was given on: a digest of the assessment's text and risks then
    # (``selectors.assessment_digest``); a change after it means asking the DPO again.
    dpo_advice_digest = models.CharField(max_length=64, blank=True)
    # Prior consultation with the ICO (Art 36), when a high residual risk remains.
    ico_consulted_on = models.DateField(null=True, blank=True)
    ico_reference = models.CharField(max_length=100, blank=True)
    ico_response_on = models.DateField(null=True, blank=True)
    ico_response = models.TextField(blank=True)
    # The risks the ICO answered on (``selectors.risks_digest``), kept with its response.
    ico_response_digest = models.CharField(max_length=64, blank=True)
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

"""The register of the school's policy documents and their governor reviews.

A policy has numbered versions (text typed or imported, or an uploaded file). The owner sends
a version for review; a governor approves it in Schoolkeep with their typed full name (their
signature); the policy's next review date is then set from its review cycle.

A next review date may be given as a term ("Spring 2022"): it resolves to the last day of
that term in the school's calendar, and is resolved again when the school's term dates change.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from schoolkeep.lib.downloads import download_name


class Policy(models.Model):
    class Kind(models.TextChoices):
        ONLINE_SECURITY = "online_security", "Online security"
        DATA_PROTECTION = "data_protection", "Data protection"
        ACCEPTABLE_USE = "acceptable_use", "Acceptable use"
        RETENTION = "retention", "Records retention"
        OTHER = "other", "Other"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT,
                               related_name="policies")
    title = models.CharField(max_length=200)
    title_key = models.CharField(max_length=200, editable=False)  # case-folded, single-spaced
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.OTHER)
    # A member of the school who looks after the policy (reviews fall to them, then the SIRO).
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="owned_policies")
    review_cycle_months = models.PositiveSmallIntegerField(
        default=12, validators=[MinValueValidator(1), MaxValueValidator(60)],
        verbose_name="Review every (months)",
    )
    next_review_on = models.DateField(null=True, blank=True, verbose_name="Next review date")
    # When the next review was given as a term ("Spring 2022"); next_review_on is its last day.
    next_review_term = models.CharField(max_length=20, blank=True)
    # The approved version in force, with who approved it.
    current_version = models.ForeignKey("PolicyVersion", null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")
    approved_on = models.DateField(null=True, blank=True, verbose_name="Approval date")
    approved_by_name = models.CharField(max_length=200, blank=True,
                                        verbose_name="Approved by (governor)")
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["title_key"]
        verbose_name_plural = "policies"
        constraints = [
            models.UniqueConstraint(
                fields=["school", "title_key"], condition=models.Q(archived_at__isnull=True),
                name="policy_unique_title_per_school",
            ),
        ]
        indexes = [models.Index(fields=["school", "archived_at", "next_review_on"])]

    def __str__(self) -> str:
        return self.title


class PolicyVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "Waiting for a governor's approval"
        APPROVED = "approved", "Approved"
        SUPERSEDED = "superseded", "Replaced by a later version"

    class Source(models.TextChoices):
        TYPED = "typed", "Typed in Schoolkeep"
        UPLOADED = "uploaded", "Uploaded file"
        IMPORTED = "imported", "Imported from the document's text"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    source = models.CharField(max_length=10, choices=Source.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    text = models.TextField(blank=True)
    # An uploaded file, stored outside the web root under a random name.
    file_name = models.CharField(max_length=100, blank=True)
    file_original_name = models.CharField(max_length=255, blank=True)
    file_content_type = models.CharField(max_length=100, blank=True)
    content_hash = models.CharField(max_length=64)  # SHA-256 of the text or of the file
    # What the document's own header says (imports); kept as read, for the record.
    stated_school_name = models.CharField(max_length=200, blank=True)
    stated_review_date = models.DateField(null=True, blank=True)
    stated_next_review = models.CharField(max_length=100, blank=True)
    stated_reviewer = models.CharField(max_length=200, blank=True)
    created_by_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_for_review_at = models.DateTimeField(null=True, blank=True)
    sent_for_review_by_label = models.CharField(max_length=200, blank=True)
    # The governor's approval: recorded in Schoolkeep (approved_by set) or, for an imported
    # document, read from its header (approved_by empty).
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    approved_by_name = models.CharField(max_length=200, blank=True)
    approval_signature = models.CharField(max_length=200, blank=True)
    approved_on = models.DateField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    # A governor who sends a version back (to draft) says why; kept until it is sent again.
    returned_comment = models.TextField(blank=True)
    returned_by_label = models.CharField(max_length=200, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["policy", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"],
                                    name="policy_version_unique_number"),
        ]
        indexes = [models.Index(fields=["school", "status"])]

    def __str__(self) -> str:
        return f"{self.policy} version {self.number}"

    @property
    def download_name(self) -> str:
        """The name its file downloads under: the uploaded name's stem with the extension
        of the type its content was found to be (never the uploader's own extension)."""
        return download_name(self.file_original_name, self.file_content_type,
                             fallback="policy")

"""The systems and services a school uses (SIMS, USO, CPOMS...), with their suppliers,
two-factor, remote access, automatic log-off and administrators."""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class System(models.Model):
    class Kind(models.TextChoices):
        MIS = "mis", "Management information system (MIS)"
        FINANCE = "finance", "Finance"
        IDENTITY = "identity", "Identity and sign-on"
        SAFEGUARDING = "safeguarding", "Safeguarding"
        REMOTE_ACCESS = "remote_access", "Remote access"
        FILE_TRANSFER = "file_transfer", "File transfer"
        BACKUP = "backup", "Backup"
        LEARNING_PLATFORM = "learning_platform", "Learning platform"
        WEBSITE = "website", "Website"
        MESSAGING = "messaging", "Messaging"
        CCTV = "cctv", "CCTV"
        OTHER = "other", "Other"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="systems")
    name = models.CharField(max_length=200)
    name_key = models.CharField(max_length=200, editable=False)  # case-folded, single-spaced
    # The catalogue entry this system was picked from (systems/catalogue.py), if any.
    catalogue_key = models.CharField(max_length=50, blank=True)
    supplier = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField(blank=True)
    hosting = models.CharField(max_length=200, blank=True, verbose_name="Where it is hosted")
    mfa_required = models.BooleanField(default=False, verbose_name="Two-factor is required")
    mfa_enabled = models.BooleanField(default=False, verbose_name="Two-factor is turned on")
    mfa_for = models.CharField(max_length=200, blank=True,
                               verbose_name="Two-factor is used by")
    remote_access_method = models.CharField(max_length=200, blank=True)
    # People sign in to it themselves (not a backup service, say): only then is its automatic
    # log-off checked.
    signs_in_interactively = models.BooleanField(
        default=True, verbose_name="People sign in to it interactively")
    auto_logoff_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(1440)],
        verbose_name="Automatic log-off after (idle minutes)",
    )
    auto_logoff_checked_on = models.DateField(
        null=True, blank=True, verbose_name="Automatic log-off last checked on"
    )
    # An approved channel for sending data (``transfers``): the rules name it, and the guide
    # "How do I send this?" shows how to use it.
    is_transfer_channel = models.BooleanField(
        default=False, verbose_name="An approved channel for sending data")
    transfer_instructions = models.TextField(
        blank=True, verbose_name="How to send data with it, in plain words")
    administrators = models.ManyToManyField("people.Person", blank=True,
                                            related_name="administered_systems")
    # Whether an agreement is on file is a view of its processor (privacy.suppliers).
    notes = models.TextField(blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "name_key"], condition=models.Q(archived_at__isnull=True),
                name="system_unique_name_per_school",
            ),
        ]
        indexes = [models.Index(fields=["school", "archived_at", "name_key"])]

    def __str__(self) -> str:
        return self.name

"""The school's own backups and recovery: what needs protecting (scopes), the backup sets
that protect it, the checks that a backup ran, the restore tests each term, and the
recovery plan with its contacts and its tests.

The 3-2-1 rule is never stored: ``continuity/rule321.py`` evaluates it from the sets and their
latest successful checks whenever it is read. Nothing here is deleted: a set no longer used is
retired, a scope no longer needed is archived, and checks and tests are a log.

Schoolkeep's own nightly backup appears to each school as sets kept by the install
(``install_copy`` set): filled in from ``backups.BackupRun`` when read, never edited by a school.
"""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Scope(models.Model):
    """Something the school must be able to get back: a network, a cloud system, Schoolkeep."""

    class Kind(models.TextChoices):
        ADMIN_NETWORK = "admin_network", "Admin network"
        CURRICULUM_NETWORK = "curriculum_network", "Curriculum network"
        CLOUD_SYSTEM = "cloud_system", "Cloud system"
        SCHOOLKEEP = "schoolkeep", "Schoolkeep"
        OTHER = "other", "Other"

    class ManageWithout(models.TextChoices):
        """How long the school could manage without it (its tolerable outage)."""

        HOURS = "hours", "A few hours"
        DAY = "day", "A day"
        DAYS = "days", "Two or three days"
        WEEK = "week", "A week"
        LONGER = "longer", "More than a week"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    name = models.CharField(max_length=200)
    name_key = models.CharField(max_length=200, editable=False)
    # The register's system, for a cloud system.
    system = models.ForeignKey("systems.System", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="continuity_scopes")
    owner = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="continuity_scopes")
    manage_without = models.CharField(
        max_length=10, choices=ManageWithout.choices, blank=True,
        verbose_name="How long the school could manage without it")
    # The recovery plan restores scopes in this order (1 first); None: not in the plan's order.
    restore_order = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(999)])
    notes = models.TextField(blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name_key", "id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name_key"],
                                    condition=models.Q(archived_at__isnull=True),
                                    name="continuity_scope_unique_name"),
            models.UniqueConstraint(fields=["school", "system"],
                                    condition=models.Q(archived_at__isnull=True,
                                                       system__isnull=False),
                                    name="continuity_scope_one_per_system"),
            models.UniqueConstraint(fields=["school"],
                                    condition=models.Q(archived_at__isnull=True,
                                                       kind="schoolkeep"),
                                    name="continuity_scope_one_schoolkeep"),
        ]
        indexes = [models.Index(fields=["school", "archived_at", "name_key"],
                                name="continuity_scope_list")]

    def __str__(self) -> str:
        return self.name


class BackupSet(models.Model):
    """One backup of one or more scopes, kept on one device or in one place. Copies on the
    same device (the same ``device_key``) count once in the 3-2-1 rule."""

    class Medium(models.TextChoices):
        TAPE = "tape", "Tape"
        DISK = "disk", "External or removable disk"
        NETWORK_STORAGE = "network_storage", "Network storage (NAS or server)"
        CLOUD = "cloud", "Cloud"
        OTHER = "other", "Other"

    class Schedule(models.TextChoices):
        CONTINUOUS = "continuous", "Continuously"
        DAILY = "daily", "Every day"
        WEEKLY = "weekly", "Every week"
        MONTHLY = "monthly", "Every month"
        TERMLY = "termly", "Every term"
        OTHER = "other", "Other (see the note)"

    class InstallCopy(models.TextChoices):
        """Kept by the install from Schoolkeep's own nightly runs (read-only to schools)."""

        NONE = "", "Recorded by the school"
        ARCHIVE = "archive", "Schoolkeep's nightly archive"
        COPY = "copy", "Schoolkeep's copy folder"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    scopes = models.ManyToManyField(Scope, blank=True, related_name="backup_sets")
    medium = models.CharField(max_length=20, choices=Medium.choices)
    provider_system = models.ForeignKey("systems.System", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="backup_sets")
    provider_organisation = models.ForeignKey(
        "assets.OutsideOrganisation", null=True, blank=True, on_delete=models.PROTECT,
        related_name="backup_sets")
    location = models.CharField(max_length=200, verbose_name="Where the copies are kept")
    # ``location`` lower-cased and single-spaced: sets kept in the same place are one device.
    device_key = models.CharField(max_length=200, editable=False)
    encrypted = models.BooleanField(default=False)
    password_protected = models.BooleanField(default=False)
    off_site = models.BooleanField(default=False)
    offline = models.BooleanField(default=False)
    immutable = models.BooleanField(default=False)
    schedule = models.CharField(max_length=20, choices=Schedule.choices,
                                default=Schedule.DAILY)
    schedule_note = models.CharField(max_length=200, blank=True)
    owner = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="backup_sets")
    install_copy = models.CharField(max_length=10, choices=InstallCopy.choices, blank=True,
                                    default=InstallCopy.NONE, editable=False)
    notes = models.TextField(blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "install_copy"],
                                    condition=~models.Q(install_copy=""),
                                    name="continuity_set_one_install_copy"),
            models.CheckConstraint(
                condition=models.Q(provider_system__isnull=True)
                | models.Q(provider_organisation__isnull=True),
                name="continuity_set_one_provider"),
        ]
        indexes = [models.Index(fields=["school", "retired_at"], name="continuity_set_list")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_install_copy(self) -> bool:
        return bool(self.install_copy)


class BackupCheck(models.Model):
    """A person's record that a backup ran and whether it succeeded (the software's report
    may be attached as evidence, but the person records the outcome)."""

    class Outcome(models.TextChoices):
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    backup_set = models.ForeignKey(BackupSet, on_delete=models.PROTECT, related_name="checks")
    checked_on = models.DateField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    action_taken = models.TextField(blank=True, verbose_name="What was done")
    evidence_stored_name = models.CharField(max_length=100, blank=True)
    evidence_original_name = models.CharField(max_length=200, blank=True)
    evidence_size = models.PositiveIntegerField(null=True, blank=True)
    recorded_by_label = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-checked_on", "-id"]
        indexes = [
            models.Index(fields=["school", "backup_set", "outcome", "checked_on"],
                         name="continuity_check_latest"),
            models.Index(fields=["school", "checked_on"], name="continuity_check_log"),
        ]

    def __str__(self) -> str:
        return f"{self.backup_set} checked on {self.checked_on.isoformat()}"


class RestoreTest(models.Model):
    """A test that data can be got back from a set: what, how long, whether it worked."""

    class Outcome(models.TextChoices):
        WORKED = "worked", "It worked"
        PARTLY = "partly", "It partly worked"
        FAILED = "failed", "It failed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    backup_set = models.ForeignKey(BackupSet, on_delete=models.PROTECT,
                                   related_name="restore_tests")
    scope = models.ForeignKey(Scope, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="restore_tests")
    tested_on = models.DateField()
    what_was_restored = models.CharField(max_length=300)
    minutes_taken = models.PositiveIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(100_000)],
        verbose_name="How long it took (minutes)")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    notes = models.TextField(blank=True)
    recorded_by_label = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-tested_on", "-id"]
        indexes = [models.Index(fields=["school", "tested_on"], name="continuity_restore_log")]

    def __str__(self) -> str:
        return f"Restore test on {self.tested_on.isoformat()}"


class RecoveryPlan(models.Model):
    """The school's business continuity and recovery plan: written here, uploaded, or both."""

    school = models.OneToOneField("tenancy.School", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(blank=True, verbose_name="The plan, in plain words")
    document_stored_name = models.CharField(max_length=100, blank=True)
    document_original_name = models.CharField(max_length=200, blank=True)
    document_size = models.PositiveIntegerField(null=True, blank=True)
    document_uploaded_at = models.DateTimeField(null=True, blank=True)
    # Earlier uploads, kept: dicts of stored_name, original_name, size, uploaded_at, replaced_at.
    earlier_documents = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by_label = models.CharField(max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return "Recovery plan"


class PlanContact(models.Model):
    """Whom to call, in order, when the school is attacked or loses its systems."""

    class Kind(models.TextChoices):
        IT_SUPPORT = "it_support", "IT support"
        DPO = "dpo", "Data protection officer"
        RPA = "rpa", "RPA emergency assistance helpline"
        DFE = "dfe", "DfE sector cyber team"
        ACTION_FRAUD = "action_fraud", "Action Fraud"
        POLICE = "police", "Police"
        OTHER = "other", "Other"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(validators=[MinValueValidator(1),
                                                            MaxValueValidator(99)])
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200)
    phone = models.CharField(max_length=50, blank=True)
    email = models.EmailField(blank=True)
    when_to_call = models.CharField(max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["school", "position"], name="continuity_contact_order")]

    def __str__(self) -> str:
        return self.name


class PlanTest(models.Model):
    """A test of the recovery plan; a tabletop exercise counts."""

    class Kind(models.TextChoices):
        TABLETOP = "tabletop", "Tabletop exercise"
        RESTORE = "restore", "Restore of systems"
        FULL = "full", "Full test"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    tested_on = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    participants = models.TextField(verbose_name="Who took part")
    findings = models.TextField(blank=True, verbose_name="What was learnt, what will change")
    recorded_by_label = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-tested_on", "-id"]
        indexes = [models.Index(fields=["school", "tested_on"], name="continuity_plan_tests")]

    def __str__(self) -> str:
        return f"Plan test on {self.tested_on.isoformat()}"


class ContinuitySettings(models.Model):
    """A school's choices for the 3-2-1 rule; a school without a row uses the defaults."""

    school = models.OneToOneField("tenancy.School", on_delete=models.PROTECT, related_name="+")
    # A set counts in the 3-2-1 rule only with a successful check within this many days.
    check_window_days = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(1), MaxValueValidator(365)],
        verbose_name="A backup counts only with a successful check within (days)")
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return "Continuity settings"

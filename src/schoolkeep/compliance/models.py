"""The policy as live controls: what the school does (controls), what it has promised
(frameworks and their requirements), the nightly record of where it stood (snapshots),
the termly report to the governors (governor packs) and the attestations behind the
practices no register records.

A control's state is never stored: ``compliance/state/`` works it out whenever it is read,
from the measures (``overview.types``) and overdue duties its row names (computed controls)
or from its attestations and cadence (attested controls). Only the nightly snapshot keeps
figures, so that a trend can be drawn and a trust can see every school without working
every school out.

Built-in rows (``school`` NULL) are data loaded by migrations from the versioned files in
``catalogue/data/``, keyed by stable codes; a school's own controls, its edits of a
requirement and the clauses it adds are rows of its own (``school`` set), never touched by a
later version of the built-in data.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class State(models.TextChoices):
    """The state of a control or a requirement, in the order a governor reads them."""

    MET = "met", "Met"
    PARTLY = "partly", "Partly met"
    NOT_MET = "not_met", "Not met"
    NOT_ASSESSED = "not_assessed", "Not yet assessed"


class Framework(models.Model):
    """A published set of requirements in one version: the school's own Online Security
    Policy, the DfE's cyber security standards, the RPA's cyber cover conditions."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(max_length=40)  # stable: "school-policy", "dfe-cyber", "rpa-cyber"
    version = models.CharField(max_length=40)  # as published: "2025-03"
    title = models.CharField(max_length=200)
    short_title = models.CharField(max_length=60)
    publisher = models.CharField(max_length=200)
    source_url = models.URLField(blank=True)
    summary = models.TextField(blank=True)
    is_current = models.BooleanField(default=True)  # the version schools are measured against
    order = models.PositiveSmallIntegerField(default=0)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"],
                                    name="compliance_framework_version"),
            models.UniqueConstraint(fields=["code"], condition=Q(is_current=True),
                                    name="compliance_framework_one_current"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.version})"


class Control(models.Model):
    """One thing a school does, with an owner and a state from its evidence.

    Built in (``school`` NULL, ``code`` stable): computed ones name their measures and duty
    kinds; attested ones their cadence. A school's own controls (``school`` set) are attested.
    """

    class Kind(models.TextChoices):
        COMPUTED = "computed", "Worked out from the records"
        ATTESTED = "attested", "Confirmed by someone on a cadence"

    class WhenEmpty(models.TextChoices):
        NOT_ASSESSED = "not_assessed", "Not yet assessed"
        MET = "met", "Met"

    class Cadence(models.TextChoices):
        TERMLY = "termly", "Once a term"
        YEARLY = "yearly", "Once a year"
        EVERY_N_DAYS = "every_n_days", "Every so many days"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+")
    code = models.CharField(max_length=60, blank=True)  # stable for built-in controls
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # Computed: measure keys (``overview``) whose figures must all be met, duty kinds whose
    # overdue duties make it not met, and what a school with nothing to count is.
    measures = models.JSONField(default=list, blank=True)
    duty_kinds = models.JSONField(default=list, blank=True)
    when_empty = models.CharField(max_length=12, choices=WhenEmpty.choices,
                                  default=WhenEmpty.NOT_ASSESSED)
    # Who owns it when the school has named nobody: a role (``tenancy.roles.Role``).
    owner_role = models.CharField(max_length=30, default="siro")
    # Attested: how often it is confirmed, and what evidence helps.
    cadence = models.CharField(max_length=14, choices=Cadence.choices, blank=True)
    every_days = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(730)])
    evidence_hint = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["order", "title"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=Q(school__isnull=True),
                                    name="compliance_builtin_control_code"),
            models.CheckConstraint(
                condition=Q(kind="attested") | Q(school__isnull=True),
                name="compliance_own_controls_attested"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_builtin(self) -> bool:
        return self.school_id is None


class ControlSetting(models.Model):
    """A school's choices for one control: who owns it, and for an attested control how
    often it is confirmed (blank: the control's own cadence)."""

    school = models.ForeignKey("tenancy.School", on_delete=models.CASCADE, related_name="+")
    control = models.ForeignKey(Control, on_delete=models.CASCADE, related_name="settings")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    cadence = models.CharField(max_length=14, choices=Control.Cadence.choices, blank=True)
    every_days = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(730)])
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "control"],
                                               name="compliance_one_setting_per_control")]

    def __str__(self) -> str:
        return f"{self.control} at school {self.school_id}"


class Requirement(models.Model):
    """One requirement of a framework, mapped to the controls that evidence it.

    As published: ``school`` NULL. A school's edit of a published requirement is a row with
    ``school`` set and ``replaces_code`` the published code (it stands in its place, in every
    later version that keeps the code); a clause the school adds has ``school`` set and no
    ``replaces_code``; ``withdrawn`` marks a published clause the school's policy does not have.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="requirements")
    school = models.ForeignKey("tenancy.School", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+")
    code = models.CharField(max_length=60)
    replaces_code = models.CharField(max_length=60, blank=True)
    withdrawn = models.BooleanField(default=False)
    section = models.CharField(max_length=200, blank=True)
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=300)
    text = models.TextField(blank=True)  # the clause or standard, quoted
    met_means = models.TextField(blank=True)  # what "met" means
    advice = models.TextField(blank=True)  # where the clause is out of date
    advice_source = models.CharField(max_length=300, blank=True)
    controls = models.ManyToManyField(Control, blank=True, related_name="requirements")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], condition=Q(school__isnull=True),
                                    name="compliance_published_requirement_code"),
            models.UniqueConstraint(fields=["framework", "school", "code"],
                                    condition=Q(school__isnull=False),
                                    name="compliance_school_requirement_code"),
        ]

    def __str__(self) -> str:
        return self.title


class Attestation(models.Model):
    """Someone confirmed an attested control was done (or found it was not), on a day."""

    class Outcome(models.TextChoices):
        DONE = "done", "Done"
        NOT_DONE = "not_done", "Not done: a problem was found"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.CASCADE, related_name="+")
    control = models.ForeignKey(Control, on_delete=models.PROTECT, related_name="attestations")
    attested_on = models.DateField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.DONE)
    note = models.TextField(blank=True)
    attested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    attested_by_label = models.CharField(max_length=200)
    evidence_stored_name = models.CharField(max_length=100, blank=True)
    evidence_original_name = models.CharField(max_length=200, blank=True)
    evidence_content_type = models.CharField(max_length=100, blank=True)
    evidence_size = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-attested_on", "-created_at"]
        indexes = [models.Index(fields=["school", "control", "attested_on"],
                                name="compliance_attest_latest")]

    def __str__(self) -> str:
        return f"{self.control} confirmed on {self.attested_on}"


class Snapshot(models.Model):
    """Where a school stood against one framework on one day (taken nightly, or when a
    school is refreshed): the counts of its requirements by state and its score."""

    school = models.ForeignKey("tenancy.School", on_delete=models.CASCADE, related_name="+")
    framework_code = models.CharField(max_length=40)
    taken_on = models.DateField()
    taken_at = models.DateTimeField()
    met = models.PositiveIntegerField(default=0)
    partly = models.PositiveIntegerField(default=0)
    not_met = models.PositiveIntegerField(default=0)
    not_assessed = models.PositiveIntegerField(default=0)
    score_permille = models.PositiveSmallIntegerField(default=0)  # 0..1000

    class Meta:
        ordering = ["taken_on"]
        constraints = [models.UniqueConstraint(fields=["school", "framework_code", "taken_on"],
                                               name="compliance_one_snapshot_a_day")]
        indexes = [models.Index(fields=["framework_code", "taken_on"],
                                name="compliance_snapshot_day")]

    def __str__(self) -> str:
        return f"{self.framework_code} on {self.taken_on}"

    @property
    def total(self) -> int:
        return self.met + self.partly + self.not_met + self.not_assessed


class GovernorPack(models.Model):
    """The termly report to the governing body, built in the background as PDF and Word,
    and the record that the governing body received it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be built"
        BUILDING = "building", "Being built"
        READY = "ready", "Ready"
        FAILED = "failed", "Could not be built"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.CASCADE, related_name="+")
    term_label = models.CharField(max_length=40)  # "Autumn 2026"
    term_starts_on = models.DateField()
    term_ends_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")
    figures = models.JSONField(default=dict, blank=True)  # what the pack says, as built
    pdf_stored_name = models.CharField(max_length=100, blank=True)
    docx_stored_name = models.CharField(max_length=100, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    requested_by_label = models.CharField(max_length=200)
    built_at = models.DateTimeField(null=True, blank=True)
    build_seconds = models.FloatField(null=True, blank=True)
    # The governing body received it.
    received_on = models.DateField(null=True, blank=True)
    received_meeting = models.CharField(max_length=200, blank=True)
    received_minute = models.CharField(max_length=100, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    received_by_label = models.CharField(max_length=200, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-term_starts_on", "-created_at"]
        indexes = [models.Index(fields=["school", "term_starts_on"], name="compliance_pack_term")]

    def __str__(self) -> str:
        return f"Governor pack, {self.term_label}"


class ControlStatus(models.Model):
    """A control's state as last worked out for a school (every hour, nightly and when a
    school is refreshed), read by the duty "control not met" so that its counts stay one
    query for any number of schools. A school's own pages always work the state out live."""

    school = models.ForeignKey("tenancy.School", on_delete=models.CASCADE, related_name="+")
    control = models.ForeignKey(Control, on_delete=models.CASCADE, related_name="statuses")
    state = models.CharField(max_length=12, choices=State.choices)
    since = models.DateTimeField()  # when it entered this state (as far as the checks saw)
    checked_at = models.DateTimeField()
    owner_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    owner_role = models.CharField(max_length=30, default="siro")
    overdue = models.PositiveIntegerField(default=0)  # overdue duties behind it

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "control"],
                                               name="compliance_one_status_per_control")]
        indexes = [models.Index(fields=["state", "school"], name="compliance_status_state")]

    def __str__(self) -> str:
        return f"{self.control}: {self.state}"

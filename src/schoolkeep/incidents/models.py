"""Incidents and personal data breaches: reports, triage, risk, decisions and actions.

Instants that carry a legal clock (``aware_at``) are stored in UTC; the ICO deadline is
always computed from them (see clock.py), never stored. Narrative fields are encrypted at
rest. The history of a report (every change of status, decision and edit) is its audit
trail: one event per change, with the narrative fields recorded only as "changed".
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from schoolkeep.lib.fields import EncryptedTextField
from schoolkeep.lib.risk import RiskResult as RiskResult  # re-exported: the one scale


class Channel(models.TextChoices):
    APP = "app", "Reported in Schoolkeep"
    PUBLIC = "public", "Reported through the school's \"report a concern\" page"
    API = "api", "Reported through the API"


class Status(models.TextChoices):
    REPORTED = "reported", "Waiting for triage"
    OPEN = "open", "Being handled"
    CLOSED = "closed", "Closed"


class Kind(models.TextChoices):
    SECURITY = "security_incident", "Security incident without personal data"
    NEAR_MISS = "near_miss", "Near miss"
    BREACH = "personal_data_breach", "Personal data breach"


# Kinds that stop the 72-hour clock: triage found no personal data at risk.
NO_PERSONAL_DATA_KINDS = frozenset({Kind.SECURITY, Kind.NEAR_MISS})


class PeopleCategory(models.TextChoices):
    PUPILS = "pupils", "Pupils"
    PARENTS = "parents", "Parents and carers"
    STAFF = "staff", "Staff"
    GOVERNORS = "governors", "Governors"
    OTHERS = "others", "Others"


class DataCategory(models.TextChoices):
    """The categories of personal data of the ICO's breach report form."""

    BASIC_IDENTIFIERS = ("basic_identifiers",
                         "Basic personal identifiers (such as name, contact details)")
    IDENTIFICATION = "identification", "Identification data (such as usernames, passwords)"
    ECONOMIC = "economic", "Economic or financial data (such as bank details)"
    OFFICIAL_DOCUMENTS = "official_documents", "Official documents (such as driving licences)"
    LOCATION = "location", "Location data"
    RACIAL_ETHNIC = "racial_ethnic", "Racial or ethnic origin"
    POLITICAL = "political", "Political opinions"
    RELIGIOUS = "religious", "Religious or philosophical beliefs"
    TRADE_UNION = "trade_union", "Trade union membership"
    GENETIC = "genetic", "Genetic data"
    BIOMETRIC = "biometric", "Biometric data"
    HEALTH = "health", "Health data"
    SEX_LIFE = "sex_life", "Sex life data"
    SEXUAL_ORIENTATION = "sexual_orientation", "Sexual orientation data"
    CRIMINAL = "criminal", "Criminal convictions and offences"
    GENDER_REASSIGNMENT = "gender_reassignment", "Gender reassignment data"
    NOT_KNOWN = "not_known", "Not yet known"
    OTHER = "other", "Other"


# The special categories of Article 9 (the ICO's form lists gender reassignment and
# criminal offences, Article 10, separately).
SPECIAL_CATEGORIES = frozenset({
    DataCategory.RACIAL_ETHNIC, DataCategory.POLITICAL, DataCategory.RELIGIOUS,
    DataCategory.TRADE_UNION, DataCategory.GENETIC, DataCategory.BIOMETRIC,
    DataCategory.HEALTH, DataCategory.SEX_LIFE, DataCategory.SEXUAL_ORIENTATION,
})


class Incident(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT,
                               related_name="incidents")
    # "BR-2026-0007": sequential per school and Europe/London calendar year of receipt.
    reference = models.CharField(max_length=20)
    reference_year = models.PositiveSmallIntegerField()
    reference_number = models.PositiveIntegerField()
    channel = models.CharField(max_length=10, choices=Channel.choices)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="reported_incidents")
    # The public form: who reported and how to reach them (optional), and the keyed hash
    # of the random receipt code given to them (never the sequential reference).
    reporter_name = EncryptedTextField(blank=True, default="")
    reporter_contact = EncryptedTextField(blank=True, default="")
    receipt_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # What the reporter said.
    title = EncryptedTextField()
    description = EncryptedTextField()
    data_involved = EncryptedTextField(blank=True, default="",
                                       verbose_name="Data or systems involved")
    personal_data = models.BooleanField(null=True, blank=True,
                                        verbose_name="Personal data may be involved")
    occurred_at = models.DateTimeField(null=True, blank=True, verbose_name="When it happened")
    discovered_at = models.DateTimeField(null=True, blank=True,
                                         verbose_name="When the reporter found out")
    received_at = models.DateTimeField()
    # When the school became aware: the 72-hour clock starts here (received_at by default).
    aware_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REPORTED)
    # Triage.
    kind = models.CharField(max_length=30, choices=Kind.choices, blank=True)
    breach_confidentiality = models.BooleanField(default=False)
    breach_integrity = models.BooleanField(default=False)
    breach_availability = models.BooleanField(default=False)
    is_cyber = models.BooleanField(null=True, blank=True, verbose_name="A cyber incident")
    people_affected = models.PositiveIntegerField(null=True, blank=True,
                                                  verbose_name="About how many people")
    records_affected = models.PositiveIntegerField(null=True, blank=True,
                                                   verbose_name="About how many records")
    people_categories = models.JSONField(default=list, blank=True)  # PeopleCategory values
    children_or_vulnerable = models.BooleanField(
        null=True, blank=True, verbose_name="Children or vulnerable adults are affected")
    data_categories = models.JSONField(default=list, blank=True)  # DataCategory values
    data_categories_other = EncryptedTextField(blank=True, default="")
    assets = models.ManyToManyField("assets.Asset", blank=True, related_name="incidents")
    systems = models.ManyToManyField("systems.System", blank=True, related_name="incidents")
    triaged_at = models.DateTimeField(null=True, blank=True)
    triaged_by_label = models.CharField(max_length=200, blank=True)
    # Risk: likelihood (remote 1, possible 2, likely 3) times severity (minimal 1,
    # significant 2, severe 3); the DPO may override the result with a reason.
    likelihood = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(3)])
    likelihood_rationale = EncryptedTextField(blank=True, default="")
    severity = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(3)])
    severity_rationale = EncryptedTextField(blank=True, default="")
    risk_override = models.CharField(max_length=10, choices=RiskResult.choices, blank=True)
    risk_override_reason = EncryptedTextField(blank=True, default="")
    risk_override_by_label = models.CharField(max_length=200, blank=True)
    lessons_learned = EncryptedTextField(blank=True, default="")
    # The latest reasons for moving ``aware_at`` and for reopening (the audit trail says
    # only that a reason was recorded: reasons are narratives).
    aware_at_reason = EncryptedTextField(blank=True, default="")
    reopen_reason = EncryptedTextField(blank=True, default="")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by_label = models.CharField(max_length=200, blank=True)
    # The ICO-deadline reminders at 24, 48 and 66 hours after awareness, each sent once.
    reminded_24_at = models.DateTimeField(null=True, blank=True)
    reminded_48_at = models.DateTimeField(null=True, blank=True)
    reminded_66_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["school", "reference"],
                                    name="incident_unique_reference"),
            models.UniqueConstraint(fields=["school", "reference_year", "reference_number"],
                                    name="incident_unique_number_per_year"),
        ]
        indexes = [
            models.Index(fields=["school", "status", "aware_at"]),
            models.Index(fields=["school", "reported_by"]),
            models.Index(fields=["status", "kind", "aware_at"]),
            # The API's newest-first list: a page without sorting every report of the school.
            models.Index(fields=["school", "received_at"]),
        ]

    def __str__(self) -> str:
        return self.reference


class ReferenceCounter(models.Model):
    """The last reference number given per school and calendar year (row-locked)."""

    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "year"],
                                               name="reference_counter_unique_year")]

    def __str__(self) -> str:
        return f"{self.school_id} {self.year}: {self.last}"


class Decision(models.Model):
    """One decision with who decided, when and why. At most one of each kind per incident
    (changing it is audited with before and after)."""

    class Kind(models.TextChoices):
        ICO = "ico", "Report to the ICO"
        PEOPLE = "people", "Tell the people affected"
        POLICE = "police", "Tell the police"
        LOCAL_AUTHORITY = "local_authority", "Tell the local authority"
        INSURER = "insurer", "Tell the insurer"
        RPA = "rpa", "Tell the Risk Protection Arrangement (RPA)"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    tell = models.BooleanField(verbose_name="Decided to tell them")
    reason = EncryptedTextField(verbose_name="Why")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_by_label = models.CharField(max_length=200)
    decided_at = models.DateTimeField()
    # When they were told (the ICO: when the report was made) and how (people affected).
    told_at = models.DateTimeField(null=True, blank=True)
    method = models.CharField(max_length=200, blank=True)
    ico_reference = models.CharField(max_length=100, blank=True,
                                     verbose_name="ICO case reference")
    # Reported to the ICO after the 72-hour deadline: why.
    late_reason = EncryptedTextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["incident", "kind"]
        constraints = [models.UniqueConstraint(fields=["incident", "kind"],
                                               name="decision_one_per_kind")]

    def __str__(self) -> str:
        return f"{self.incident}: {self.get_kind_display()}"

    @property
    def ico_stage(self) -> str:
        """Where an ICO decision stands (an IcoStage value)."""
        if not self.tell:
            return IcoStage.NOT_REPORTING
        return IcoStage.SENT if self.told_at else IcoStage.TO_SEND

    @property
    def ico_stage_label(self) -> str:
        return IcoStage(self.ico_stage).label


class IcoStage(models.TextChoices):
    """The three answers to "Report to the ICO": only the first and the last stop the
    72-hour clock; a decision to report is not the end of it."""

    SENT = "sent", "Reported: the report has been sent to the ICO"
    TO_SEND = "to_send", "Decided to report, not yet sent"
    NOT_REPORTING = "no", "Not reporting it to the ICO"


def ico_settled() -> models.Q:
    """Decisions that stop a report's 72-hour clock: not reporting it, or the report sent."""
    return models.Q(kind=Decision.Kind.ICO) & (
        models.Q(tell=False) | models.Q(told_at__isnull=False))


class Action(models.Model):
    """A containment or remedial action with an owner and a due date."""

    class Kind(models.TextChoices):
        CONTAINMENT = "containment", "Containment"
        REMEDIAL = "remedial", "Remedial"

    class State(models.TextChoices):
        OPEN = "open", "To do"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="actions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = EncryptedTextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="incident_actions")
    due_on = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    done_at = models.DateTimeField(null=True, blank=True)
    drop_reason = EncryptedTextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["incident", "due_on", "created_at"]
        indexes = [models.Index(fields=["school", "state", "due_on"])]

    def __str__(self) -> str:
        return f"{self.incident}: {self.get_kind_display()} action"


class ConcernPage(models.Model):
    """A school's no-login "report a concern" page, at a random address that can be
    replaced (the old one then stops working)."""

    school = models.OneToOneField("tenancy.School", on_delete=models.PROTECT,
                                  related_name="concern_page")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    replaced_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Report a concern page of {self.school}"

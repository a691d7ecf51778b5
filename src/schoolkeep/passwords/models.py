"""Password change cycles: who must change their password on which system, and how often;
each holder's attestation that they did; and the events that force a change now.

Schoolkeep never stores, asks for or shows a password: an attestation records only that a
person says they changed theirs, and on which day.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Cadence(models.TextChoices):
    """How often something recurs (``duties.cadence`` computes the due dates)."""

    EVERY_N_DAYS = "every_n_days", "Every so many days"
    TERMLY = "termly", "Once a term"
    YEARLY = "yearly", "Once a year"
    EVENTS_ONLY = "events_only", "Only when something happens (a compromise, a leaver)"


class PasswordCycle(models.Model):
    """A system's password changes for a set of holders: named people and/or the people of an
    access label (its members' records in People)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT,
                               related_name="password_cycles")
    system = models.ForeignKey("systems.System", on_delete=models.PROTECT,
                               related_name="password_cycles")
    name = models.CharField(max_length=200, verbose_name="Who it is for",
                            help_text="Such as “Admin staff” or “Nominated contacts”.")
    cadence = models.CharField(max_length=20, choices=Cadence.choices)
    every_days = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(3660)],
        verbose_name="Every how many days")
    holders = models.ManyToManyField("people.Person", blank=True,
                                     related_name="password_cycles")
    holders_label = models.ForeignKey("assets.AccessLabel", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="password_cycles",
                                      verbose_name="Everyone with this access label")
    starts_on = models.DateField(verbose_name="Counting from")
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["system_id", "name"]
        indexes = [models.Index(fields=["school", "archived_at"], name="password_cycle_current")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(cadence="every_n_days") | models.Q(every_days__isnull=False),
                name="password_cycle_days_given"),
        ]

    def __str__(self) -> str:
        return f"{self.system}: {self.name}"


class PasswordChange(models.Model):
    """A holder's word that they changed their password on a system on a day. It counts for
    every cycle of that system they hold."""

    class Via(models.TextChoices):
        DASHBOARD = "dashboard", "Schoolkeep"
        EMAIL = "email", "A reminder e-mail"
        PERSONAL_LINK = "personal_link", "A personal link"
        API = "api", "The API"
        ON_BEHALF = "on_behalf", "Recorded by someone else"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    system = models.ForeignKey("systems.System", on_delete=models.PROTECT,
                               related_name="password_changes")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE,
                               related_name="password_changes")
    changed_on = models.DateField()
    via = models.CharField(max_length=20, choices=Via.choices)
    recorded_by_label = models.CharField(max_length=200)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_on", "-recorded_at"]
        indexes = [models.Index(fields=["school", "system", "person", "changed_on"],
                                name="password_change_latest")]

    def __str__(self) -> str:
        return f"{self.person} changed their {self.system} password on {self.changed_on}"


class ForcedChange(models.Model):
    """An event that makes a change due now: a system possibly compromised (every holder of
    its cycles), or a leaver who knew a shared account's password (one change of it)."""

    class Reason(models.TextChoices):
        COMPROMISE = "compromise", "The system may have been compromised"
        LEAVER = "leaver", "Someone who knew a shared password has left"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    system = models.ForeignKey("systems.System", on_delete=models.PROTECT,
                               related_name="forced_changes")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    raised_at = models.DateTimeField()
    due_on = models.DateField()
    note = models.TextField(blank=True)
    incident = models.ForeignKey("incidents.Incident", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="forced_changes")
    account = models.ForeignKey("access.SystemAccount", null=True, blank=True,
                                on_delete=models.CASCADE, related_name="forced_changes")
    leaver = models.ForeignKey("people.Person", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    raised_by_label = models.CharField(max_length=200)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]
        indexes = [models.Index(fields=["school", "settled_at"], name="forced_change_open")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.system}"


class ChangeLink(models.Model):
    """A personal, single-use link for a holder without a Schoolkeep account to say they
    changed their password. Only the SHA-256 of its token is kept."""

    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    system = models.ForeignKey("systems.System", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"Password change link for {self.person}"


class Reminder(models.Model):
    """A reminder e-mail sent to a holder for one due date, so that each is sent once."""

    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    system = models.ForeignKey("systems.System", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField()
    overdue = models.BooleanField(default=False)  # the reminder sent once it is late
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["system", "person", "due_on", "overdue"],
                                    name="password_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"Reminder to {self.person} for {self.system} due {self.due_on}"

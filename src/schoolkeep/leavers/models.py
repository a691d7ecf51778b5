"""Leavers, starters and movers: the steps each one needs, generated from the registers.

What is still to do is read from the registers themselves (an enabled account of a leaver,
an asset a leaver still owns), so that a step done anywhere is done here too, and a step
raises one duty, not one beside the register's own. What is stored is the checklist (who
it is for, when it starts) and each step's record: who did it, when, and how.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Checklist(models.Model):
    class Kind(models.TextChoices):
        LEAVER = "leaver", "Leaver"
        STARTER = "starter", "Starter"
        MOVER = "mover", "Change of post or role"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE,
                               related_name="checklists")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    effective_on = models.DateField()  # the leaving date, the start date, the day of the move
    # For a mover: what changed ("Teacher → Business manager"), in plain words.
    change = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by_label = models.CharField(max_length=200)
    # Set when the person's date is cleared (no longer leaving) or every step is done.
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-effective_on", "-created_at"]
        indexes = [models.Index(fields=["school", "kind", "closed_at"],
                                name="checklist_open")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} checklist for {self.person}"


class StepRecord(models.Model):
    """One step done: its kind, what it was about (by public id and a label kept as text),
    who did it and when."""

    class Kind(models.TextChoices):
        DISABLE_ACCOUNT = "disable_account", "Disable an account"
        HAND_OVER_ASSET = "hand_over_asset", "Hand over an information asset"
        REPLACE_ADMINISTRATOR = "replace_administrator", "Replace as a system's administrator"
        REPLACE_CYCLE_HOLDER = "replace_cycle_holder", "Replace as holder of a password cycle"
        CHANGE_SHARED_PASSWORD = "change_shared_password", "Change a shared account's password"
        RETURN_EQUIPMENT = "return_equipment", "Return equipment on loan"
        CREATE_ACCOUNT = "create_account", "Create an account"
        REVIEW_ACCESS = "review_access", "Review the accounts affected"
        NOT_NEEDED = "not_needed", "Marked as not needed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="records")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    # For a step marked not needed (kind NOT_NEEDED): the kind of the step it skipped.
    skipped_kind = models.CharField(max_length=30, choices=Kind.choices, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)  # the record's public id
    subject_label = models.CharField(max_length=300)
    new_holder = models.ForeignKey("people.Person", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(blank=True)
    done_at = models.DateTimeField()
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    done_by_label = models.CharField(max_length=200)

    class Meta:
        ordering = ["done_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject_label}"

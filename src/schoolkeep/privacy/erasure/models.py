"""The models of this part (Schoolkeep's own erasure)."""

from __future__ import annotations

import uuid

from django.db import models

from schoolkeep.lib.fields import EncryptedTextField


class HoldReason(models.TextChoices):
    ALLEGATION = "allegation", "An allegation about a member of staff"
    LITIGATION = "litigation", "Litigation or a claim"
    REQUEST = "request", "An open request about the person"
    OTHER = "other", "Another legal reason"


class ErasureHold(models.Model):
    """The DPO stops a person's erasure: an allegation (kept as the statutory guidance says),
    litigation, or an open request about the person (a request does not point at a person
    of the register, so the DPO who handles it records the hold)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, null=True,
                               blank=True, related_name="erasure_holds")
    # A hold on another record due for erasure (an incident, a request, a parent): its
    # model label and primary key, as the erasure's due items name it. Empty for a person.
    subject_type = models.CharField(max_length=100, blank=True, default="")
    subject_id = models.CharField(max_length=64, blank=True, default="")
    reason = models.CharField(max_length=20, choices=HoldReason.choices)
    note = EncryptedTextField(blank=True, default="")
    until = models.DateField(null=True, blank=True)  # none: until released
    released_at = models.DateTimeField(null=True, blank=True)
    created_by_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["person", "released_at"]),
                   models.Index(fields=["school", "subject_type", "subject_id"],
                                name="erasurehold_subject")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.person_id or self.subject_type})"

    @property
    def record_label(self) -> str:
        """What a hold on a record other than a person holds, without a name."""
        from django.apps import apps

        try:
            model = apps.get_model(self.subject_type)
        except (LookupError, ValueError):
            return "A record"
        return f"{str(model._meta.verbose_name).capitalize()} (record {self.subject_id})"


class Tombstone(models.Model):
    """What is left of an erased record: its kind and id, so that the audit trail still
    resolves. The same line goes to the tombstone ledger file, which ``restore`` re-applies
    after every restore."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", null=True, blank=True,
                               on_delete=models.DO_NOTHING, db_constraint=False,
                               related_name="+")
    subject_type = models.CharField(max_length=100)  # e.g. people.person
    subject_id = models.CharField(max_length=64)  # the erased record's public id or key
    record_type_key = models.CharField(max_length=60, blank=True)
    erased_at = models.DateTimeField()
    # A nameless trace of an erased person (people.person only): their kind of post and
    # leaving date, so that the school's own files of leavers (personnel files, the Single
    # Central Record) still fall due for destruction after Schoolkeep's row is gone.
    person_kind = models.CharField(max_length=20, blank=True)
    event_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-erased_at"]
        indexes = [models.Index(fields=["school", "subject_type", "event_on"],
                                name="tombstone_school_event")]
        constraints = [models.UniqueConstraint(fields=["subject_type", "subject_id"],
                                               name="tombstone_once")]

    def __str__(self) -> str:
        return f"{self.subject_type} {self.subject_id}"

"""Training: the courses a school asks its people to take, and who completed which, when.

Whether someone is trained is never stored: ``training/rules/`` reads it from the records
(the DfE's rule for staff with network access, new staff and governors; the RPA's rule for its
cyber cover) whenever it is asked. A record is never deleted: a wrong one is withdrawn with
its reason and stays in the history.
"""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Course(models.Model):
    class Topic(models.TextChoices):
        CYBER = "cyber", "Cyber security awareness"
        DATA_PROTECTION = "data_protection", "Data protection"
        SAFEGUARDING = "safeguarding", "Safeguarding"
        OWN = "own", "The school's own"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    name_key = models.CharField(max_length=200, editable=False)
    topic = models.CharField(max_length=20, choices=Topic.choices)
    # The default course this one was made from (training/defaults.py), if any. The NCSC's
    # cyber security training for school staff is "ncsc_cyber": the RPA's rule asks for it.
    catalogue_key = models.CharField(max_length=50, blank=True)
    provider = models.CharField(max_length=200, blank=True)
    link = models.URLField(blank=True, verbose_name="Where to take it (a link)")
    description = models.TextField(blank=True)
    valid_for_months = models.PositiveSmallIntegerField(
        default=12, validators=[MinValueValidator(1), MaxValueValidator(120)],
        verbose_name="How long it stays valid (months)")
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name_key", "id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name_key"],
                                    condition=models.Q(archived_at__isnull=True),
                                    name="training_course_unique_name"),
            models.UniqueConstraint(fields=["school", "catalogue_key"],
                                    condition=~models.Q(catalogue_key="")
                                    & models.Q(archived_at__isnull=True),
                                    name="training_course_one_per_catalogue_key"),
        ]

    def __str__(self) -> str:
        return self.name


class TrainingRecord(models.Model):
    """One person completed one course on one day."""

    class Source(models.TextChoices):
        ENTERED = "entered", "Entered by the school"
        SESSION = "session", "Recorded for a training session"
        IMPORT = "import", "Imported"
        SELF = "self", "Said by the person themselves"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="training_records")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="records")
    completed_on = models.DateField()
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.ENTERED)
    certificate_stored_name = models.CharField(max_length=100, blank=True)
    certificate_original_name = models.CharField(max_length=200, blank=True)
    certificate_size = models.PositiveIntegerField(null=True, blank=True)
    certificate_uploaded_at = models.DateTimeField(null=True, blank=True)
    notes = models.CharField(max_length=500, blank=True)
    # A record the person made themselves waits for the business manager's confirmation;
    # every other record is confirmed when it is made.
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by_label = models.CharField(max_length=200, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=300, blank=True)
    recorded_by_label = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-completed_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "course", "completed_on"],
                                    condition=models.Q(withdrawn_at__isnull=True),
                                    name="training_record_once_a_day"),
        ]
        indexes = [
            models.Index(fields=["school", "course", "completed_on"],
                         name="training_record_by_course"),
            models.Index(fields=["person", "course", "completed_on"],
                         name="training_record_latest"),
            models.Index(fields=["school", "confirmed_at"], name="training_record_unconfirmed",
                         condition=models.Q(confirmed_at__isnull=True,
                                            withdrawn_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.person} completed {self.course} on {self.completed_on.isoformat()}"

    @property
    def has_certificate(self) -> bool:
        return bool(self.certificate_stored_name)


class TrainingSettings(models.Model):
    """A school's choices for the training rules; a school without a row uses the defaults."""

    school = models.OneToOneField("tenancy.School", on_delete=models.PROTECT, related_name="+")
    # New staff are trained within this many days of starting (the DfE's "at induction").
    induction_days = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(1), MaxValueValidator(365)],
        verbose_name="New staff are trained within (days of starting)")
    # The RPA's cyber cover: its rule is checked only for a member of the RPA.
    rpa_member = models.BooleanField(default=False,
                                     verbose_name="The school is a member of the RPA")
    # The day the RPA membership year starts (1 April by default).
    rpa_year_start_month = models.PositiveSmallIntegerField(
        default=4, validators=[MinValueValidator(1), MaxValueValidator(12)])
    rpa_year_start_day = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(31)])
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return "Training settings"

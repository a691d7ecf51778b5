"""Sending data safely: which approved channel carries which kind of data to whom (the
rules), the questions staff ask the DPO when no channel is approved, the log of transfers
made, and requests to take OFFICIAL-SENSITIVE material off site.

The approved channels are the systems of the register marked as transfer channels
(``systems.System.is_transfer_channel``). A rule names its channels by key: a catalogue key
("s2s", "egress"), which every school of a trust shares, or a school's own system's public
id (school rules only). ``transfers.rules`` reads a cell as the school's own rule, else its
trust's, else the default shipped from the policy, else "ask the DPO".
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from schoolkeep.lib.text import in_sentence


class DataKind(models.TextChoices):
    CTF_PUPIL_FILE = "ctf_pupil_file", "CTF pupil file"
    ADMISSIONS_FILE = "admissions_file", "Admissions file"
    REFERENCES_REPORTS = "references_reports", "Pupil references and reports"
    SAFEGUARDING = "safeguarding", "Safeguarding information"
    SEN = "sen", "SEN information"
    STAFF = "staff", "Staff information"
    BULK_PUPIL = "bulk_pupil", "Bulk pupil data"
    OTHER = "other", "Other data"


class Recipient(models.TextChoices):
    SCHOOL = "school", "Another school"
    LOCAL_AUTHORITY = "local_authority", "The local authority"
    HEALTH = "health", "Health services"
    SOCIAL_CARE = "social_care", "Social care"
    POLICE = "police", "The police"
    DFE = "dfe", "The DfE"
    SUPPLIER = "supplier", "A supplier"
    PARENTS = "parents", "Parents and carers"


class TransferRule(models.Model):
    """One cell of the rules (kind of data and recipient) as a school or a trust sets it.
    Exactly one of ``school`` and ``organisation``."""

    class Answer(models.TextChoices):
        CHANNELS = "channels", "Use an approved channel"
        ASK_DPO = "ask_dpo", "Ask the DPO"

    school = models.ForeignKey("tenancy.School", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="transfer_rules")
    organisation = models.ForeignKey("tenancy.Organisation", null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="transfer_rules")
    data_kind = models.CharField(max_length=30, choices=DataKind.choices)
    recipient = models.CharField(max_length=30, choices=Recipient.choices)
    answer = models.CharField(max_length=10, choices=Answer.choices)
    # Channel keys, in the order to offer them: catalogue keys, or (a school's rule only)
    # the public id of one of its own transfer channels.
    channels = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by_label = models.CharField(max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(school__isnull=False, organisation__isnull=True)
                           | models.Q(school__isnull=True, organisation__isnull=False)),
                name="transfer_rule_one_owner"),
            models.UniqueConstraint(fields=["school", "data_kind", "recipient"],
                                    condition=models.Q(school__isnull=False),
                                    name="transfer_rule_school_cell"),
            models.UniqueConstraint(fields=["organisation", "data_kind", "recipient"],
                                    condition=models.Q(organisation__isnull=False),
                                    name="transfer_rule_trust_cell"),
        ]

    def __str__(self) -> str:
        return f"{self.get_data_kind_display()} to {self.get_recipient_display()}"


class TransferQuestion(models.Model):
    """"How do I send this?" with no approved channel: the question goes to the DPO and is
    their duty until answered."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    data_kind = models.CharField(max_length=30, choices=DataKind.choices)
    recipient = models.CharField(max_length=30, choices=Recipient.choices)
    details = models.TextField(blank=True)  # anything the asker adds, no personal data asked
    asked_at = models.DateTimeField()
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    asked_by_label = models.CharField(max_length=200)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by_label = models.CharField(max_length=200, blank=True)
    answer = models.TextField(blank=True)

    class Meta:
        ordering = ["-asked_at"]
        indexes = [models.Index(fields=["school", "answered_at", "asked_at"],
                                name="transfer_question_open")]

    def __str__(self) -> str:
        return (f"How to send {in_sentence(self.get_data_kind_display())} to "
                f"{in_sentence(self.get_recipient_display())}")


class Transfer(models.Model):
    """A record that data was sent: what, to whom, by which channel, when and by whom."""

    class Review(models.TextChoices):
        NOT_NEEDED = "not_needed", "Not needed (an approved channel)"
        TO_REVIEW = "to_review", "To be reviewed by the DPO"
        REVIEWED = "reviewed", "Reviewed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT,
                               related_name="transfers")
    data_kind = models.CharField(max_length=30, choices=DataKind.choices)
    recipient = models.CharField(max_length=30, choices=Recipient.choices)
    recipient_name = models.CharField(max_length=200, blank=True)  # "St Mary's Primary"
    description = models.CharField(max_length=300, blank=True)  # what was sent, no names
    # The channel used: a system of the register, or (not in the register) its name.
    channel = models.ForeignKey("systems.System", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="transfers")
    channel_other = models.CharField(max_length=200, blank=True,
                                     verbose_name="Another way (not in the register)")
    # Whether the channel was approved for this kind and recipient when it was logged.
    approved = models.BooleanField()
    sent_on = models.DateField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    sent_by_label = models.CharField(max_length=200)
    pupils_named = models.BooleanField(null=True, blank=True,
                                       verbose_name="Pupils were named (not initials)")
    people_count = models.PositiveIntegerField(null=True, blank=True,
                                               verbose_name="How many people's data")
    asset = models.ForeignKey("assets.Asset", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="transfers")
    review = models.CharField(max_length=12, choices=Review.choices)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by_label = models.CharField(max_length=200, blank=True)
    review_note = models.TextField(blank=True)
    incident = models.ForeignKey("incidents.Incident", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="transfers")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-sent_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(channel__isnull=False, channel_other="")
                           | models.Q(channel__isnull=True) & ~models.Q(channel_other="")),
                name="transfer_one_channel"),
        ]
        indexes = [
            models.Index(fields=["school", "sent_on", "created_at"], name="transfer_log_order"),
            models.Index(fields=["school", "review", "created_at"], name="transfer_to_review"),
            models.Index(fields=["asset", "recipient"], name="transfer_asset_recipients"),
        ]

    def __str__(self) -> str:
        return f"{self.get_data_kind_display()} to {in_sentence(self.get_recipient_display())}"

    @property
    def channel_label(self) -> str:
        return self.channel.name if self.channel_id and self.channel else self.channel_other


class Removal(models.Model):
    """A request to take OFFICIAL-SENSITIVE material, or a device holding it, off site:
    approved by the asset's owner, once or for a period, and returned."""

    class Form(models.TextChoices):
        DEVICE = "device", "A device"
        PAPER = "paper", "Paper records"

    class Status(models.TextChoices):
        REQUESTED = "requested", "Awaiting approval"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"
        WITHDRAWN = "withdrawn", "Withdrawn"
        RETURNED = "returned", "Returned"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT,
                               related_name="removals")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="removals")  # who takes it
    asset = models.ForeignKey("assets.Asset", on_delete=models.PROTECT, related_name="removals")
    form = models.CharField(max_length=10, choices=Form.choices)
    item = models.ForeignKey("equipment.Item", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="removals")  # the device (form "device")
    description = models.CharField(max_length=300)  # what is taken
    reason = models.TextField(blank=True)
    # Paper: how it is carried and kept (a locked bag, never left in a car).
    carried_how = models.TextField(blank=True)
    # A standing approval covers a period (a marking laptop for the year); a one-off is
    # taken on ``starts_on`` and due back on ``ends_on``.
    standing = models.BooleanField(default=False)
    starts_on = models.DateField()
    ends_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    requested_by_label = models.CharField(max_length=200)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by_label = models.CharField(max_length=200, blank=True)
    decision_note = models.TextField(blank=True)
    returned_on = models.DateField(null=True, blank=True)
    returned_by_label = models.CharField(max_length=200, blank=True)
    incident = models.ForeignKey("incidents.Incident", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="removals")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                   name="removal_ends_after_start"),
            models.CheckConstraint(
                condition=(models.Q(form="device", item__isnull=False)
                           | models.Q(form="paper", item__isnull=True)),
                name="removal_device_has_item"),
        ]
        indexes = [models.Index(fields=["school", "status", "ends_on"], name="removal_open")]

    def __str__(self) -> str:
        return f"{self.description} off site"

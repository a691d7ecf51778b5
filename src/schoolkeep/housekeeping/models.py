"""The annual digital housekeeping: the SIRO launches a campaign for all staff or chosen
groups, with a short checklist; each person confirms they have done it (from their dashboard,
or from a link in an e-mail: a page with one button); reminders go to those who have not; the
campaign closes with its figures kept.

Who is asked is decided once, at launch: a ``Confirmation`` row per person, so the figures of
a closed campaign never change when people join or leave later.
"""

from __future__ import annotations

import uuid

from django.db import models


class Campaign(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    # The checklist as launched: a list of short sentences.
    checklist = models.JSONField(default=list)
    # Who is asked: people of these kinds (empty: every staff kind), at these sites (none:
    # every site), holding these access labels (none: any). Kept as chosen at launch.
    audience_kinds = models.JSONField(default=list, blank=True)
    sites = models.ManyToManyField("tenancy.Site", blank=True, related_name="+")
    access_labels = models.ManyToManyField("assets.AccessLabel", blank=True, related_name="+")
    launched_at = models.DateTimeField()
    launched_by_label = models.CharField(max_length=200)
    closes_on = models.DateField(verbose_name="Confirm by")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by_label = models.CharField(max_length=200, blank=True)
    # The figures when it closed: {"asked": n, "confirmed": n, "groups": [{label, asked,
    # confirmed}]}
    figures = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-launched_at", "-id"]
        indexes = [models.Index(fields=["school", "closed_at"], name="housekeeping_open")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Confirmation(models.Model):
    """One person asked in one campaign, and whether (and how) they confirmed."""

    class Via(models.TextChoices):
        DASHBOARD = "dashboard", "From their dashboard"
        LINK = "link", "From the link in their e-mail"
        RECORDED = "recorded", "Recorded for them"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT,
                                 related_name="confirmations")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="housekeeping_confirmations")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_via = models.CharField(max_length=10, choices=Via.choices, blank=True)
    confirmed_by_label = models.CharField(max_length=200, blank=True)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["campaign", "person__name_key", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "person"],
                                    name="housekeeping_one_confirmation_per_person"),
        ]
        indexes = [
            models.Index(fields=["school", "confirmed_at"], name="housekeeping_pending"),
            models.Index(fields=["person", "confirmed_at"], name="housekeeping_by_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.campaign}"


class ConfirmLink(models.Model):
    """A one-use personal link for someone without an account: only the token's SHA-256 is
    kept; opening it shows one button, pressing it confirms."""

    confirmation = models.ForeignKey(Confirmation, on_delete=models.CASCADE,
                                     related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Link for {self.confirmation_id}"


class HousekeepingSettings(models.Model):
    """The school's checklist, offered when the next campaign is launched."""

    school = models.OneToOneField("tenancy.School", on_delete=models.PROTECT, related_name="+")
    checklist = models.JSONField(default=list)
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return "Housekeeping settings"

"""Who has an account on each system of the register, the exceptions to the rule that
administrators are DBS checked, and each term's access review of an information asset.

Schoolkeep never stores, asks for or shows a password: an account is its username and the
facts about it (administrator, two-factor, enabled, last sign-in). A fact a system's user list
did not give is unknown (NULL), never "no".
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class SystemAccount(models.Model):
    """One account on one system: a person's, or a generic or shared one."""

    class MatchedBy(models.TextChoices):
        EMAIL = "email", "E-mail address"
        NAME = "name", "Name"
        HAND = "hand", "Chosen by hand"
        NONE = "", "Not matched"

    class Source(models.TextChoices):
        HAND = "hand", "Added by hand"
        USER_LIST = "user_list", "A user list from the system"
        API = "api", "The API"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT,
                               related_name="system_accounts")
    system = models.ForeignKey("systems.System", on_delete=models.PROTECT,
                               related_name="accounts")
    username = models.CharField(max_length=254)
    username_key = models.CharField(max_length=254, editable=False)  # case-folded
    # As the system's list names the holder (the label of a generic or shared account).
    display_name = models.CharField(max_length=200, blank=True, verbose_name="Name on the system")
    email = models.CharField(max_length=254, blank=True, verbose_name="E-mail on the system")
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="system_accounts")
    matched_by = models.CharField(max_length=10, choices=MatchedBy.choices, blank=True)
    is_shared = models.BooleanField(default=False, verbose_name="A generic or shared account")
    # Why the school needs a shared account (the policy asks for "their own unique username");
    # a shared account without one is flagged.
    shared_reason = models.TextField(blank=True, verbose_name="Why a shared account is needed")
    responsible_person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="responsible_for_accounts", verbose_name="Person responsible")
    # Who knows a shared account's password: a leaver among them makes a change due.
    shared_with = models.ManyToManyField("people.Person", blank=True,
                                         related_name="shared_accounts",
                                         verbose_name="People who use the shared account")
    is_admin = models.BooleanField(null=True, blank=True, verbose_name="Administrator account")
    mfa_on = models.BooleanField(null=True, blank=True, verbose_name="Two-factor is on")
    enabled = models.BooleanField(null=True, blank=True, default=True)
    enabled_on = models.DateField(null=True, blank=True, verbose_name="Enabled on")
    disabled_on = models.DateField(null=True, blank=True, verbose_name="Disabled on")
    last_sign_in_at = models.DateTimeField(null=True, blank=True)
    # A supplier's remote support staff covered by its contract, say: an administrator
    # account without a DBS check on the Single Central Record needs this or is a duty.
    dbs_exception = models.TextField(blank=True, verbose_name="Why no DBS check is needed")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.HAND)
    # The last user-list upload that showed this account (None: never on a list).
    listed_at = models.DateTimeField(null=True, blank=True)
    # On a user list uploaded earlier but missing from a later full list of the system.
    missing_from_list_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["system_id", "username_key"]
        constraints = [
            models.UniqueConstraint(fields=["system", "username_key"],
                                    name="system_account_unique_username"),
        ]
        indexes = [
            models.Index(fields=["school", "system", "username_key"],
                         name="system_account_list"),
            models.Index(fields=["school", "person"], name="system_account_person"),
        ]

    def __str__(self) -> str:
        return self.username


class AdministratorDbsException(models.Model):
    """A person named as a system's administrator who needs no DBS check of their own (a
    supplier's engineer covered by its contract, say), with the reason."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE,
                               related_name="administrator_dbs_exceptions")
    reason = models.TextField()
    recorded_by_label = models.CharField(max_length=200)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "person"],
                                    name="administrator_dbs_exception_unique"),
        ]

    def __str__(self) -> str:
        return f"DBS exception for {self.person}"


class AccessReview(models.Model):
    """An information asset owner's review, once a term, of who may enter the asset's
    information and who administers the systems that hold it."""

    class Outcome(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed as it is"
        CHANGED = "changed", "Changes recorded"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    asset = models.ForeignKey("assets.Asset", on_delete=models.CASCADE,
                              related_name="access_reviews")
    # The term the review counts for (``tenancy.calendar``'s names and academic years).
    academic_year = models.PositiveSmallIntegerField()
    term_name = models.CharField(max_length=10)
    reviewed_on = models.DateField()
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reviewed_by_label = models.CharField(max_length=200)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    changes = models.TextField(blank=True, verbose_name="What changed")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_on", "-created_at"]
        indexes = [models.Index(fields=["school", "asset", "academic_year", "term_name"],
                                name="access_review_term")]

    def __str__(self) -> str:
        return f"Access review of {self.asset} on {self.reviewed_on}"

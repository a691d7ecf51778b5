"""Acceptable use policies (AUPs): one per audience, with numbered versions and signatures.

Who must sign: every current person of the audience (people of the staff kinds who use the
school's network, and governors, trustees and members) and every parent contact. Visitors and
pupils have no list: they sign at a kiosk or on paper.

A signer is up to date when they have signed a version numbered at least ``Aup.sign_from``:
publishing a version that needs everyone to sign again moves ``sign_from`` to it; a minor
version ("new signers only") leaves it where it was, so earlier signatures still count.

A signature is never changed or deleted: the model and its queryset refuse it. A newer
signature by the same signer supersedes an older one.
"""

from __future__ import annotations

import uuid
from typing import Any, NoReturn

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Audience(models.TextChoices):
    STAFF = "staff", "Staff"
    GOVERNORS = "governors", "Governors"
    PARENTS = "parents", "Parents and carers"
    VISITORS = "visitors", "Visitors"
    PUPILS = "pupils", "Pupils"


# What each audience covers, in the words shown on its pages.
AUDIENCE_HINTS = {
    Audience.STAFF: "Everyone who works at the school and uses its network: employees, agency "
                    "and supply workers, contractors and volunteers.",
    Audience.GOVERNORS: "Governors, trustees and members.",
    Audience.PARENTS: "Parents and carers who use the school's network, Wi-Fi or online services.",
    Audience.VISITORS: "Visitors who use the school's network or Wi-Fi. They sign at reception.",
    Audience.PUPILS: "Pupils who use the school's computers and network.",
}

# Audiences whose signers are known in advance (a list of who has not signed).
LISTED_AUDIENCES = frozenset({Audience.STAFF, Audience.GOVERNORS, Audience.PARENTS})
# Audiences that sign at a kiosk.
KIOSK_AUDIENCES = frozenset({Audience.VISITORS, Audience.PUPILS})


class SigningMethod(models.TextChoices):
    IN_APP = "in_app", "In Schoolkeep"
    LINK = "link", "Personal signing link"
    KIOSK = "kiosk", "Reception kiosk"
    PAPER = "paper", "Paper form (scan uploaded)"


class Aup(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="aups")
    audience = models.CharField(max_length=20, choices=Audience.choices)
    title = models.CharField(max_length=200)
    # How long a personal signing link works, set by the school.
    link_valid_days = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(1), MaxValueValidator(365)],
        verbose_name="Signing links work for (days)",
    )
    # Signatures of versions numbered at least this count; 0 until a version is published.
    sign_from = models.PositiveIntegerField(default=0, editable=False)
    # The latest published version's number; 0 until one is published.
    current_number = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["school", "audience"]
        constraints = [
            models.UniqueConstraint(fields=["school", "audience"], name="aup_one_per_audience"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.current_number > 0


class AupVersion(models.Model):
    """One version's text. Editable while a draft; fixed once published."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    aup = models.ForeignKey(Aup, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    # Plain text or the small Markdown subset of agreements/aups/markdown.py; never HTML.
    text = models.TextField()
    content_hash = models.CharField(max_length=64)  # SHA-256 of the text as UTF-8
    summary_of_changes = models.CharField(max_length=500, blank=True)
    # False for a minor change: only people who have never signed need to sign it.
    requires_everyone_to_sign = models.BooleanField(default=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by_label = models.CharField(max_length=200, blank=True)
    created_by_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["aup", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["aup", "number"], name="aup_version_unique_number"),
            models.UniqueConstraint(fields=["aup"], condition=models.Q(published_at__isnull=True),
                                    name="aup_version_one_draft"),
        ]

    def __str__(self) -> str:
        return f"{self.aup} version {self.number}"

    @property
    def is_draft(self) -> bool:
        return self.published_at is None


class Parent(models.Model):
    """A parent or carer: only what signing needs. No pupil records."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="parents")
    full_name = models.CharField(max_length=200)
    name_key = models.CharField(max_length=200, editable=False)  # case-folded, single-spaced
    email = models.EmailField(blank=True)
    email_key = models.CharField(max_length=254, blank=True, editable=False)  # lower-cased
    # The pupils' year groups or classes, as the school writes them ("Year 3, 5B").
    classes = models.CharField(max_length=200, blank=True,
                               verbose_name="Year groups or classes")
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "email_key"],
                condition=~models.Q(email_key="") & models.Q(archived_at__isnull=True),
                name="parent_unique_email_per_school",
            ),
        ]
        indexes = [models.Index(fields=["school", "archived_at", "name_key"])]

    def __str__(self) -> str:
        return self.full_name


class SigningLink(models.Model):
    """A personal, single-use link to sign one AUP. Only the SHA-256 of its token is kept."""

    class Channel(models.TextChoices):
        EMAIL = "email", "E-mail"
        LETTER = "letter", "Printed letter"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    aup = models.ForeignKey(Aup, on_delete=models.PROTECT, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="signing_links")
    parent = models.ForeignKey(Parent, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="signing_links")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    created_by_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # Set when a newer link for the same signer replaces this one.
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False, parent__isnull=True)
                | models.Q(person__isnull=True, parent__isnull=False),
                name="signing_link_one_signer",
            ),
        ]
        indexes = [
            models.Index(fields=["aup", "person"]),
            models.Index(fields=["aup", "parent"]),
        ]

    def __str__(self) -> str:
        return f"Signing link for {self.person or self.parent}"


class Reminder(models.Model):
    """One reminder sent to one signer, so that reminders are not repeated too often."""

    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    aup = models.ForeignKey(Aup, on_delete=models.PROTECT, related_name="reminders")
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    parent = models.ForeignKey(Parent, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    channel = models.CharField(max_length=10, choices=SigningLink.Channel.choices)
    link = models.ForeignKey(SigningLink, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    sent_at = models.DateTimeField()
    sent_by_label = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        indexes = [
            models.Index(fields=["aup", "person", "sent_at"]),
            models.Index(fields=["aup", "parent", "sent_at"]),
        ]

    def __str__(self) -> str:
        return f"Reminder to {self.person or self.parent}"


class Kiosk(models.Model):
    """A reception tablet's kiosk session: it signs one AUP for visitors (or pupils)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    aup = models.ForeignKey(Aup, on_delete=models.PROTECT, related_name="kiosks")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    opened_by_label = models.CharField(max_length=200)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return f"Kiosk opened by {self.opened_by_label}"


class KioskPin(models.Model):
    """The PIN that closes the school's reception kiosks, set by a member who may open one.
    Only its hash is kept (Django's password hashers); a kiosk cannot be opened without it."""

    school = models.OneToOneField("tenancy.School", on_delete=models.CASCADE, related_name="+")
    pin_hash = models.CharField(max_length=200)
    set_at = models.DateTimeField()
    set_by_label = models.CharField(max_length=200)

    def __str__(self) -> str:
        return "Kiosk PIN"


class SignatureRefused(Exception):
    """Raised on any attempt to change or delete a signature."""


class SignatureQuerySet(models.QuerySet["Signature"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise SignatureRefused("A signature cannot be changed.")

    def _update(self, values: Any) -> NoReturn:
        raise SignatureRefused("A signature cannot be changed.")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> NoReturn:
        raise SignatureRefused("A signature cannot be changed.")

    def delete(self) -> NoReturn:
        raise SignatureRefused("A signature cannot be deleted.")

    def _raw_delete(self, using: Any) -> NoReturn:
        raise SignatureRefused("A signature cannot be deleted.")


class Signature(models.Model):
    """Who signed which version (and its hash), when, how, from where, with a typed name."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    aup = models.ForeignKey(Aup, on_delete=models.PROTECT, related_name="signatures")
    aup_version = models.ForeignKey(AupVersion, on_delete=models.PROTECT,
                                    related_name="signatures")
    # The version's hash when it was signed: proof of the exact text.
    content_hash = models.CharField(max_length=64)
    method = models.CharField(max_length=10, choices=SigningMethod.choices)
    # The signer: a person, a parent, a member with no person record (user only), or, for
    # visitors and pupils, nobody on record (the typed name and the details below).
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="aup_signatures")
    parent = models.ForeignKey(Parent, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="signatures")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.PROTECT, related_name="aup_signatures")
    typed_name = models.CharField(max_length=200, verbose_name="Full name typed as signature")
    organisation = models.CharField(max_length=200, blank=True)  # visitors
    visiting = models.CharField(max_length=200, blank=True, verbose_name="Visiting")  # visitors
    pupil_class = models.CharField(max_length=100, blank=True, verbose_name="Class")  # pupils
    signed_at = models.DateTimeField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # Who recorded it when not the signer (paper: the staff member; kiosk: who opened it).
    recorded_by_label = models.CharField(max_length=200, blank=True)
    link = models.OneToOneField(SigningLink, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="signature")
    kiosk = models.ForeignKey(Kiosk, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="signatures")
    # Paper: the scan, stored outside the web root under a random name.
    scan_name = models.CharField(max_length=100, blank=True)
    scan_content_type = models.CharField(max_length=50, blank=True)
    scan_original_name = models.CharField(max_length=255, blank=True)
    scan_sha256 = models.CharField(max_length=64, blank=True)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_at"]
        indexes = [
            models.Index(fields=["aup", "person", "signed_at"]),
            models.Index(fields=["aup", "parent", "signed_at"]),
            models.Index(fields=["aup", "user", "signed_at"]),
            models.Index(fields=["school", "aup", "signed_at"]),
            # The AUP figures: who signed this AUP's current version, probed per audience member.
            models.Index(fields=["aup", "aup_version", "person"], name="signature_signers"),
        ]

    def __str__(self) -> str:
        return f"{self.typed_name} signed {self.aup_version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise SignatureRefused("A signature cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise SignatureRefused("A signature cannot be deleted.")

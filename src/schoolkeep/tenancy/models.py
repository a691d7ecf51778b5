"""Organisation (trust or local authority) → School → Site, and who belongs where."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from schoolkeep.tenancy.roles import Role, role_label


class Organisation(models.Model):
    class Kind(models.TextChoices):
        TRUST = "trust", "Multi-academy trust"
        LOCAL_AUTHORITY = "local_authority", "Local authority"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TRUST)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    class Kind(models.TextChoices):
        MAINTAINED = "maintained", "Maintained school"
        ACADEMY = "academy", "Academy or free school"
        INDEPENDENT = "independent", "Independent school"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="schools"
    )
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MAINTAINED)
    idle_timeout_minutes = models.PositiveSmallIntegerField(
        default=15,
        validators=[MinValueValidator(2), MaxValueValidator(240)],
        help_text="Members are signed out after this many minutes without activity.",
    )
    require_mfa_for_all = models.BooleanField(
        default=False,
        verbose_name="Require two-factor sign-in for every member",
        help_text="Two-factor is always required for every role except plain staff.",
    )
    incident_reporting_instructions = models.TextField(
        blank=True,
        help_text="How staff report an incident where data protection may have been compromised.",
    )
    # Shown on the key contacts page beside "tell the DPO by phone" (contacts.py checks them).
    dpo_phone = models.CharField(max_length=32, blank=True,
                                 verbose_name="Data protection officer's telephone number")
    siro_phone = models.CharField(max_length=32, blank=True,
                                  verbose_name="SIRO's telephone number")
    contact_hours = models.CharField(max_length=300, blank=True,
                                     verbose_name="When and how to reach them")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="sites")
    name = models.CharField(max_length=200)
    address = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="site_unique_name_per_school")
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's place in one school. Roles live in MembershipRole, one row per role."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="memberships")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Increased by every change of the membership (its roles, leaving, coming back), so that
    # two SIROs editing one member's roles at once cannot overwrite each other silently.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["school__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "school"], name="membership_unique_user_school")
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.school}"


class MembershipRole(models.Model):
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=30, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["membership", "role"], name="membership_role_unique"),
            models.CheckConstraint(
                condition=~models.Q(role="trust_admin"), name="membership_role_not_trust_admin"
            ),
        ]

    def __str__(self) -> str:
        return self.get_role_display()


class OrganisationMembership(models.Model):
    """A trust administrator: reads every school of the organisation, writes nothing in one."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="organisation_memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="orgmembership_unique_user_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.organisation}"


class Invitation(models.Model):
    """A single-use, expiring link that lets someone join a school. Only its hash is kept."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="invitations")
    email = models.EmailField()
    full_name = models.CharField(max_length=200, blank=True)
    roles = models.JSONField(default=list)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by_label = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["school", "accepted_at", "revoked_at"])]

    def __str__(self) -> str:
        return f"Invitation for {self.email}"

    def state(self, now: datetime | None = None) -> str:
        """One of "accepted", "revoked", "expired" or "open"."""
        if self.accepted_at is not None:
            return "accepted"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= (now or timezone.now()):
            return "expired"
        return "open"

    @property
    def role_labels(self) -> list[str]:
        return [role_label(role) for role in self.roles]


class Term(models.Model):
    """One term's dates. Owner: a school, an organisation, or neither (the estimated default).

    Terms are named by the calendar year they fall in: Autumn 2026, Spring 2027 and Summer 2027
    make up the academic year 2026/27 (``academic_year`` = 2026).
    """

    class Name(models.TextChoices):
        AUTUMN = "autumn", "Autumn"
        SPRING = "spring", "Spring"
        SUMMER = "summer", "Summer"

    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.CASCADE, related_name="terms"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="terms"
    )
    academic_year = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=10, choices=Name.choices)
    starts_on = models.DateField()
    ends_on = models.DateField()
    estimated = models.BooleanField(default=False)

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(school__isnull=False) & models.Q(organisation__isnull=False)),
                name="term_one_owner",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="term_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["school", "academic_year", "name"],
                condition=models.Q(school__isnull=False),
                name="term_unique_per_school",
            ),
            models.UniqueConstraint(
                fields=["organisation", "academic_year", "name"],
                condition=models.Q(organisation__isnull=False),
                name="term_unique_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["academic_year", "name"],
                condition=models.Q(school__isnull=True, organisation__isnull=True),
                name="term_unique_default",
            ),
        ]
        indexes = [models.Index(fields=["academic_year", "starts_on"])]

    def __str__(self) -> str:
        return f"{self.get_name_display()} {self.starts_on.year}"


class TermHoliday(models.Model):
    """A day or days inside a term with no sessions for pupils: a holiday such as half-term,
    an INSET (training) day, or a closure (a polling day, snow). None is a school day, which
    the clocks of freedom of information and the educational record count."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "Holiday"
        INSET = "inset", "INSET day"
        CLOSURE = "closure", "Closure"

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="holidays")
    starts_on = models.DateField()
    ends_on = models.DateField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.HOLIDAY)

    class Meta:
        ordering = ["starts_on"]

    def __str__(self) -> str:
        return f"Holiday {self.starts_on} to {self.ends_on}"

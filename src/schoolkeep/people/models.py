"""People of a school and their Single Central Record (KCSIE) checks.

Which checks a person needs is never stored per check: it follows from the rules
(``CheckRule``, see rules.py) and the person's kind and post, unless an override with a
recorded reason says otherwise. A ``Check`` row holds what was done.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from schoolkeep.lib.fields import EncryptedDateField, EncryptedTextField


class PersonKind(models.TextChoices):
    TEACHING = "teaching", "Employee in a teaching post"
    SUPPORT = "support", "Employee in a support post"
    AGENCY = "agency", "Agency or supply worker"
    CONTRACTOR = "contractor", "Contractor"
    VOLUNTEER = "volunteer", "Volunteer"
    GOVERNOR = "governor", "Governor"
    TRUSTEE = "trustee", "Trustee"
    MEMBER = "member", "Member"


class CheckType(models.TextChoices):
    IDENTITY = "identity", "Identity"
    RIGHT_TO_WORK = "right_to_work", "Right to work in the UK"
    QUALIFICATIONS = "qualifications", "Qualifications"
    ENHANCED_DBS = "enhanced_dbs", "Enhanced DBS"
    BARRED_LIST = "barred_list", "Children's barred list"
    PROHIBITION = "prohibition", "Prohibition from teaching"
    SECTION_128 = "section_128", "Section 128 direction"
    OVERSEAS = "overseas", "Checks for time outside the UK"
    CHILDCARE = "childcare", "Childcare disqualification"
    AGENCY_CONFIRMATION = "agency_confirmation", "Agency's written confirmation"


class Person(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="people")
    full_name = models.CharField(max_length=200)
    preferred_name = models.CharField(max_length=200, blank=True)
    # Lower-cased, single-spaced name: what imports match on.
    name_key = models.CharField(max_length=200, editable=False)
    date_of_birth = EncryptedDateField(blank=True, default="")
    # Keyed hash of the date of birth, so that "name with date of birth" can be matched.
    date_of_birth_hash = models.CharField(max_length=64, blank=True, editable=False)
    kind = models.CharField(max_length=20, choices=PersonKind.choices)
    job_title = models.CharField(max_length=200, blank=True)
    is_management_post = models.BooleanField(
        default=False, verbose_name="The post is a management post"
    )
    does_teaching_work = models.BooleanField(
        default=False, verbose_name="Does teaching work",
        help_text="Teaching assistants often do.",
    )
    post_needs_qualifications = models.BooleanField(
        default=False, verbose_name="The post needs qualifications"
    )
    lived_or_worked_abroad = models.BooleanField(
        default=False, verbose_name="Has lived or worked outside the UK"
    )
    childcare_disqualification_applies = models.BooleanField(
        default=False, verbose_name="Childcare disqualification applies",
        help_text="For work in early years or later years childcare provision.",
    )
    # Who must sign the staff acceptable use policy: everyone of a staff kind who uses the
    # school's network, Wi-Fi or systems (some contractors and volunteers do not).
    uses_school_network = models.BooleanField(
        default=True, verbose_name="Uses the school's network, Wi-Fi or systems",
        help_text="People who do must sign the acceptable use policy.",
    )
    sites = models.ManyToManyField("tenancy.Site", blank=True, related_name="people")
    start_date = models.DateField(null=True, blank=True)
    leaving_date = models.DateField(null=True, blank=True)
    email = models.EmailField(blank=True)
    staff_number = models.CharField(max_length=50, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="people",
    )
    # Derived facts, kept by people.missing_checks in the same transaction as every write
    # that changes them (so that counts across a trust need not apply the rules per person):
    # a required check other than the agency's confirmation is not done; the agency's
    # confirmation is required and not done. ``recount-duty-facts`` proves them.
    checks_missing = models.BooleanField(default=False, editable=False)
    agency_confirmation_missing = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "staff_number"], condition=~models.Q(staff_number=""),
                name="person_unique_staff_number",
            ),
            models.UniqueConstraint(
                fields=["school", "user"], condition=models.Q(user__isnull=False),
                name="person_unique_user_per_school",
            ),
            models.CheckConstraint(
                condition=models.Q(leaving_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(leaving_date__gte=models.F("start_date")),
                name="person_leaves_after_starting",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "name_key"]),
            models.Index(fields=["school", "leaving_date"]),
            models.Index(fields=["school", "email"]),
            # The duty counts read only people with a missing check (few, in a kept record).
            models.Index(
                fields=["school", "start_date"],
                condition=models.Q(checks_missing=True)
                | models.Q(agency_confirmation_missing=True),
                name="person_missing_checks",
            ),
            # An AUP's audience (its kinds, network users, not yet left) for the AUP figures.
            models.Index(fields=["school", "kind", "uses_school_network", "leaving_date"],
                         name="person_audience"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.full_name


class Check(models.Model):
    """What was done for one check of one person. At most one row per person and type."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DONE = "done", "Done"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="checks")
    check_type = models.CharField(max_length=30, choices=CheckType.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    done_on = models.DateField(null=True, blank=True, verbose_name="Date done")
    checked_by = models.CharField(max_length=200, blank=True, verbose_name="Checked by")
    evidence = models.TextField(blank=True, verbose_name="Evidence seen")
    notes = models.TextField(blank=True)
    # Right to work: the end of time-limited permission.
    right_to_work_expires_on = models.DateField(null=True, blank=True)
    # Enhanced DBS.
    dbs_with_barred_list = models.BooleanField(null=True, blank=True)
    dbs_certificate_number = EncryptedTextField(blank=True, default="")
    dbs_certificate_hash = models.CharField(max_length=64, blank=True, editable=False,
                                            db_index=True)
    dbs_issued_on = models.DateField(null=True, blank=True)
    on_update_service = models.BooleanField(default=False)
    update_service_checked_on = models.DateField(null=True, blank=True)
    # Agency and supply workers: was the DBS certificate provided with the confirmation?
    agency_certificate_provided = models.BooleanField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["check_type"]
        constraints = [
            models.UniqueConstraint(fields=["person", "check_type"], name="check_one_per_type"),
            models.CheckConstraint(
                condition=~models.Q(status="done") | models.Q(done_on__isnull=False),
                name="check_done_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "check_type", "status"]),
            # The trust overview's DBS counts: a school's DBS checks on the update service.
            models.Index(fields=["school", "check_type", "on_update_service"],
                         name="check_update_service"),
        ]

    def __str__(self) -> str:
        return f"{self.get_check_type_display()} for {self.person}"


class CheckOverride(models.Model):
    """A person-specific exception to the rules, with the reason recorded."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="overrides")
    check_type = models.CharField(max_length=30, choices=CheckType.choices)
    required = models.BooleanField()
    reason = models.TextField()
    set_by_label = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    # Compared on every change, so that two managers editing one exception at once cannot
    # overwrite each other silently.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "check_type"],
                                    name="override_one_per_type"),
        ]

    def __str__(self) -> str:
        state = "required" if self.required else "not required"
        return f"{self.get_check_type_display()} {state} for {self.person}"


class CheckRule(models.Model):
    """One rule: people of ``person_kind`` need ``check_type`` when ``condition`` holds.

    Owner: a school, or an organisation (for all its schools), or neither: the built-in
    default set for ``default_for`` (maintained schools or academies). A school's own rules
    replace its organisation's, which replace the default for the school's kind.
    """

    class Condition(models.TextChoices):
        ALWAYS = "always", "Always"
        TEACHING_WORK = "teaching_work", "If they do teaching work"
        MANAGEMENT_POST = "management_post", "If the post is a management post"
        QUALIFICATIONS = "qualifications", "If the post needs qualifications"
        LIVED_ABROAD = "lived_abroad", "If they have lived or worked outside the UK"
        CHILDCARE = "childcare", "If childcare disqualification applies"

    class DefaultFor(models.TextChoices):
        MAINTAINED = "maintained", "Maintained schools"
        ACADEMY = "academy", "Academies and independent schools"

    school = models.ForeignKey("tenancy.School", null=True, blank=True,
                               on_delete=models.CASCADE, related_name="check_rules")
    organisation = models.ForeignKey("tenancy.Organisation", null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="check_rules")
    default_for = models.CharField(max_length=20, choices=DefaultFor.choices, blank=True)
    check_type = models.CharField(max_length=30, choices=CheckType.choices)
    person_kind = models.CharField(max_length=20, choices=PersonKind.choices)
    condition = models.CharField(max_length=20, choices=Condition.choices,
                                 default=Condition.ALWAYS)

    class Meta:
        ordering = ["check_type", "person_kind", "condition"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(school__isnull=False, organisation__isnull=True, default_for="")
                    | models.Q(school__isnull=True, organisation__isnull=False, default_for="")
                    | models.Q(school__isnull=True, organisation__isnull=True)
                    & ~models.Q(default_for="")
                ),
                name="check_rule_one_owner",
            ),
            models.UniqueConstraint(
                fields=["school", "check_type", "person_kind", "condition"],
                condition=models.Q(school__isnull=False), name="check_rule_unique_school",
            ),
            models.UniqueConstraint(
                fields=["organisation", "check_type", "person_kind", "condition"],
                condition=models.Q(organisation__isnull=False),
                name="check_rule_unique_organisation",
            ),
            models.UniqueConstraint(
                fields=["default_for", "check_type", "person_kind", "condition"],
                condition=models.Q(school__isnull=True, organisation__isnull=True),
                name="check_rule_unique_default",
            ),
        ]

    def __str__(self) -> str:
        return (f"{self.get_check_type_display()} for {self.get_person_kind_display()}: "
                f"{self.get_condition_display()}")


class PeopleSettings(models.Model):
    """The school's settings for its record of people."""

    school = models.OneToOneField("tenancy.School", on_delete=models.CASCADE,
                                  related_name="people_settings")
    certificate_copy_months = models.PositiveSmallIntegerField(
        default=6, validators=[MinValueValidator(1), MaxValueValidator(6)],
        verbose_name="Keep uploaded copies of DBS certificates for (months)",
        help_text="At most six months. The check's details stay after the copy is deleted.",
    )
    update_service_interval_days = models.PositiveSmallIntegerField(
        default=365, validators=[MinValueValidator(7), MaxValueValidator(730)],
        verbose_name="Check the DBS Update Service status every (days)",
    )
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"People settings of {self.school}"


class CertificateCopy(models.Model):
    """An uploaded copy of a DBS certificate, deleted automatically after the school's period."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    check_record = models.ForeignKey(Check, on_delete=models.CASCADE, related_name="copies")
    stored_name = models.CharField(max_length=100, unique=True)  # random, under uploads/
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField()
    uploaded_by_label = models.CharField(max_length=200)
    delete_after = models.DateTimeField()
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]
        indexes = [models.Index(fields=["deleted_at", "delete_after"])]

    def __str__(self) -> str:
        return f"Copy of {self.check_record}"

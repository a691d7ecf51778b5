"""The information asset register (the policy's Appendix 1), which doubles as the record of
processing activities of UK GDPR Article 30."""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class AssetGroup(models.Model):
    """A heading of the register, such as "Pupil data (MIS)"."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT,
                               related_name="asset_groups")
    name = models.CharField(max_length=200)
    name_key = models.CharField(max_length=200, editable=False)
    # Groups whose keys are equal look alike (assets.look_alike): an import warns of them.
    match_key = models.CharField(max_length=300, blank=True, editable=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name_key"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name_key"], name="asset_group_unique")
        ]
        # The register's order, first half: a school's groups by position and name.
        indexes = [models.Index(fields=["school", "position", "name_key"],
                                name="asset_group_register_order"),
                   models.Index(fields=["school", "match_key"], name="asset_group_look_alike")]

    def __str__(self) -> str:
        return self.name


class OutsideOrganisation(models.Model):
    """An asset owner outside the school, such as a backup company or a CCTV support company."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT,
                               related_name="outside_organisations")
    name = models.CharField(max_length=200)
    name_key = models.CharField(max_length=200, editable=False)
    contact = models.TextField(blank=True)

    class Meta:
        ordering = ["name_key"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name_key"],
                                    name="outside_organisation_unique")
        ]

    def __str__(self) -> str:
        return self.name


class AccessLabel(models.Model):
    """Who has access to enter information, as the school names it ("Pupil Data
    Administrator"); labels differing only in case are one label. A label can be linked to
    the members who hold it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT,
                               related_name="access_labels")
    label = models.CharField(max_length=200)
    label_key = models.CharField(max_length=200, editable=False)
    members = models.ManyToManyField("tenancy.Membership", blank=True,
                                     related_name="access_labels")
    # Compared on every change, so that two managers editing one label at once cannot
    # overwrite each other's choice of members silently.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["label_key"]
        constraints = [
            models.UniqueConstraint(fields=["school", "label_key"], name="access_label_unique")
        ]

    def __str__(self) -> str:
        return self.label


class LawfulBasis(models.TextChoices):
    CONSENT = "consent", "Consent (Article 6(1)(a))"
    CONTRACT = "contract", "Contract (Article 6(1)(b))"
    LEGAL_OBLIGATION = "legal_obligation", "Legal obligation (Article 6(1)(c))"
    VITAL_INTERESTS = "vital_interests", "Vital interests (Article 6(1)(d))"
    PUBLIC_TASK = "public_task", "Public task (Article 6(1)(e))"
    LEGITIMATE_INTERESTS = "legitimate_interests", "Legitimate interests (Article 6(1)(f))"


class Article9Condition(models.TextChoices):
    EXPLICIT_CONSENT = "explicit_consent", "Explicit consent (9(2)(a))"
    EMPLOYMENT = "employment", "Employment, social security and social protection (9(2)(b))"
    VITAL_INTERESTS = "vital_interests", "Vital interests (9(2)(c))"
    NOT_FOR_PROFIT = "not_for_profit", "Not-for-profit bodies (9(2)(d))"
    MADE_PUBLIC = "made_public", "Made public by the data subject (9(2)(e))"
    LEGAL_CLAIMS = "legal_claims", "Legal claims (9(2)(f))"
    SUBSTANTIAL_PUBLIC_INTEREST = "substantial_public_interest", \
        "Substantial public interest (9(2)(g))"
    HEALTH_SOCIAL_CARE = "health_social_care", "Health or social care (9(2)(h))"
    PUBLIC_HEALTH = "public_health", "Public health (9(2)(i))"
    ARCHIVING_RESEARCH = "archiving_research", "Archiving, research and statistics (9(2)(j))"


class DataSubject(models.TextChoices):
    PUPILS = "pupils", "Pupils"
    PARENTS = "parents", "Parents and carers"
    STAFF = "staff", "Staff"
    GOVERNORS = "governors", "Governors"
    VOLUNTEERS = "volunteers", "Volunteers"
    VISITORS = "visitors", "Visitors"
    CONTRACTORS = "contractors", "Contractors and suppliers"
    OTHERS = "others", "Others"


class Classification(models.TextChoices):
    UNCLASSIFIED = "unclassified", "Not yet classified"
    OFFICIAL = "official", "OFFICIAL"
    OFFICIAL_SENSITIVE = "official_sensitive", "OFFICIAL-SENSITIVE"


class Asset(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="assets")
    group = models.ForeignKey(AssetGroup, on_delete=models.PROTECT, related_name="assets")
    name = models.CharField(max_length=300)
    name_key = models.CharField(max_length=300, editable=False)
    # Assets whose keys are equal look alike (assets.look_alike): an import warns of them.
    match_key = models.CharField(max_length=300, blank=True, editable=False)
    description = models.TextField(blank=True)
    # The owner: a person of the school, an outside organisation, or a name not yet matched
    # (which is flagged for review). At most one of the three.
    owner_person = models.ForeignKey("people.Person", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="owned_assets")
    owner_organisation = models.ForeignKey(OutsideOrganisation, null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="assets")
    owner_unmatched = models.CharField(max_length=200, blank=True,
                                       verbose_name="Owner's name, not yet matched")
    access_labels = models.ManyToManyField(AccessLabel, blank=True, related_name="assets",
                                           verbose_name="Who has access to enter information")
    purpose = models.TextField(blank=True)
    lawful_basis = models.CharField(max_length=30, choices=LawfulBasis.choices, blank=True)
    article9_condition = models.CharField(max_length=40, choices=Article9Condition.choices,
                                          blank=True, verbose_name="Article 9 condition")
    data_subjects = models.JSONField(default=list, blank=True)  # DataSubject values
    personal_data = models.TextField(blank=True, verbose_name="Categories of personal data")
    special_category_data = models.BooleanField(default=False)
    children_data = models.BooleanField(default=False, verbose_name="Includes children's data")
    classification = models.CharField(max_length=20, choices=Classification.choices,
                                      default=Classification.UNCLASSIFIED)
    classification_note = models.CharField(max_length=200, blank=True)
    systems = models.ManyToManyField("systems.System", blank=True, related_name="assets")
    held_on_paper = models.BooleanField(default=False)
    held_elsewhere = models.CharField(max_length=200, blank=True)
    destruction_method = models.CharField(max_length=200, blank=True)
    recipients = models.TextField(blank=True)
    transfers_outside_uk = models.TextField(blank=True)
    transfer_safeguards = models.TextField(blank=True)
    security_measures = models.TextField(blank=True)
    # Whether a DPIA is needed and when it was done, and how long the records are kept, are
    # views of ``privacy`` records now: the asset's DPIA, its record types (and the old
    # free text kept as ``LegacyRetentionText``).
    last_reviewed_on = models.DateField(null=True, blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    # When the asset falls due for review: a derived fact kept by ``assets.review_due``
    # (never set by hand), so that the duties compare it on an index.
    review_due_on = models.DateField(null=True, blank=True, editable=False)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["group__position", "name_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "group", "name_key"],
                condition=models.Q(archived_at__isnull=True), name="asset_unique_per_group",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(owner_person__isnull=True, owner_organisation__isnull=True)
                    | models.Q(owner_person__isnull=True, owner_unmatched="")
                    | models.Q(owner_organisation__isnull=True, owner_unmatched="")
                ),
                name="asset_one_kind_of_owner",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "archived_at", "classification"]),
            models.Index(fields=["school", "name_key"]),
            # An import's look-alikes of a batch of new names: one indexed IN query.
            models.Index(fields=["school", "match_key"], name="asset_look_alike"),
            # The register's order, second half: within a group, current assets by name (and
            # id, which every index ends with). With the group's index the planner reads a
            # page in order, group by group, instead of sorting the whole register.
            models.Index(fields=["school", "group", "archived_at", "name_key"],
                         name="asset_register_order"),
            # Duties due the day an asset was added (no owner, unclassified, no lawful basis)
            # are listed in the order added: the few most urgent are read from this index
            # instead of sorting every current asset.
            models.Index(fields=["school", "archived_at", "created_at", "public_id"],
                         name="asset_duty_added_order"),
            # Reviews counted and listed by their stored due date, most urgent first.
            models.Index(fields=["school", "archived_at", "review_due_on", "public_id"],
                         name="asset_review_due_order"),
            # Every column the duty counts read (assets.duties), so that they are counted from
            # this index alone, grouped by owner person, without reading the table.
            models.Index(fields=["school", "archived_at", "owner_person", "owner_organisation",
                                 "classification", "lawful_basis", "review_due_on",
                                 "created_at"],
                         name="asset_duty_counts"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def owner_label(self) -> str:
        if self.owner_person_id:
            return str(self.owner_person)
        if self.owner_organisation_id:
            return str(self.owner_organisation)
        return self.owner_unmatched


class AssetAlias(models.Model):
    """Another name for an asset or a group, as a file gave it: chosen on an import's
    preview ("This is “Attendance records”"), so that the next import of a file with that
    name matches it without asking. An asset's alias is its (group heading, name) in the
    file; a group's, its heading (and no name)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT,
                               related_name="asset_aliases")
    group_key = models.CharField(max_length=200)  # the file's group heading, folded
    name_key = models.CharField(max_length=300, blank=True)  # the file's name, folded
    name = models.CharField(max_length=300)  # as the file wrote it
    asset = models.ForeignKey(Asset, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="aliases")
    group = models.ForeignKey(AssetGroup, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="aliases")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # Also the index an import looks aliases up by.
            models.UniqueConstraint(fields=["school", "group_key", "name_key"],
                                    name="asset_alias_unique"),
            models.CheckConstraint(
                condition=(models.Q(name_key="", group__isnull=False, asset__isnull=True)
                           | (~models.Q(name_key="")
                              & models.Q(asset__isnull=False, group__isnull=True))),
                name="asset_alias_of_one"),
        ]

    def __str__(self) -> str:
        return self.name


class AssetSettings(models.Model):
    """The school's details for the Article 30 record, and how often assets are reviewed."""

    school = models.OneToOneField("tenancy.School", on_delete=models.CASCADE,
                                  related_name="asset_settings")
    controller_name = models.CharField(max_length=200, blank=True,
                                       verbose_name="Controller's name")
    controller_contact = models.TextField(blank=True, verbose_name="Controller's contact details")
    dpo_contact = models.TextField(blank=True, verbose_name="Data protection officer's contact")
    review_interval_months = models.PositiveSmallIntegerField(
        default=12, validators=[MinValueValidator(1), MaxValueValidator(36)],
        verbose_name="Review each asset every (months)",
    )
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"Register settings of {self.school}"

"""The school's equipment: what it is, what data it holds, whether it is encrypted, who has
it (on loan or assigned), and how it left the school (a disposal batch, with the company's
certificate of secure deletion matched to each drive).

Nothing is deleted: a disposed item stays in the inventory with its evidence, and a lost or
stolen one with its incident report.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Item(models.Model):
    class Kind(models.TextChoices):
        LAPTOP = "laptop", "Laptop"
        DESKTOP = "desktop", "Desktop computer"
        SERVER = "server", "Server"
        TABLET = "tablet", "Tablet"
        PHONE = "phone", "Phone"
        EXTERNAL_DRIVE = "external_drive", "External drive"
        USB_STICK = "usb_stick", "USB stick"
        BACKUP_TAPE = "backup_tape", "Backup tape"
        OTHER_MEDIA = "other_media", "Other storage media"
        OTHER = "other", "Other equipment"

    class Encryption(models.TextChoices):
        UNKNOWN = "unknown", "Not known"
        NONE = "none", "Not encrypted"
        BITLOCKER = "bitlocker", "BitLocker"
        FILEVAULT = "filevault", "FileVault"
        OTHER = "other", "Other encryption"

    class Status(models.TextChoices):
        IN_USE = "in_use", "In use"
        IN_STORE = "in_store", "In store"
        LOST = "lost", "Lost"
        STOLEN = "stolen", "Stolen"
        AWAITING_DISPOSAL = "awaiting_disposal", "Awaiting disposal"
        DISPOSED = "disposed", "Disposed of"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT,
                               related_name="equipment")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    make = models.CharField(max_length=100, blank=True)
    model_name = models.CharField(max_length=100, blank=True, verbose_name="Model")
    serial_number = models.CharField(max_length=100, blank=True)
    # The serial number upper-cased with only letters and digits kept: what a certificate's
    # text is matched against, and unique per school when present.
    serial_key = models.CharField(max_length=100, blank=True, editable=False)
    asset_tag = models.CharField(max_length=50, blank=True)
    asset_tag_key = models.CharField(max_length=50, blank=True, editable=False)
    # Holds, or has held, personal data: Yes / No / Not known (never defaulted to "no").
    personal_data = models.BooleanField(null=True, blank=True,
                                        verbose_name="Holds or has held personal data")
    encryption = models.CharField(max_length=20, choices=Encryption.choices,
                                  default=Encryption.UNKNOWN)
    encryption_verified_on = models.DateField(null=True, blank=True,
                                              verbose_name="Encryption verified on")
    location = models.CharField(max_length=200, blank=True)
    assigned_to = models.ForeignKey("people.Person", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="equipment")
    systems = models.ManyToManyField("systems.System", blank=True, related_name="equipment")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_USE)
    # The incident a loss or theft was reported as (one step from the item's page).
    incident = models.ForeignKey("incidents.Incident", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="equipment")
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["kind", "asset_tag_key", "serial_key", "id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "serial_key"],
                                    condition=~models.Q(serial_key=""),
                                    name="equipment_serial_unique"),
            models.UniqueConstraint(fields=["school", "asset_tag_key"],
                                    condition=~models.Q(asset_tag_key=""),
                                    name="equipment_tag_unique"),
        ]
        indexes = [
            models.Index(fields=["school", "status", "kind"], name="equipment_by_status"),
            models.Index(fields=["school", "personal_data", "encryption", "status"],
                         name="equipment_encryption"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """"Laptop HP-0142" (its tag), else its serial number, else its make and model."""
        name = self.get_kind_display()
        ident = self.asset_tag or self.serial_number or " ".join(
            part for part in (self.make, self.model_name) if part)
        return f"{name} {ident}".strip()

    @property
    def is_encrypted(self) -> bool:
        return self.encryption in {self.Encryption.BITLOCKER, self.Encryption.FILEVAULT,
                                   self.Encryption.OTHER}


class Loan(models.Model):
    """An item issued to a person for use at home or off site."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="loans")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="loans")
    purpose = models.CharField(max_length=300, blank=True)  # "Marking at home"
    issued_on = models.DateField()
    expected_return_on = models.DateField()
    returned_on = models.DateField(null=True, blank=True)
    condition_on_return = models.CharField(max_length=300, blank=True)
    issued_by_label = models.CharField(max_length=200)
    returned_by_label = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    # The incident an overdue or lost loan was reported as.
    incident = models.ForeignKey("incidents.Incident", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="loans")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-issued_on", "-id"]
        constraints = [
            # An item is out on one loan at a time.
            models.UniqueConstraint(fields=["item"], condition=models.Q(returned_on__isnull=True),
                                    name="loan_one_open_per_item"),
            models.CheckConstraint(condition=models.Q(expected_return_on__gte=models.F(
                "issued_on")), name="loan_returns_after_issue"),
        ]
        indexes = [
            models.Index(fields=["school", "returned_on", "expected_return_on"],
                         name="loan_open_due"),
            models.Index(fields=["person", "returned_on"], name="loan_by_person"),
        ]

    def __str__(self) -> str:
        return f"{self.item} on loan to {self.person}"


class Disposal(models.Model):
    """A batch of items collected by a disposal company, with its paperwork: the waste
    transfer note (kept two years) and the certificate of secure deletion."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey("assets.OutsideOrganisation", on_delete=models.PROTECT,
                                related_name="disposals")
    reference = models.CharField(max_length=100, blank=True)  # the company's job number
    collected_on = models.DateField()
    waste_carrier_registration = models.CharField(max_length=100, blank=True)
    # The treatment facility's AATF permit number or the company's ADISA certification.
    permit_or_certification = models.CharField(max_length=200, blank=True,
                                               verbose_name="AATF permit or ADISA certification")
    note_stored_name = models.CharField(max_length=100, blank=True)  # waste transfer note
    note_original_name = models.CharField(max_length=200, blank=True)
    note_size = models.PositiveIntegerField(null=True, blank=True)
    note_uploaded_at = models.DateTimeField(null=True, blank=True)
    certificate_stored_name = models.CharField(max_length=100, blank=True)
    certificate_original_name = models.CharField(max_length=200, blank=True)
    certificate_size = models.PositiveIntegerField(null=True, blank=True)
    certificate_uploaded_at = models.DateTimeField(null=True, blank=True)
    certificate_uploaded_by_label = models.CharField(max_length=200, blank=True)
    # Whether the certificate's PDF had text to read serial numbers from (False: a scan,
    # matched by hand), and the serial keys read from it.
    certificate_has_text = models.BooleanField(null=True, blank=True)
    certificate_serials = models.JSONField(default=list, blank=True)
    # Earlier uploads of the note and certificate, kept (nothing is deleted): each a dict of
    # kind, stored_name, original_name, size, uploaded_at, uploaded_by_label, replaced_at.
    earlier_files = models.JSONField(default=list, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by_label = models.CharField(max_length=200)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-collected_on", "-id"]
        indexes = [models.Index(fields=["school", "collected_on"], name="disposal_by_date")]

    def __str__(self) -> str:
        return f"Disposal {self.reference or self.collected_on.isoformat()}"


class DisposalItem(models.Model):
    class MatchedBy(models.TextChoices):
        CERTIFICATE_TEXT = "certificate_text", "Read from the certificate"
        HAND = "hand", "Matched by hand"

    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    disposal = models.ForeignKey(Disposal, on_delete=models.PROTECT, related_name="items")
    # An item leaves the school once.
    item = models.OneToOneField(Item, on_delete=models.PROTECT, related_name="disposal_entry")
    matched_by = models.CharField(max_length=20, choices=MatchedBy.choices, blank=True)
    matched_at = models.DateTimeField(null=True, blank=True)
    matched_by_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")
    matched_by_label = models.CharField(max_length=200, blank=True)  # who matched it

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["school", "matched_by"], name="disposal_item_matched")]

    def __str__(self) -> str:
        return f"{self.item} in {self.disposal}"

    @property
    def is_matched(self) -> bool:
        return bool(self.matched_by)

"""The demo's equipment at Larkspur (order 360, after the people and systems): forty items as
a primary school's IT lead would list them, added through the inventory's services.

- twelve HP laptops, most assigned to a member of staff (Ellie Morgan's is her marking
  laptop, encrypted, which the off-site removals demo uses), three encrypted ones in store
  for loans, and one old office laptop that holds personal data and is NOT encrypted;
- six desktops, a server, four iPads, three phones, three external drives (one, holding
  exam data, NOT encrypted), three USB sticks and two backup tapes;
- six hard drives taken out of the old office desktops, awaiting disposal
  (``DISPOSAL_SERIALS``): the disposals demo (370) puts them in a batch.

So the duty ``equipment.unencrypted-personal-data`` shows twice, and the measure
``equipment.encrypted`` is short by two. A system missing from the register is left off the
items; a person missing is left unassigned. Running the step again adds nothing (an item
whose serial number is in the inventory already is skipped). Serial numbers are made up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils import timezone

from schoolkeep.demo.builder import DemoContext
from schoolkeep.equipment.inventory.services import item_create
from schoolkeep.equipment.keys import serial_key
from schoolkeep.equipment.models import Item
from schoolkeep.lib.text import fold
from schoolkeep.people.models import Person
from schoolkeep.systems.models import System

SCHOOL = "larkspur"
K, E, S = Item.Kind, Item.Encryption, Item.Status

# The drives of the old office desktops, awaiting disposal: the disposals demo's batch.
DISPOSAL_SERIALS = ["Z1D4K8QX", "Z1D4K9RT", "Z1D4L2MB", "W4Y0H7PC", "W4Y0H8DN", "W4Y0J1FA"]


@dataclass(frozen=True)
class DemoItem:
    kind: str
    make: str
    model_name: str
    serial_number: str
    asset_tag: str = ""
    personal_data: bool | None = True
    encryption: str = E.BITLOCKER
    verified_days_ago: int | None = 40
    location: str = ""
    person: str = ""  # a demo person's full name
    systems: tuple[str, ...] = ()
    status: str = S.IN_USE
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _laptop(n: int, serial: str, person: str = "", **kw: Any) -> DemoItem:
    kw.setdefault("systems", ("SIMS", "USO"))
    return DemoItem(K.LAPTOP, "HP", "ProBook 450 G8", serial, f"LS-L{n:03d}", person=person,
                    **kw)


ITEMS: list[DemoItem] = [
    _laptop(1, "5CD1234ABC", "Amara Osei", systems=("SIMS", "CPOMS", "USO")),
    _laptop(2, "5CD1235DEF", "Sofia Novak", systems=("SIMS", "FMS", "USO")),
    _laptop(3, "5CD1236GHJ", "Grace Adeyemi", systems=("SIMS", "FMS", "USO")),
    _laptop(4, "5CD1237KLM", "Hannah Brooks", systems=("SIMS", "CPOMS", "USO")),
    _laptop(5, "5CD1238NPQ", "Ellie Morgan", notes="Ellie's marking laptop."),
    _laptop(6, "5CD1239RST", "Mateo Silva"),
    _laptop(7, "5CD1240UVW", "Tom Whitfield", systems=("SIMS", "RDP", "USO")),
    _laptop(8, "5CD1241XYZ", "Daniel Price", systems=("USO", "RDP")),
    _laptop(9, "5CD2150ABD", location="IT office cupboard", status=S.IN_STORE,
            notes="Spare, for loans."),
    _laptop(10, "5CD2151BCE", location="IT office cupboard", status=S.IN_STORE,
            notes="Spare, for loans."),
    _laptop(11, "5CD2152CDF", location="IT office cupboard", status=S.IN_STORE,
            notes="Spare, for loans."),
    # Holds pupil data and is not encrypted: the duty shows it.
    DemoItem(K.LAPTOP, "Lenovo", "ThinkPad E14", "PF2A7K3M", "LS-L012",
             encryption=E.NONE, verified_days_ago=None, location="School office",
             systems=("SIMS",), notes="Old office laptop, used for admissions letters."),
    DemoItem(K.DESKTOP, "Dell", "OptiPlex 7010", "8HJ2K93", "LS-D001", location="Reception",
             systems=("SIMS",)),
    DemoItem(K.DESKTOP, "Dell", "OptiPlex 7010", "8HJ2K94", "LS-D002",
             location="School office", systems=("SIMS", "FMS")),
    DemoItem(K.DESKTOP, "Dell", "OptiPlex 7010", "8HJ2K95", "LS-D003",
             location="Business manager's office", systems=("FMS",)),
    DemoItem(K.DESKTOP, "Dell", "OptiPlex 7010", "8HJ2K96", "LS-D004",
             location="Headteacher's office", systems=("SIMS", "CPOMS")),
    DemoItem(K.DESKTOP, "Dell", "OptiPlex 3000", "9KL3M21", "LS-D005", personal_data=False,
             encryption=E.NONE, verified_days_ago=None, location="ICT suite",
             notes="Pupils' shared computer: signs in to no school system."),
    DemoItem(K.DESKTOP, "Dell", "OptiPlex 3000", "9KL3M22", "LS-D006", personal_data=None,
             encryption=E.UNKNOWN, verified_days_ago=None, location="Library"),
    DemoItem(K.SERVER, "Dell", "PowerEdge T340", "CN7QX42", "LS-S001",
             location="Server cupboard", systems=("SIMS", "FMS"),
             notes="File server and backups."),
    DemoItem(K.TABLET, "Apple", "iPad (9th generation)", "DMPX1A2B3C", "LS-T001",
             encryption=E.OTHER, person="Hannah Brooks", systems=("CPOMS",),
             notes="SENCo's iPad: device encryption with a passcode."),
    DemoItem(K.TABLET, "Apple", "iPad (9th generation)", "DMPX1A2B3D", "LS-T002",
             encryption=E.OTHER, location="Year 6 classroom"),
    DemoItem(K.TABLET, "Apple", "iPad (9th generation)", "DMPX1A2B3E", "LS-T003",
             personal_data=False, encryption=E.OTHER, location="Reception class"),
    DemoItem(K.TABLET, "Apple", "iPad (9th generation)", "DMPX1A2B3F", "LS-T004",
             personal_data=False, encryption=E.OTHER, location="Reception class"),
    DemoItem(K.PHONE, "Samsung", "Galaxy A54", "R58W30ABCD", "LS-P001", encryption=E.OTHER,
             location="School office", notes="School trips phone: parents' contact numbers."),
    DemoItem(K.PHONE, "Apple", "iPhone SE", "F2LZK1ABCD", "LS-P002", encryption=E.OTHER,
             person="Amara Osei", notes="Headteacher's phone."),
    DemoItem(K.PHONE, "Samsung", "Galaxy A14", "R58W31EFGH", "LS-P003", personal_data=None,
             encryption=E.UNKNOWN, verified_days_ago=None, location="Site office"),
    DemoItem(K.EXTERNAL_DRIVE, "WD", "My Passport 2TB", "WXA1EC7KX1", "LS-X001",
             location="Server cupboard", systems=("SIMS", "FMS"),
             notes="Weekly off-site backup copy."),
    # Holds exam and assessment data and is not encrypted: the duty shows it.
    DemoItem(K.EXTERNAL_DRIVE, "Seagate", "Expansion 1TB", "NAA5QX2P", "LS-X002",
             encryption=E.NONE, verified_days_ago=None, location="Assessment lead's desk",
             notes="Key stage 2 assessment spreadsheets."),
    DemoItem(K.EXTERNAL_DRIVE, "Seagate", "Expansion 1TB", "NAA5QX3R", "LS-X003",
             personal_data=None, encryption=E.UNKNOWN, verified_days_ago=None,
             location="Music room", notes="Found in a drawer; contents not checked yet."),
    DemoItem(K.USB_STICK, "Kingston", "IronKey Vault Privacy 50", "IKVP50A101", "LS-U001",
             encryption=E.OTHER, person="Sofia Novak", notes="Hardware-encrypted."),
    DemoItem(K.USB_STICK, "Kingston", "IronKey Vault Privacy 50", "IKVP50A102", "LS-U002",
             encryption=E.OTHER, person="Hannah Brooks", notes="Hardware-encrypted."),
    DemoItem(K.USB_STICK, "SanDisk", "Ultra 32GB", "4C531001", "LS-U003", personal_data=False,
             encryption=E.NONE, verified_days_ago=None, location="ICT suite",
             notes="For pupils' work only."),
    DemoItem(K.BACKUP_TAPE, "HPE", "LTO-7 Ultrium", "LTO7-000141", "LS-B001",
             encryption=E.OTHER, location="Fire safe", systems=("SIMS", "FMS")),
    DemoItem(K.BACKUP_TAPE, "HPE", "LTO-7 Ultrium", "LTO7-000142", "LS-B002",
             encryption=E.OTHER, location="Off-site at the trust office",
             systems=("SIMS", "FMS")),
    *(DemoItem(K.OTHER_MEDIA, "Seagate", "Barracuda 500GB hard drive", serial,
               encryption=E.BITLOCKER, verified_days_ago=800, location="IT office, locked case",
               status=S.AWAITING_DISPOSAL, systems=("SIMS",),
               notes="Taken out of an old office desktop (Dell OptiPlex 3020).")
      for serial in DISPOSAL_SERIALS),
]


def build_demo_inventory(ctx: DemoContext) -> None:
    school = ctx.schools.get(SCHOOL)
    if school is None:
        return
    today = timezone.localdate()
    systems = {system.name_key: system for system in
               System.objects.filter(school=school, archived_at__isnull=True)}
    wanted = {fold(spec.person) for spec in ITEMS if spec.person}
    people = {person.name_key: person for person in
              Person.objects.filter(school=school, name_key__in=wanted)}
    taken = set(Item.objects.filter(school=school).values_list("serial_key", flat=True))
    for spec in ITEMS:
        if serial_key(spec.serial_number) in taken:
            continue
        verified = (today - timedelta(days=spec.verified_days_ago)
                    if spec.verified_days_ago is not None else None)
        item_create(
            school=school, actor=None, kind=spec.kind, make=spec.make,
            model_name=spec.model_name, serial_number=spec.serial_number,
            asset_tag=spec.asset_tag, personal_data=spec.personal_data,
            encryption=spec.encryption, encryption_verified_on=verified,
            location=spec.location, assigned_to=people.get(fold(spec.person)),
            systems=[systems[fold(name)] for name in spec.systems if fold(name) in systems],
            status=spec.status, notes=spec.notes, **spec.extra)

"""The services the online security policy names, for a school to pick from.

Each entry says only what the policy says of the service (the seed policy,
``seed/online-security-policy.txt``): nothing about a supplier, a price or a feature that
the policy does not state. A school adds the entries it uses to its register
(``services.system_add_from_catalogue``) and records the rest itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from schoolkeep.lib.text import fold, tidy
from schoolkeep.systems.models import System

LGFL = "London Grid for Learning (LGfL)"

# How to send data with each channel the policy names, in plain words.
USO_FX2_HOW = (
    "Sign in to USO-FX2 with your own USO account, choose the receiving school from the"
    " London schools listed and upload the file. For a school outside London, use Egress.")
EGRESS_HOW = (
    "Send the file from Egress, never as an ordinary e-mail attachment: address it to the"
    " named person who needs it. The recipient opens it with their own Egress account or the"
    " code Egress sends them.")
S2S_HOW = (
    "Sign in to the DfE's S2S site with your own account, upload the CTF file and choose the"
    " school it goes to. Never send a CTF file by e-mail or on a memory stick.")
ANYCOMMS_HOW = (
    "Sign in to AnyComms with the school's own account and upload the CTF admissions file"
    " to the admissions team's area. Never send it by e-mail.")
AUTOUPDATE_HOW = (
    "Only to create online accounts for LGfL's broadband services: upload the list of"
    " users through AutoUpdate, signed in with your own USO account. Use it for nothing"
    " else.")
SECURE_EMAIL_HOW = (
    "Use the school's e-mail account, never a personal one. Give pupils' initials, not"
    " their names, wherever you can. Anything OFFICIAL-SENSITIVE goes by Egress instead, not"
    " as an attachment.")


@dataclass(frozen=True)
class PasswordSuggestion:
    """The password change cycle the policy asks of a service, offered when a school starts a
    cycle for it (``passwords:cycle-create``)."""

    name: str  # who it is for
    cadence: str  # a passwords.models.Cadence value
    every_days: int | None = None


@dataclass(frozen=True)
class CatalogueEntry:
    key: str
    name: str
    kind: str  # a System.Kind value
    description: str
    supplier: str = ""  # only when the policy names one
    hosting: str = ""  # only when the policy says where it is
    mfa_required: bool = False  # only when the policy says two-factor is used
    password_cycle: PasswordSuggestion | None = None  # only when the policy asks for one
    # An approved channel for sending data (the policy names it for transfers), with how to
    # use it in plain words: a new system made from the entry is marked so.
    transfer_channel: bool = False
    transfer_instructions: str = ""

    @property
    def kind_label(self) -> str:
        return str(System.Kind(self.kind).label)

    def system_fields(self) -> dict[str, object]:
        """The fields of a new System made from this entry."""
        return {
            "name": self.name, "supplier": self.supplier, "kind": self.kind,
            "description": self.description, "hosting": self.hosting,
            "mfa_required": self.mfa_required,
            "is_transfer_channel": self.transfer_channel,
            "transfer_instructions": self.transfer_instructions,
        }


CATALOGUE: tuple[CatalogueEntry, ...] = (
    CatalogueEntry(
        key="sims", name="SIMS", kind=System.Kind.MIS,
        description=(
            "The School Information Management System. The DBS checks of all staff and "
            "governors are recorded in one central record in SIMS. Admin staff change their "
            "SIMS password termly."
        ),
        password_cycle=PasswordSuggestion("Admin staff", "termly"),
    ),
    CatalogueEntry(
        key="fms", name="FMS", kind=System.Kind.FINANCE,
        description=(
            "The Financial Management System. Admin staff change their FMS password termly."
        ),
        password_cycle=PasswordSuggestion("Admin staff", "termly"),
    ),
    CatalogueEntry(
        key="uso", name="USO", kind=System.Kind.IDENTITY, supplier=LGFL,
        description=(
            "Unified Sign On. Admin nominated contacts change their USO password every 90 "
            "days."
        ),
        password_cycle=PasswordSuggestion("Nominated contacts", "every_n_days", 90),
    ),
    CatalogueEntry(
        key="uso-fx2", name="USO-FX2", kind=System.Kind.FILE_TRANSFER, supplier=LGFL,
        description=(
            "The LGfL Unified Sign On File Exchange, used to transfer other data to schools in "
            "London, such as references and reports of children."
        ),
        transfer_channel=True, transfer_instructions=USO_FX2_HOW,
    ),
    CatalogueEntry(
        key="cpoms", name="CPOMS", kind=System.Kind.SAFEGUARDING, mfa_required=True,
        description=(
            "The Child Protection Online Management System. Its records are accessed with "
            "two-factor authentication."
        ),
    ),
    CatalogueEntry(
        key="rav3", name="RAV3", kind=System.Kind.REMOTE_ACCESS,
        description=(
            "The approved remote access solution, so that teaching staff can access sensitive "
            "and other data stored on the school network from home, without transporting data "
            "on mobile storage devices or laptops out of the school."
        ),
    ),
    CatalogueEntry(
        key="rdp", name="RDP", kind=System.Kind.REMOTE_ACCESS,
        description="Remote Desktop Protocol, for remote access to the school network and systems.",
    ),
    CatalogueEntry(
        key="freedom2roam", name="Freedom2Roam", kind=System.Kind.REMOTE_ACCESS,
        supplier=LGFL, mfa_required=True,
        description="A remote access platform with two-factor authentication, offered by LGfL.",
    ),
    CatalogueEntry(
        key="egress", name="Egress", kind=System.Kind.FILE_TRANSFER,
        description=(
            "A secure file transfer system, used to send and receive sensitive or confidential "
            "data files."
        ),
        transfer_channel=True, transfer_instructions=EGRESS_HOW,
    ),
    CatalogueEntry(
        key="dfe-s2s", name="DfE S2S", kind=System.Kind.FILE_TRANSFER, supplier="DfE",
        description=(
            "The DfE's site for securely transferring CTF pupil data files to other schools."
        ),
        transfer_channel=True, transfer_instructions=S2S_HOW,
    ),
    CatalogueEntry(
        key="anycomms", name="AnyComms", kind=System.Kind.FILE_TRANSFER,
        description="A secure system for transferring CTF admissions data.",
        transfer_channel=True, transfer_instructions=ANYCOMMS_HOW,
    ),
    CatalogueEntry(
        key="autoupdate", name="AutoUpdate", kind=System.Kind.FILE_TRANSFER,
        supplier="Atomwide",
        description=(
            "Atomwide's AutoUpdate, the LGfL secure data transfer system, used to create online "
            "user accounts for access to broadband services."
        ),
        transfer_channel=True, transfer_instructions=AUTOUPDATE_HOW,
    ),
    CatalogueEntry(
        key="secure-email", name="Secure e-mail", kind=System.Kind.MESSAGING,
        description=(
            "The school's own e-mail, for transferring data or information where no other"
            " channel is named, using pupils' initials wherever possible."
        ),
        transfer_channel=True, transfer_instructions=SECURE_EMAIL_HOW,
    ),
    CatalogueEntry(
        key="jkcloud", name="JKCloud", kind=System.Kind.BACKUP, supplier="JKCloud",
        hosting="Off site, in JKCloud's high security data centres",
        description=(
            "Remote secure back-up for disaster recovery of the Admin and Curriculum Networks. "
            "External back-ups are encrypted and stored off site in JKCloud's high security "
            "data centres."
        ),
    ),
    CatalogueEntry(
        key="redstor", name="RedStor", kind=System.Kind.BACKUP, supplier="RedStor",
        description=(
            "Named in Appendix 1 as the owner of the secure remote back-up (disaster "
            "recovery), into which the Joskos technician has access to enter information."
        ),
    ),
)

BY_KEY: dict[str, CatalogueEntry] = {entry.key: entry for entry in CATALOGUE}

_ABBREVIATION = re.compile(r"^(?P<long>.+?)\s*\((?P<short>[^()]+)\)$")


def catalogue_entry(key: str) -> CatalogueEntry | None:
    return BY_KEY.get(key)


def transfer_channel_entries() -> list[CatalogueEntry]:
    """The catalogue's approved channels for sending data, in the catalogue's order."""
    return [entry for entry in CATALOGUE if entry.transfer_channel]


def password_suggestion(system: System) -> PasswordSuggestion | None:
    """The cycle the policy asks for this system: by its catalogue entry, else by its name."""
    entry = BY_KEY.get(system.catalogue_key or "")
    if entry is None:
        key = fold(system.name)
        entry = next((e for e in CATALOGUE if fold(e.name) == key), None)
    return None if entry is None else entry.password_cycle


def supplier_names() -> set[str]:
    """Every supplier and service the catalogue names, as written ("RedStor", "JKCloud",
    "London Grid for Learning (LGfL)"), with a supplier written as "Long name (SHORT)" also
    given as "Long name" and "SHORT". Compare with ``lib.text.fold`` on both sides."""
    names: set[str] = set()
    for entry in CATALOGUE:
        for name in (entry.name, entry.supplier):
            name = tidy(name)
            if not name:
                continue
            names.add(name)
            parts = _ABBREVIATION.match(name)
            if parts:
                names.update({parts["long"], parts["short"]})
    return names


def is_catalogue_supplier(name: str) -> bool:
    """True when ``name`` (in any case or spacing) is a supplier or service of the catalogue."""
    key = fold(name)
    return bool(key) and key in {fold(known) for known in supplier_names()}

"""The key contacts page: who to ask, and how to report an incident.

Later modules add sections (such as the information asset owners) by registering a callable::

    from schoolkeep.tenancy.contacts import ContactSection, register_contact_section

    @register_contact_section
    def asset_owners(school):
        return ContactSection(title="Information asset owners", people=[...])

Each callable receives the school and returns a section, or None to show nothing. It must
run a constant number of queries (one is best) whatever the size of the school.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from schoolkeep.audit.actions import register_action_labels
from schoolkeep.audit.services import audit_record, diff, snapshot
from schoolkeep.lib.errors import DomainError, StaleVersion
from schoolkeep.tenancy.guards import require_permission
from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.roles import Role
from schoolkeep.tenancy.selectors import active_role_holders

ACTION_LABELS = {
    "tenancy.school.contacts_changed": "Key contacts' telephone numbers changed",
}
# contacts is not a services* module: its label is registered when it is first imported.
register_action_labels(ACTION_LABELS)

CONTACT_FIELDS = ("dpo_phone", "siro_phone", "contact_hours")
CONTACT_HOURS_MAX = 300
# What may separate a telephone number's digits; a UK number is 0 and 9 or 10 more digits.
_SEPARATORS = re.compile(r"[\s\-().]")
_UK_NUMBER = re.compile(r"0\d{9,10}")


@dataclass(frozen=True)
class ContactPerson:
    name: str
    email: str
    note: str = ""  # e.g. which asset they own


@dataclass(frozen=True)
class ContactSection:
    title: str
    people: list[ContactPerson] = field(default_factory=list)
    description: str = ""
    empty_text: str = "Nobody yet."
    phone: str = ""  # the role's telephone number, from the school's settings

    @property
    def tel(self) -> str:
        return tel_uri(self.phone)


SectionProvider = Callable[[School], ContactSection | None]

_providers: list[SectionProvider] = []

# The roles every member should be able to find, in the order the page shows them.
KEY_ROLES: list[tuple[Role, str]] = [
    (Role.SIRO, "Senior Information Risk Owner (SIRO)"),
    (Role.DPO, "Data protection officer (DPO)"),
    (Role.DSL, "Designated safeguarding lead (DSL)"),
    (Role.IT_LEAD, "IT lead"),
]

DEFAULT_INCIDENT_INSTRUCTIONS = (
    "If you think personal data may have been lost, stolen, sent to the wrong person or seen "
    "by someone who should not see it, tell the data protection officer (DPO) and the SIRO "
    "straight away, the same day. Do not wait until you are sure and do not try to investigate "
    "it yourself. If a child may be at risk, tell the designated safeguarding lead as well. "
    "The school may have only 72 hours to tell the Information Commissioner's Office."
)


def register_contact_section(provider: SectionProvider) -> SectionProvider:
    """Add a section to the key contacts page (idempotent; usable as a decorator)."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def registered_sections() -> list[SectionProvider]:
    return list(_providers)


def key_role_sections(school: School) -> list[ContactSection]:
    """The SIRO, DPO, DSL and IT lead of a school, in one query."""
    holders = active_role_holders(school=school, roles=[role.value for role, _ in KEY_ROLES])
    phones = {Role.SIRO: school.siro_phone, Role.DPO: school.dpo_phone}
    return [
        ContactSection(
            title=title,
            people=[ContactPerson(name=user.full_name or user.email, email=user.email)
                    for user in holders[role.value]],
            empty_text="Nobody holds this role yet. Tell the SIRO.",
            phone=phones.get(role, ""),
        )
        for role, title in KEY_ROLES
    ]


def tel_uri(phone: str) -> str:
    """"tel:+441632960001" for a UK number as typed ("" for none), for a phone's dialler."""
    digits = _SEPARATORS.sub("", phone)
    if not digits:
        return ""
    return "tel:+44" + digits.removeprefix("+44").removeprefix("0")


def phone_numbers(school: School) -> list[tuple[str, str, str]]:
    """Whom to ring when something goes wrong, the DPO first, then the SIRO (those set):
    (who, the number as typed, its tel: address)."""
    numbers = [("Data protection officer (DPO)", school.dpo_phone),
               ("Senior Information Risk Owner (SIRO)", school.siro_phone)]
    return [(title, phone, tel_uri(phone)) for title, phone in numbers if phone]


def extra_sections(school: School) -> list[ContactSection]:
    sections = []
    for provider in _providers:
        section = provider(school)
        if section is not None:
            sections.append(section)
    return sections


def incident_instructions(school: School) -> tuple[str, bool]:
    """The school's own instructions, or the default text; and whether it is the default."""
    text = school.incident_reporting_instructions.strip()
    return (text, False) if text else (DEFAULT_INCIDENT_INSTRUCTIONS, True)


# ---------------------------------------------------------------- telephone numbers


def uk_phone(value: str, *, field: str, who: str) -> str:
    """A UK telephone number as typed, tidied ("01632 960 001", "+44 7700 900982"); "" when
    empty. Raises DomainError naming the field for anything that is not one."""
    text = " ".join((value or "").split())
    if not text:
        return ""
    digits = _SEPARATORS.sub("", text)
    if digits.startswith("+44"):
        digits = "0" + digits[3:].removeprefix("0")
    if len(text) > 32 or not _UK_NUMBER.fullmatch(digits):
        raise DomainError(f"Enter the {who}'s telephone number as a UK number, like "
                          "01632 960 001 or 07700 900 982.", field=field)
    return text


def school_update_contacts(*, school: School, actor: Any, version: int, dpo_phone: str,
                           siro_phone: str, contact_hours: str) -> School:
    """Change the key contacts' telephone numbers and when to reach them (school.settings;
    audited with before and after). Raises DomainError naming the field, StaleVersion when
    the settings changed since the form was opened; nothing is saved then."""
    values = {
        "dpo_phone": uk_phone(dpo_phone, field="dpo_phone", who="data protection officer"),
        "siro_phone": uk_phone(siro_phone, field="siro_phone", who="SIRO"),
        "contact_hours": " ".join((contact_hours or "").split()),
    }
    if len(values["contact_hours"]) > CONTACT_HOURS_MAX:
        raise DomainError(f"Say when and how to reach them in {CONTACT_HOURS_MAX} characters "
                          "or fewer.", field="contact_hours")
    with transaction.atomic():
        require_permission(school=school, actor=actor, permission="school.settings",
                           message="Only the school's SIRO can change its key contacts.")
        current = School.objects.select_for_update().get(pk=school.pk)
        if current.version != version:
            raise StaleVersion("Someone else changed these settings while you were editing. "
                               "The form now shows their changes; make yours again.")
        before = snapshot(current, CONTACT_FIELDS)
        for name, value in values.items():
            setattr(current, name, value)
        changes = diff(before, snapshot(current, CONTACT_FIELDS))
        if not changes:
            return current
        current.version += 1
        current.save(update_fields=[*CONTACT_FIELDS, "version"])
        audit_record(action="tenancy.school.contacts_changed", school=current, actor=actor,
                     target=current, changes=changes)
    return current

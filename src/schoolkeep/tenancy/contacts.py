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

from collections.abc import Callable
from dataclasses import dataclass, field

from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.roles import Role
from schoolkeep.tenancy.selectors import active_role_holders


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
    return [
        ContactSection(
            title=title,
            people=[ContactPerson(name=user.full_name or user.email, email=user.email)
                    for user in holders[role.value]],
            empty_text="Nobody holds this role yet. Tell the SIRO.",
        )
        for role, title in KEY_ROLES
    ]


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

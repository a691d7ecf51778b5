"""The information asset owners on the key contacts page: the policy asks that staff know
who the owners of the school's key information are."""

from __future__ import annotations

from schoolkeep.assets.selectors import asset_owners
from schoolkeep.tenancy.contacts import ContactPerson, ContactSection
from schoolkeep.tenancy.models import School


def asset_owner_section(school: School) -> ContactSection | None:
    """The people and outside organisations owning the school's current assets, each with
    the groups of the register their assets are in. One query."""
    owners = asset_owners(school)
    people = []
    for owner in owners:
        groups = ", ".join(owner.groups)
        note = f"outside organisation; {groups}" if owner.is_organisation else groups
        if owner.is_organisation and owner.contact:
            note = f"{note}; contact: {' '.join(owner.contact.split())}"
        people.append(ContactPerson(name=owner.name, email=owner.email, note=note))
    return ContactSection(
        title="Information asset owners", people=people,
        description="Ask the owner of the information about who may see, change or share it.",
        empty_text="No information asset has an owner yet.",
    )

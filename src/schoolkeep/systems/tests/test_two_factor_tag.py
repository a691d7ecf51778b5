"""The two-factor tag of a system follows the coverage rules (``access.coverage.rules``), as
the duties that link to the system's page: remote access without two-factor is a high risk;
a system that needs two-factor (required, or holding OFFICIAL-SENSITIVE data) without it is
red and "needed", never "not required"."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.assets.models import Classification
from schoolkeep.systems import selectors, status
from schoolkeep.systems.models import System
from schoolkeep.systems.tests.records import make_asset, make_system

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]


def read(personas: Personas, system: System) -> System:
    """The system as its page reads it (its current assets prefetched)."""
    return selectors.system_for_page(school=personas.school, public_id=system.public_id)


def test_the_tag_says_what_the_duties_say(personas: Personas) -> None:
    rdp = make_system(personas, "RDP", kind=System.Kind.REMOTE_ACCESS)
    gateway = make_system(personas, "Gateway", remote_access_method="RDP over the internet")
    required = make_system(personas, "FMS", mfa_required=True)
    holding = make_system(personas, "CPOMS")
    make_asset(personas.school, "Safeguarding records", holding,
               classification=Classification.OFFICIAL_SENSITIVE)
    archived = make_asset(personas.school, "Old records", required,
                          classification=Classification.OFFICIAL_SENSITIVE)
    archived.archived_at = archived.created_at
    archived.save(update_fields=["archived_at"])
    plain = make_system(personas, "Website")
    secured = make_system(personas, "Secure RDP", kind=System.Kind.REMOTE_ACCESS,
                          mfa_enabled=True)
    tags = {s.name: status.mfa_tag(read(personas, s))
            for s in (rdp, gateway, required, holding, plain, secured)}
    assert {name: (tag.text, tag.colour, tag.need) for name, tag in tags.items()} == {
        "RDP": ("High risk: no two-factor", "red", "Needed (remote access)"),
        "Gateway": ("High risk: no two-factor", "red", "Needed (remote access)"),
        "FMS": ("Two-factor required but not on", "red",
                "Needed (the school requires it)"),
        "CPOMS": ("Two-factor needed, not on", "red",
                  "Needed (holds OFFICIAL-SENSITIVE data)"),
        "Website": ("No two-factor", "grey", "Not required"),
        "Secure RDP": ("Two-factor on", "green", "Needed (remote access)"),
    }


def test_the_page_of_a_remote_access_system_calls_it_a_high_risk(personas: Personas,
                                                                  login: Login) -> None:
    rdp = make_system(personas, "RDP", kind=System.Kind.REMOTE_ACCESS)
    holding = make_system(personas, "CPOMS")
    make_asset(personas.school, "Safeguarding records", holding,
               classification=Classification.OFFICIAL_SENSITIVE)
    client = login(personas.auditor)
    page = client.get(reverse("systems:system-detail", args=[rdp.public_id])).content.decode()
    assert "High risk: no two-factor" in page and "tag-red" in page
    assert "Needed (remote access), not on" in page and "Not required" not in page
    page = client.get(reverse("systems:system-detail", args=[holding.public_id])
                      ).content.decode()
    assert "Two-factor needed, not on" in page
    assert "Needed (holds OFFICIAL-SENSITIVE data), not on" in page
    assert "Not required" not in page


def test_the_list_tags_remote_access_as_a_high_risk(personas: Personas, login: Login) -> None:
    make_system(personas, "RDP", kind=System.Kind.REMOTE_ACCESS)
    make_system(personas, "Website")
    page = login(personas.auditor).get(reverse("systems:system-list")).content.decode()
    assert page.index("High risk: no two-factor") < page.index("No two-factor</strong>")

"""Every link on the dashboard opens for whoever is shown it: a duty whose page needs a
permission the viewer lacks (``Duty.permission``, ``Duty.oversight_permission``) is shown
as words. Each role of the test school, and the trust administrator, with a member who has
not set up two-factor sign-in (their page is for who manages members) and the year's term
dates not entered (their page is for who manages the calendar)."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolkeep.tenancy.roles import roles_allow

from .conftest import make_member

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("duties:dashboard")
MFA = "Set up two-factor sign-in"


def _links(page: str) -> list[tuple[str, str]]:
    main = page[page.index("<main"):page.index("</main>")]
    return [(html.unescape(href), " ".join(re.sub(r"<[^>]+>", " ", name).split()))
            for href, name in re.findall(r'<a [^>]*href="([^"]*)"[^>]*>(.*?)</a>', main, re.S)]


@pytest.mark.parametrize("persona", ["siro", "dpo", "auditor", "governor", "staff",
                                     "business_manager", "trust_admin"])
def test_every_dashboard_link_opens(personas, client, persona):
    make_member(personas.school, ["iao"], created_at=timezone.now() - timedelta(days=30),
                full_name="Nadia Noauth")
    user = personas.users[persona]
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    client.post(reverse("tenancy:school-switch"), {"school": personas.school.slug})
    page = client.get(DASHBOARD).content.decode()
    links = _links(page)
    refused = {href: client.get(href).status_code for href, _name in links
               if href.startswith("/")}
    assert {href: status for href, status in refused.items() if status != 200} == {}
    # The owner is the record: named once in the link's words.
    mfa_links = [href for href, name in links if name == f"{MFA} : Nadia Noauth"]
    if persona in {"siro", "auditor"}:
        assert "Nadia Noauth" in page  # who oversees members sees the duty...
    if persona == "trust_admin" or "Nadia Noauth" not in page:
        return  # a trust's member: their roles come from the trust, not the school's list
    # ... as a link only when they may open the member's page.
    manages = roles_allow(frozenset({persona}), "members.manage")
    assert mfa_links == ([reverse("tenancy:member-edit", args=[_member_id(personas)])]
                         if manages else [])


def _member_id(personas):
    return personas.school.memberships.get(user__full_name="Nadia Noauth").public_id

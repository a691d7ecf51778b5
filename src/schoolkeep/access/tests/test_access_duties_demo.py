"""The demo raises every kind of access duty at Larkspur, each to its owner, and the
coverage pages show its gaps: RDP first (remote access without two-factor), then SIMS."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolkeep.access.duties import ADMIN_DBS, ADMIN_MFA, REMOTE, SHARED, SYSTEM, UNMATCHED
from schoolkeep.accounts.models import User
from schoolkeep.duties.selectors import duties_for_school
from schoolkeep.tenancy.models import School

# Each test finds the demo built once (tests/fixtures_demo.py) and rolls back its own writes.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_demo")]


def test_the_demo_raises_each_kind_and_the_pages_show_the_gaps(client):
    larkspur = School.objects.get(slug="larkspur")
    found = [d for d in duties_for_school(larkspur, timezone.now()) if d.module == "access"]
    subjects = {(d.key.split(":")[0], d.subject) for d in found}
    assert {(REMOTE, "RDP"), (SYSTEM, "SIMS"), (ADMIN_DBS, "Daniel Price"),
            (UNMATCHED, "r.hale on SIMS"), (SHARED, "office on SIMS"),
            (ADMIN_MFA, "aosei-admin on CPOMS")} <= subjects
    # One fact, one duty: the administrator accounts without two-factor on RDP and SIMS
    # (Tom Whitfield's, Sofia Novak's) are answered by turning it on for the system, which is
    # that system's duty; they raise no account duty of their own.
    assert not any(kind == ADMIN_MFA and subject.endswith((" on RDP", " on SIMS"))
                   for kind, subject in subjects)
    it_lead = User.objects.get(email="it.lead@larkspur.example")
    siro = User.objects.get(email="siro@larkspur.example")
    for duty in found:
        assert duty.subject not in duty.title
        owner = siro if duty.key.startswith(ADMIN_DBS) else it_lead
        assert duty.owner_user_ids == (owner.pk,), duty.key
    assert not any(d.key.startswith("assets.system-logoff") and d.subject == "JKCloud"
                   for d in duties_for_school(larkspur, timezone.now()))
    client.force_login(it_lead, backend="allauth.account.auth_backends.AuthenticationBackend")
    page = client.get(reverse("access:two-factor")).content.decode()
    assert page.index(">RDP</a>") < page.index(">SIMS</a>") < page.index(">CPOMS</a>")
    admins = client.get(reverse("access:administrators")).content.decode()
    assert admins.index("Daniel Price") < admins.index("Grace Adeyemi")

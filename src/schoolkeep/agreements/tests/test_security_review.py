"""Security review of the agreements app: each test proves a problem that was found (and is
now fixed), or pins a boundary that the review checked."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from tests.matrix_parts.kiosk import published_aup as kiosk_aup
from tests.matrix_parts.kiosk import set_kiosk_pin
from tests.matrix_parts.links import make_parent, published_aup
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.agreements.aups.models import Audience, Signature, SigningLink
from schoolkeep.agreements.parents.services import parent_update
from schoolkeep.agreements.policies.models import PolicyVersion
from schoolkeep.agreements.policies.services import (
    policy_create,
    version_add,
    version_send_for_review,
)
from schoolkeep.agreements.signing.links.services import link_issue
from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.sealing import open_event
from schoolkeep.lib.errors import NotAllowed

Login = Callable[[User], Client]


# --- a read-only member who owns a policy must not write ----------------------------------


def test_an_auditor_who_owns_a_policy_cannot_send_it_for_review(personas: Personas,
                                                                login: Login) -> None:
    """roles.py: auditors only read, and get 403 on every write. The owner check let an
    auditor chosen as a policy's owner send its draft to the governors."""
    policy = policy_create(school=personas.school, actor=personas.siro, title="Owned Policy",
                           owner=personas.auditor)
    draft = version_add(policy=policy, actor=personas.siro, text="The text.")
    response = login(personas.auditor).post(
        reverse("policies:version-send", args=[draft.public_id]))
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == PolicyVersion.Status.DRAFT
    with pytest.raises(NotAllowed):
        version_send_for_review(version=draft, actor=personas.auditor, notify=False)


def test_a_staff_owner_may_still_send_their_policy_for_review(personas: Personas,
                                                               login: Login) -> None:
    policy = policy_create(school=personas.school, actor=personas.siro, title="Staff Policy",
                           owner=personas.staff)
    draft = version_add(policy=policy, actor=personas.siro, text="The text.")
    response = login(personas.staff).post(
        reverse("policies:version-send", args=[draft.public_id]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == PolicyVersion.Status.IN_REVIEW


# --- a parent's corrected e-mail address revokes the links sent to the old one ---------------


def test_changing_a_parents_email_revokes_their_unused_links(personas: Personas,
                                                             client: Client) -> None:
    """A link e-mailed to a wrong address kept working after the school corrected it: whoever
    received it could sign in the parent's name until it expired (up to a year)."""
    aup = published_aup(personas)
    parent = make_parent(personas, "Pat Parent", "pat@wrong.example")
    link, token = link_issue(aup=aup, actor=personas.business_manager, channel="email",
                             parent=parent)
    parent_update(parent=parent, actor=personas.business_manager, version=parent.version,
                  full_name="Pat Parent", email="pat@right.example")
    link.refresh_from_db()
    assert link.revoked_at is not None
    response = client.post(reverse("signing:sign", args=[token]),
                           {"typed_name": "Pat Parent", "agreed": "on"})
    assert response.status_code == 410
    assert not Signature.objects.filter(link=link).exists()
    event = AuditEvent.objects.filter(action="agreements.parent.updated").latest("pk")
    # The event is about the parent, so its values are sealed: read them opened.
    changes = open_event(event).changes
    assert changes.get("signing_links_revoked") == 1
    assert token not in str(changes)
    assert token not in str(event.changes)


def test_changing_only_a_parents_classes_keeps_their_link(personas: Personas) -> None:
    aup = published_aup(personas)
    parent = make_parent(personas, "Kim Parent", "kim@example.com", classes="Year 3")
    link, _ = link_issue(aup=aup, actor=personas.business_manager, channel="email",
                         parent=parent)
    parent_update(parent=parent, actor=personas.business_manager, version=parent.version,
                  full_name="Kim Parent", email="kim@example.com", classes="Year 4")
    link.refresh_from_db()
    assert link.revoked_at is None


# --- boundaries checked: these hold -----------------------------------------------------------


@pytest.mark.parametrize("path", [
    "/agreements/", "/policies/", "/api/v1/aups?school=oakfield", "/accounts/login/",
    "/sign/" + "a" * 43, "/kiosk/open/00000000-0000-0000-0000-000000000000/",
    "/static/../agreements/",
])
def test_a_kiosk_session_reaches_only_the_kiosk(personas: Personas, login: Login,
                                                path: str) -> None:
    aup = kiosk_aup(personas.school, Audience.VISITORS)
    set_kiosk_pin(personas.school)
    client = login(personas.staff)
    assert client.post(reverse("kiosk:start", args=[aup.public_id])).status_code == 302
    response = client.get(path)
    assert response.status_code in (302, 404)
    if response.status_code == 302:
        assert response["Location"] == reverse("kiosk:page")


def test_a_link_of_one_school_never_opens_another(personas: Personas, client: Client) -> None:
    aup = published_aup(personas)
    parent = make_parent(personas, "Pat Parent", "pat@example.com")
    link, token = link_issue(aup=aup, actor=personas.business_manager, channel="email",
                             parent=parent)
    assert SigningLink.objects.get(pk=link.pk).token_hash != token
    assert token not in str(list(AuditEvent.objects.values_list("changes", flat=True)))
    response = client.post(reverse("signing:sign", args=[token]),
                           {"typed_name": "Pat Parent", "agreed": "on"})
    assert response.status_code == 200
    signature = Signature.objects.get(link=link)
    assert signature.school_id == personas.school.pk == signature.aup.school_id

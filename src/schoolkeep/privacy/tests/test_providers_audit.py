"""An erased person's name and e-mail leave the audit trail too: the events about them
(membership, sign-in failures and lockouts, a visitor's kiosk entry) are sealed under their
own key, forgotten with them; a system's administrators are kept by public id, never name."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from tests.factories import UserFactory

from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.sealing import open_event
from schoolkeep.people.models import Person, PersonKind
from schoolkeep.privacy.erasure.runner import run_erasure
from schoolkeep.privacy.tests.erasure_support import make_leaver

pytestmark = pytest.mark.django_db


def _events_with(needle: str) -> list[tuple[str, str]]:
    """Events whose stored or opened label or changes still read ``needle``."""
    found = []
    for event in AuditEvent.objects.all():
        opened = open_event(event)
        text = (event.target_label + str(event.changes) + opened.target_label
                + str(opened.changes)).lower()
        if needle.lower() in text:
            found.append((event.action, event.target_label))
    return found


def test_membership_and_sign_in_events_of_an_erased_leaver_lose_their_name_and_email(
        personas) -> None:
    from schoolkeep.accounts.signals import _login_failed
    from schoolkeep.tenancy.roles import Role
    from schoolkeep.tenancy.services import membership_create

    school = personas.school
    user = UserFactory(email="gone.leaver@oakfield.example", full_name="Gwendolyn Gone")
    membership_create(school=school, user=user, roles=[Role.STAFF], actor=personas.hr_admin)
    _login_failed(sender=None, credentials={"email": "gone.leaver@oakfield.example"})
    _login_failed(sender=None, credentials={"email": "nobody.here@oakfield.example"})
    # While the member is on record, the events read their e-mail (opened with their key).
    assert _events_with("gone.leaver")
    assert _events_with("nobody.here") == []  # an address with no account is not kept
    Person.objects.create(school=school, full_name="Gwendolyn Gone", name_key="gwendolyn gone",
                          email="gone.leaver@oakfield.example", kind=PersonKind.SUPPORT,
                          leaving_date=date(2010, 8, 31), user=user)

    assert run_erasure(school).erased_count >= 1

    assert _events_with("gone.leaver") == []
    assert _events_with("Gwendolyn") == []


def test_a_systems_administrators_are_audited_by_public_id_not_name(personas) -> None:
    from schoolkeep.systems.services import system_create

    leaver = make_leaver(personas.school, name="Ottoline Fairweather",
                         actor=personas.hr_admin)
    system_create(school=personas.school, actor=personas.siro, name="MIS",
                  administrators=[leaver])
    event = AuditEvent.objects.get(action="systems.system.created")
    assert event.changes["administrators"]["after"] == [str(leaver.public_id)]

    run_erasure(personas.school)

    assert not Person.objects.filter(pk=leaver.pk).exists()
    assert _events_with("Fairweather") == []


def test_a_visitors_kiosk_entry_leaves_the_audit_trail_when_it_is_erased(personas) -> None:
    from schoolkeep.agreements.erasure import signatures
    from schoolkeep.agreements.models import Aup, AupVersion, Kiosk
    from schoolkeep.agreements.signing.services import signature_create

    school = personas.school
    aup = Aup.objects.create(school=school, audience="visitors", title="Visitors AUP",
                             current_number=1)
    AupVersion.objects.create(school=school, aup=aup, number=1, text="Be kind.",
                              content_hash="h" * 64, published_at=timezone.now())
    kiosk = Kiosk.objects.create(school=school, aup=aup, opened_by_label="Reception",
                                 opened_at=timezone.now())
    entry = signature_create(aup=aup, method="kiosk", typed_name="Vera Visitorson",
                             visiting="The office", kiosk=kiosk,
                             signed_at=timezone.now() - timedelta(days=365 * 10))
    assert _events_with("Visitorson")  # readable while the entry is kept

    run_erasure(school)

    assert not signatures().filter(pk=entry.pk).exists()
    assert _events_with("Visitorson") == []

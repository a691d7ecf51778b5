"""Signing in the application, who is up to date after each kind of version, and that a
signature is never changed."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.agreements.aups.audience import signer_has_signed, signers
from schoolkeep.agreements.aups.models import (
    Audience,
    Aup,
    AupVersion,
    Signature,
    SignatureRefused,
    SigningMethod,
)
from schoolkeep.agreements.aups.services import (
    aup_sign_in_app,
    aups_set_up,
    draft_save,
    version_publish,
)
from schoolkeep.audit.models import AuditEvent
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.people.models import Person
from schoolkeep.people.services import person_create, person_link_account


def published(personas: Personas, audience: str = Audience.STAFF) -> Aup:
    aup = next(a for a in aups_set_up(school=personas.school, actor=personas.siro)
               if a.audience == audience)
    version_publish(draft=AupVersion.objects.get(aup=aup), actor=personas.siro,
                    requires_everyone_to_sign=True)
    aup.refresh_from_db()
    return aup


def publish_next(aup: Aup, actor: Any, *, everyone: bool) -> Aup:
    draft = draft_save(aup=aup, actor=actor, text=f"Version after {aup.current_number}")
    version_publish(draft=draft, actor=actor, requires_everyone_to_sign=everyone)
    aup.refresh_from_db()
    return aup


def linked_person(personas: Personas, user: Any, kind: str = "teaching") -> Person:
    person = person_create(school=personas.school, actor=personas.siro,
                           full_name=user.full_name, kind=kind)
    return person_link_account(person=person, actor=personas.siro, user=user)


def test_member_signs_their_aup_in_the_app(personas: Personas) -> None:
    aup = published(personas)
    person = linked_person(personas, personas.staff)
    signature = aup_sign_in_app(aup=aup, user=personas.staff, typed_name=" Staff  Person ",
                                agreed=True, ip_address="203.0.113.7")
    assert signature.method == SigningMethod.IN_APP
    assert (signature.person, signature.user) == (person, personas.staff)
    assert signature.typed_name == "Staff Person" and signature.ip_address == "203.0.113.7"
    assert signature.aup_version.number == 1
    assert signature.content_hash == signature.aup_version.content_hash
    assert signer_has_signed(aup=aup, person=person)
    event = AuditEvent.objects.get(action="agreements.signature.created")
    assert event.actor_id == personas.staff.pk


def test_member_without_person_record_signs_by_their_roles(personas: Personas) -> None:
    staff_aup = published(personas)
    governors_aup = published(personas, Audience.GOVERNORS)
    aup_sign_in_app(aup=governors_aup, user=personas.governor, typed_name="Gov", agreed=True)
    aup_sign_in_app(aup=staff_aup, user=personas.dsl, typed_name="Dee Esel", agreed=True,
                    ip_address="not an address")
    signature = Signature.objects.get(user=personas.dsl)
    assert signature.person is None and signature.ip_address is None
    assert signer_has_signed(aup=governors_aup, user=personas.governor)


def test_wrong_audience_is_refused(personas: Personas) -> None:
    staff_aup = published(personas)
    governors_aup = published(personas, Audience.GOVERNORS)
    with pytest.raises(DomainError) as error:
        aup_sign_in_app(aup=staff_aup, user=personas.governor, typed_name="Gov", agreed=True)
    assert error.value.field == "aup"
    # The person record decides over the roles: a governor by kind signs the governors' AUP.
    linked_person(personas, personas.hr_admin, kind="governor")
    with pytest.raises(DomainError):
        aup_sign_in_app(aup=staff_aup, user=personas.hr_admin, typed_name="H R", agreed=True)
    aup_sign_in_app(aup=governors_aup, user=personas.hr_admin, typed_name="H R", agreed=True)
    assert Signature.objects.count() == 1


def test_not_agreed_is_refused(personas: Personas) -> None:
    aup = published(personas)
    for agreed in (False, None, "yes"):
        with pytest.raises(DomainError) as error:
            aup_sign_in_app(aup=aup, user=personas.staff, typed_name="Staff Person",
                            agreed=agreed)  # type: ignore[arg-type]
        assert error.value.field == "agreed"
    with pytest.raises(DomainError) as error:
        aup_sign_in_app(aup=aup, user=personas.staff, typed_name=" ", agreed=True)
    assert error.value.field == "typed_name"
    assert not Signature.objects.exists()


@pytest.mark.parametrize("persona", ["auditor", "trust_admin", "outsider"])
def test_who_may_not_sign_is_refused(personas: Personas, persona: str) -> None:
    aup = published(personas)
    with pytest.raises(NotAllowed):
        aup_sign_in_app(aup=aup, user=personas.users[persona], typed_name="A Person",
                        agreed=True)
    assert not Signature.objects.exists()


def test_an_unpublished_aup_cannot_be_signed(personas: Personas) -> None:
    aups_set_up(school=personas.school, actor=personas.siro)
    aup = Aup.objects.get(audience=Audience.STAFF)
    with pytest.raises(DomainError) as error:
        aup_sign_in_app(aup=aup, user=personas.staff, typed_name="Staff Person", agreed=True)
    assert error.value.field == "aup"


def has_signed_by_name(aup: Aup) -> dict[str, bool]:
    return {p.full_name: p.has_signed for p in signers(aup=aup, today=timezone.localdate())}


def test_major_version_makes_everyone_unsigned_and_minor_does_not(personas: Personas) -> None:
    aup = published(personas)
    linked_person(personas, personas.staff)
    linked_person(personas, personas.it_lead, kind="support")
    aup_sign_in_app(aup=aup, user=personas.staff, typed_name="Staff Person", agreed=True)
    aup_sign_in_app(aup=aup, user=personas.it_lead, typed_name="I T Lead", agreed=True)
    assert set(has_signed_by_name(aup).values()) == {True}

    aup = publish_next(aup, personas.siro, everyone=False)  # version 2, minor
    assert set(has_signed_by_name(aup).values()) == {True}
    # Someone new must sign, and signs the current version.
    newcomer = linked_person(personas, personas.data_admin, kind="agency")
    assert has_signed_by_name(aup)[newcomer.full_name] is False
    signature = aup_sign_in_app(aup=aup, user=personas.data_admin, typed_name="Data Admin",
                                agreed=True)
    assert signature.aup_version.number == 2
    assert set(has_signed_by_name(aup).values()) == {True}

    aup = publish_next(aup, personas.siro, everyone=True)  # version 3, major
    assert set(has_signed_by_name(aup).values()) == {False}
    again = aup_sign_in_app(aup=aup, user=personas.staff, typed_name="Staff Person",
                            agreed=True)
    assert again.aup_version.number == 3
    assert has_signed_by_name(aup)[personas.staff.full_name] is True
    assert has_signed_by_name(aup)[personas.it_lead.full_name] is False


def test_leavers_and_people_off_the_network_are_not_asked(personas: Personas) -> None:
    aup = published(personas)
    person_create(school=personas.school, actor=personas.siro, full_name="Off Network",
                  kind="contractor", uses_school_network=False)
    from schoolkeep.people.services import person_mark_leaver
    gone = person_create(school=personas.school, actor=personas.siro, full_name="Gone Away",
                         kind="support", start_date=date(2020, 1, 6))
    person_mark_leaver(person=gone, actor=personas.siro, leaving_date=date(2021, 7, 20))
    assert "Off Network" not in has_signed_by_name(aup)
    assert "Gone Away" not in has_signed_by_name(aup)


def test_a_signature_is_never_changed_only_superseded(personas: Personas) -> None:
    aup = published(personas)
    first = aup_sign_in_app(aup=aup, user=personas.staff, typed_name="Staff Person",
                            agreed=True)
    first.typed_name = "Someone Else"
    with pytest.raises(SignatureRefused):
        first.save()
    with pytest.raises(SignatureRefused):
        first.delete()
    with pytest.raises(SignatureRefused):
        Signature.objects.filter(pk=first.pk).update(typed_name="Someone Else")
    with pytest.raises(SignatureRefused):
        Signature.objects.filter(pk=first.pk).delete()
    # Signing again (the service path) adds a signature; the first stays as it was.
    second = aup_sign_in_app(aup=aup, user=personas.staff, typed_name="Staff P. Person",
                             agreed=True)
    assert second.pk != first.pk
    stored = Signature.objects.get(pk=first.pk)
    assert stored.typed_name == "Staff Person" and stored.signed_at == first.signed_at
    assert Signature.objects.count() == 2

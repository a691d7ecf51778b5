"""The agreements provider: a person's signatures (with their scans), links and reminders go
with them; former parents, ended signing links and visitors' kiosk entries go once their
period has run, each once, with a tombstone."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from schoolkeep.accounts.erasure import own_period
from schoolkeep.agreements.erasure import signatures
from schoolkeep.agreements.models import (
    Aup,
    AupVersion,
    Kiosk,
    Parent,
    Reminder,
    Signature,
    SigningLink,
)
from schoolkeep.agreements.signing.paper.services import scans_dir
from schoolkeep.privacy.erasure.models import Tombstone
from schoolkeep.privacy.erasure.registry import provider
from schoolkeep.privacy.schedule import keys
from schoolkeep.privacy.tests.providers_support import NOW, erase, make_person

pytestmark = pytest.mark.django_db


def _aup(school: Any) -> tuple[Aup, AupVersion]:
    aup = Aup.objects.create(school=school, audience="staff", title="Staff AUP")
    version = AupVersion.objects.create(school=school, aup=aup, number=1, text="Be kind.",
                                        content_hash="h" * 64)
    return aup, version


def _sign(aup: Aup, version: AupVersion, *, when: datetime | None = None,
          **who: Any) -> Signature:
    return Signature.objects.create(school=aup.school, aup=aup, aup_version=version,
                                    content_hash=version.content_hash, method="in_app",
                                    typed_name=who.pop("typed_name", "Someone"),
                                    signed_at=when or timezone.now(), **who)


def _link(aup: Aup, token: str, *, expires: datetime | None = None, **who: Any) -> SigningLink:
    return SigningLink.objects.create(school=aup.school, aup=aup, token_hash=token,
                                      channel="email",
                                      expires_at=expires or timezone.now() + timedelta(days=7),
                                      **who)


def _before(latest) -> datetime:
    """An instant on the day before ``latest``: its period has run."""
    return timezone.make_aware(datetime.combine(latest - timedelta(days=1), time(12)))


def _after(latest) -> datetime:
    return timezone.make_aware(datetime.combine(latest + timedelta(days=1), time(12)))


def test_erasing_a_person_removes_their_signatures_links_reminders_and_scan(
        personas, django_capture_on_commit_callbacks) -> None:
    aup, version = _aup(personas.school)
    person = make_person(personas.school)
    other = make_person(personas.school, name="Kept Colleague", email="kept@oakfield.example")
    folder = scans_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "scan123.pdf").write_bytes(b"%PDF-1.7 scan")
    link = _link(aup, "t1", person=person)
    _sign(aup, version, person=person, link=link, scan_name="scan123.pdf",
          typed_name="Bartholomew Quince")
    _sign(aup, version, user=person.user)  # signed as a member, before a person record
    Reminder.objects.create(school=personas.school, aup=aup, person=person, channel="email",
                            sent_at=timezone.now(), link=link)
    kept = _sign(aup, version, person=other, recorded_by_label="Bartholomew Quince")
    _link(aup, "t2", person=other, created_by_label="Bartholomew Quince")
    Kiosk.objects.create(school=personas.school, aup=aup, opened_by=person.user,
                         opened_by_label="Bartholomew Quince", opened_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        erase("agreements", personas.school, person)

    assert not signatures().filter(person=person).exists()
    assert not signatures().filter(user=person.user).exists()
    assert not SigningLink.objects.filter(person=person).exists()
    assert not Reminder.objects.filter(person=person).exists()
    assert not (folder / "scan123.pdf").exists()
    # The colleague's signature and link stay, without the leaver's name as recorder.
    kept.refresh_from_db()
    assert kept.recorded_by_label == "" and kept.typed_name == "Someone"
    assert SigningLink.objects.get(token_hash="t2").created_by_label == ""
    kiosk = Kiosk.objects.get()
    assert kiosk.opened_by_id is None and kiosk.opened_by_label == ""


def test_former_parents_past_their_period_are_erased_once(personas) -> None:
    school = personas.school
    aup, version = _aup(school)
    _, latest = own_period(school, keys.OWN_PARENTS, NOW.date())
    gone = Parent.objects.create(school=school, full_name="Petra Parent", name_key="petra parent",
                                 email="petra@home.example", archived_at=_before(latest))
    recent = Parent.objects.create(school=school, full_name="Recent Parent",
                                   name_key="recent parent", archived_at=_after(latest))
    current = Parent.objects.create(school=school, full_name="Current Parent",
                                    name_key="current parent")
    _sign(aup, version, parent=gone, typed_name="Petra Parent")
    _link(aup, "p1", parent=gone)
    agreements = provider("agreements")

    due = agreements.due(school, today=NOW.date(), limit=50)
    parents = [item for item in due if item.model_label == "agreements.parent"]
    assert [item.pk for item in parents] == [gone.pk]
    assert "Petra" not in parents[0].description
    assert agreements.holds(school, parents) == {}

    agreements.erase(school, parents, now=NOW)

    assert not Parent.objects.filter(pk=gone.pk).exists()
    assert not signatures().filter(parent_id=gone.pk).exists()
    assert not SigningLink.objects.filter(parent_id=gone.pk).exists()
    assert set(Parent.objects.values_list("pk", flat=True)) == {recent.pk, current.pk}
    # The runner writes the tombstones and the ledger, never the provider.
    assert not Tombstone.objects.exists()
    assert agreements.erase(school, parents, now=NOW) == 0  # erased already: skipped
    assert not [i for i in agreements.due(school, today=NOW.date(), limit=50)
                if i.model_label == "agreements.parent"]


def test_ended_signing_links_go_and_a_kept_signature_keeps_its_link(personas) -> None:
    school = personas.school
    aup, version = _aup(school)
    person = make_person(school)
    _, latest = own_period(school, keys.OWN_SIGNING_LINKS, NOW.date())
    used = _link(aup, "u1", person=person, expires=_after(latest) + timedelta(days=30))
    SigningLink.objects.filter(pk=used.pk).update(used_at=_before(latest))
    signature = _sign(aup, version, person=person, link=used)
    expired = _link(aup, "e1", person=person, expires=_before(latest))
    live = _link(aup, "l1", person=person)
    agreements = provider("agreements")

    links = [i for i in agreements.due(school, today=NOW.date(), limit=50)
             if i.model_label == "agreements.signinglink"]
    # The used link stays while the signature made through it is kept: erasing it must
    # not change a kept signature.
    assert [i.pk for i in links] == [expired.pk]

    agreements.erase(school, links, now=NOW)

    assert set(SigningLink.objects.values_list("pk", flat=True)) == {live.pk, used.pk}
    signature.refresh_from_db()
    assert signature.link_id == used.pk and signature.person_id == person.pk
    # Listed by an older run, the used link is still not deleted (nor its signature changed).
    agreements.erase(school, [replace(links[0], pk=used.pk)], now=NOW)
    signature.refresh_from_db()
    assert signature.link_id == used.pk


def test_visitors_kiosk_entries_past_their_period_go_and_staff_signatures_stay(
        personas) -> None:
    school = personas.school
    aup, version = _aup(school)
    person = make_person(school)
    kiosk = Kiosk.objects.create(school=school, aup=aup, opened_by_label="Reception",
                                 opened_at=timezone.now())
    _, latest = own_period(school, keys.OWN_KIOSK, NOW.date())
    old_visitor = _sign(aup, version, kiosk=kiosk, typed_name="Vera Visitor",
                        organisation="Plumbers Ltd", when=_before(latest))
    new_visitor = _sign(aup, version, kiosk=kiosk, typed_name="Newer Visitor",
                        when=_after(latest))
    staff = _sign(aup, version, kiosk=kiosk, person=person, when=_before(latest))
    agreements = provider("agreements")

    entries = [i for i in agreements.due(school, today=NOW.date(), limit=50)
               if i.model_label == "agreements.signature"]
    assert [i.pk for i in entries] == [old_visitor.pk]
    assert "Vera" not in entries[0].description

    assert agreements.erase(school, entries, now=NOW) == 1
    assert set(signatures().values_list("pk", flat=True)) == {new_visitor.pk, staff.pk}
    # The runner writes the tombstones, not the provider; erased already, it is skipped.
    assert not Tombstone.objects.exists()
    assert agreements.erase(school, entries, now=NOW) == 0

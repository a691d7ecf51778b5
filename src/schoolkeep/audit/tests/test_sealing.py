"""Sealing: an event about a person keeps its personal values under that person's key, the
chain hashes their ciphertext, and forgetting the person touches no event."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.factories import SchoolFactory, UserFactory

from schoolkeep.audit import subjects
from schoolkeep.audit.hashing import event_hash, hashed_fields
from schoolkeep.audit.models import AuditEvent, AuditSealedValue, AuditSubjectKey
from schoolkeep.audit.sealing import ERASED, SEALED, Opened, forget, open_event, open_events
from schoolkeep.audit.services import audit_record, audit_record_many, diff
from schoolkeep.audit.subjects import register_subject, subject_key, subject_of
from schoolkeep.audit.verify import audit_verify

pytestmark = pytest.mark.django_db

PERSON = ("people.person", "41")


def stored(event: AuditEvent) -> AuditEvent:
    return AuditEvent.objects.get(pk=event.pk)


def test_an_event_about_a_person_keeps_no_personal_value_in_its_row() -> None:
    school = SchoolFactory()
    event = audit_record(action="tests.person.updated", school=school, target_type="people.person",
                         target_id="p-41", target_label="Ann Lee", subject=PERSON,
                         changes=diff({"name": "Ann Lee", "role": None}, {"name": "Ann Smith",
                                                                           "role": "Cook"}))
    row = stored(event)
    assert row.target_label == ""
    assert row.changes == {"name": {"before": SEALED, "after": SEALED},
                           "role": {"before": None, "after": SEALED}}
    sealed = AuditSealedValue.objects.get(event_public_id=row.public_id)
    assert "Ann" not in sealed.ciphertext
    assert row.sealed_digest == hashlib.sha256(sealed.ciphertext.encode()).hexdigest()
    assert row.hash == event_hash(hashed_fields(row), row.previous_hash)
    assert "sealed_digest" in hashed_fields(row)
    assert audit_verify().ok


def test_the_hash_covers_the_ciphertext() -> None:
    event = audit_record(action="tests.person.updated", school=SchoolFactory(),
                         target_label="Ann Lee", subject=PERSON, changes={"name": "Ann"})
    row = stored(event)
    fields = hashed_fields(row)
    fields["sealed_digest"] = "0" * 64
    assert event_hash(fields, row.previous_hash) != row.hash


def test_an_event_without_a_subject_hashes_as_before() -> None:
    event = audit_record(action="tests.thing.created", school=SchoolFactory(),
                         target_label="Laptops", changes={"name": "Laptops"})
    row = stored(event)
    assert row.sealed_digest == "" and "sealed_digest" not in hashed_fields(row)
    assert row.target_label == "Laptops" and row.changes == {"name": "Laptops"}
    assert not AuditSealedValue.objects.exists()


def test_an_authenticated_actor_is_kept_by_id_with_the_name_under_their_key() -> None:
    user = UserFactory(full_name="Priya Shah")
    event = audit_record(action="tests.thing.created", school=SchoolFactory(), actor=user)
    row = stored(event)
    assert row.actor_id == user.pk and row.actor_label == SEALED
    key = AuditSubjectKey.objects.get(subject_type="accounts.user", subject_id=str(user.pk))
    assert key.name and "Priya" not in key.name and "Priya" not in key.key


def test_a_resolver_decides_the_subject_of_a_target(monkeypatch) -> None:
    monkeypatch.setattr(subjects, "_resolvers", {})
    school = SchoolFactory()
    register_subject("tenancy.school", lambda s: ("people.person", f"of-{s.pk}"))
    assert subject_of(school) == ("people.person", f"of-{school.pk}")
    assert subject_key(None, school) == ("people.person", f"of-{school.pk}")
    # An unregistered instance given as the subject is its own subject.
    user = UserFactory()
    assert subject_key(user) == ("accounts.user", str(user.pk))
    event = audit_record(action="tests.school.updated", school=school, target=school)
    assert stored(event).target_label == "" and stored(event).sealed_digest


def test_a_subject_must_name_a_record() -> None:
    with pytest.raises(ValueError):
        subject_key(("people.person", ""))
    with pytest.raises(TypeError):
        subject_key("people.person:1")


def test_forgetting_deletes_the_key_and_touches_no_event() -> None:
    school = SchoolFactory()
    before = audit_record(action="tests.person.updated", school=school, target_label="Ann Lee",
                          subject=PERSON, changes={"name": "Ann Lee"})
    other = audit_record(action="tests.person.updated", school=school, target_label="Bo Ng",
                         subject=("people.person", "42"), changes={"name": "Bo Ng"})
    rows = list(AuditEvent.objects.order_by("id").values_list("hash", "target_label", "changes"))

    assert forget([PERSON]) == 1
    assert forget([PERSON]) == 0  # once is enough

    assert list(AuditEvent.objects.order_by("id").values_list(
        "hash", "target_label", "changes")) == rows
    key = AuditSubjectKey.objects.get(subject_type="people.person", subject_id="41")
    assert key.key == "" and key.erased_at is not None
    assert AuditSealedValue.objects.get(event_public_id=before.public_id).ciphertext == ""
    assert AuditSealedValue.objects.get(event_public_id=other.public_id).ciphertext
    assert audit_verify().ok

    # Later events about a forgotten person keep no value at all.
    after = audit_record(action="erasure.erased", school=school, target_label="Ann Lee",
                         subject=PERSON, changes={"name": "Ann Lee"})
    row = stored(after)
    assert row.target_label == "" and row.changes == {"name": ERASED}
    assert row.sealed_digest == ""
    assert not AuditSealedValue.objects.filter(event_public_id=row.public_id).exists()
    assert audit_verify().ok


def test_forgetting_a_subject_never_seen_keeps_later_events_empty() -> None:
    assert forget([("people.person", "99")]) == 1
    event = audit_record(action="tests.x", school=SchoolFactory(), target_label="Cy",
                         subject=("people.person", "99"), changes={"a": "b"})
    assert stored(event).changes == {"a": ERASED}


def batch(school, user, size: int, action: str) -> list[dict]:
    return [{"action": action, "school": school, "actor": user,
             "target_type": "people.person", "target_id": str(n), "target_label": f"Person {n}",
             "subject": ("people.person", str(n % 3)),
             "changes": diff(None, {"name": f"Person {n}"})} for n in range(size)]


def test_a_batch_seals_and_reads_each_key_once_whatever_its_size() -> None:
    school = SchoolFactory()
    user = UserFactory(full_name="Priya Shah")
    audit_record(action="tests.start", school=school)  # the chain's head exists
    counts = []
    for size, action in ((3, "tests.person.first"), (30, "tests.person.imported")):
        AuditSubjectKey.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            assert audit_record_many(batch(school, user, size, action)) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]
    rows = list(AuditEvent.objects.filter(action="tests.person.imported"))
    assert {row.target_label for row in rows} == {""}
    assert all(row.changes == {"name": {"before": None, "after": SEALED}} for row in rows)
    assert {row.actor_label for row in rows} == {SEALED}
    assert AuditSealedValue.objects.count() == 30
    assert AuditSubjectKey.objects.filter(subject_type="people.person").count() == 3
    # The first batch's sealed values went with the keys this test deleted: verify says so.
    first = {str(pk) for pk in AuditEvent.objects.filter(
        action="tests.person.first").values_list("public_id", flat=True)}
    assert {broken.public_id for broken in audit_verify().broken} <= first


def test_a_batch_given_changes_as_text_seals_them() -> None:
    school = SchoolFactory()
    audit_record_many([{"action": "tests.p", "school": school, "subject": PERSON,
                        "changes_json": '{"name":{"after":"Ann","before":null}}'}])
    row = AuditEvent.objects.get(action="tests.p")
    assert row.changes == {"name": {"before": None, "after": SEALED}}
    assert audit_verify().ok


def test_opened_events_show_their_values_while_the_key_exists_and_erased_after() -> None:
    school = SchoolFactory()
    user = UserFactory(full_name="Priya Shah")
    event = audit_record(action="tests.person.updated", school=school, actor=user,
                         target_label="Ann Lee", subject=PERSON,
                         changes=diff({"name": "Ann Lee"}, {"name": "Ann Smith"}))
    plain = audit_record(action="tests.thing.created", school=school, target_label="Laptops")
    opened = open_events(AuditEvent.objects.all())
    assert opened[str(event.public_id)] == Opened(
        actor_label="Priya Shah", target_label="Ann Lee",
        changes={"name": {"before": "Ann Lee", "after": "Ann Smith"}})
    assert opened[str(plain.public_id)].target_label == "Laptops"

    forget([PERSON, ("accounts.user", str(user.pk))])
    opened = open_event(stored(event))
    assert opened == Opened(actor_label=ERASED, target_label="",
                            changes={"name": {"before": ERASED, "after": ERASED}})


def test_opening_a_page_of_events_takes_the_same_queries_for_3_and_40() -> None:
    school = SchoolFactory()
    users = [UserFactory() for _ in range(4)]
    for n in range(40):
        audit_record(action="tests.person.updated", school=school, actor=users[n % 4],
                     target_label=f"P{n}", subject=("people.person", str(n)), changes={"n": n})
    counts = []
    for size in (3, 40):
        events = list(AuditEvent.objects.order_by("id")[:size])
        with CaptureQueriesContext(connection) as queries:
            opened = open_events(events)
        counts.append(len(queries))
        assert [opened[str(e.public_id)].target_label for e in events] == [
            f"P{n}" for n in range(size)]
    assert counts == [2, 2]


def test_a_ciphertext_that_is_not_the_hashed_one_is_never_shown() -> None:
    event = audit_record(action="tests.p", school=SchoolFactory(), target_label="Ann Lee",
                         subject=PERSON, changes={"name": "Ann"})
    other = audit_record(action="tests.p", school=SchoolFactory(), target_label="Bo Ng",
                         subject=PERSON, changes={"name": "Bo"})
    swapped = AuditSealedValue.objects.get(event_public_id=other.public_id).ciphertext
    AuditSealedValue.objects.filter(event_public_id=event.public_id).update(ciphertext=swapped)
    assert open_event(stored(event)).target_label == ""

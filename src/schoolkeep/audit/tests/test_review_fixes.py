"""The review's fixes: every kind of record about a person is sealed by the migration (its
person looked up), people gone before the upgrade read "erased", events about a user are
sealed, a link's actor name is sealed with its subject's values."""

from __future__ import annotations

import pytest
from django.db import connection
from tests.factories import SchoolFactory, UserFactory

from schoolkeep.audit import context
from schoolkeep.audit.models import AuditEvent, AuditSealedValue
from schoolkeep.audit.sealing import ERASED, forget, open_event
from schoolkeep.audit.services import audit_record, audit_record_many
from schoolkeep.audit.tests.test_seal_existing import Editor, historical_apps, legacy, migration
from schoolkeep.audit.verify import audit_verify

pytestmark = pytest.mark.django_db


def _raw_contains(text: str) -> bool:
    with connection.cursor() as cursor:
        for table in ("audit_auditevent", "audit_auditsealedvalue", "audit_auditsubjectkey"):
            cursor.execute(f"SELECT * FROM {table}")
            if any(text in str(value) for row in cursor.fetchall() for value in row):
                return True
    return False


def test_a_checks_event_migrated_is_forgotten_with_its_person() -> None:
    from schoolkeep.people.models import Check, CheckType, Person, PersonKind

    school = SchoolFactory()
    person = Person.objects.create(school=school, full_name="Zebedee Quill", name_key="zq",
                                   kind=PersonKind.values[0])
    check = Check.objects.create(school=school, person=person,
                                 check_type=CheckType.values[0])
    target_id = str(getattr(check, "public_id", None) or check.pk)
    event = legacy(school, target_type="people.check", target_id=target_id,
                   target_label="DBS check of Zebedee Quill",
                   changes={"note": "Zebedee Quill checked"},
                   actor_label="signing link: Zebedee Quill")
    migration.seal_existing(historical_apps(), Editor())
    row = AuditEvent.objects.get(pk=event.pk)
    assert row.target_label == "" and row.sealed_digest
    assert row.actor_label == "signing link"
    assert open_event(row).target_label == "DBS check of Zebedee Quill"
    forget([("people.person", str(person.pk))])
    assert not _raw_contains("Zebedee")
    assert audit_verify().ok


def test_a_person_gone_before_the_upgrade_reads_erased() -> None:
    school = SchoolFactory()
    event = legacy(school, target_type="people.person",
                   target_id="00000000-0000-0000-0000-000000000001",
                   target_label="Long Gone", changes={"name": "Long Gone"},
                   actor_label="kiosk: Long Gone")
    migration.seal_existing(historical_apps(), Editor())
    row = AuditEvent.objects.get(pk=event.pk)
    assert row.target_label == "" and row.changes == {"name": ERASED}
    assert row.actor_label == "kiosk" and not row.sealed_digest
    assert not _raw_contains("Long Gone") and not _raw_contains("public:")
    assert audit_verify().ok


def test_a_named_link_without_a_subject_keeps_only_its_kind() -> None:
    school = SchoolFactory()
    event = legacy(school, actor_label="personal link: Mo Fairweather")
    migration.seal_existing(historical_apps(), Editor())
    assert AuditEvent.objects.get(pk=event.pk).actor_label == "personal link"


def test_an_event_about_a_user_is_sealed_and_forgotten() -> None:
    user = UserFactory(full_name="Quentin Marsh")
    event = audit_record(action="accounts.signed-in", target=user)
    assert event.target_label == "" and event.sealed_digest
    assert open_event(event).target_label == str(user)
    forget([("accounts.user", str(user.pk))])
    assert open_event(AuditEvent.objects.get(pk=event.pk)).target_label == ""
    assert AuditSealedValue.objects.get(event_public_id=event.public_id).ciphertext == ""


@pytest.mark.parametrize("many", [False, True])
def test_a_links_actor_name_is_sealed_with_the_subject(many: bool) -> None:
    school = SchoolFactory()
    user = UserFactory(full_name="Rhoda Pike")
    with context.audit_context(actor_label="signing link: Rhoda Pike"):
        if many:
            audit_record_many([{"action": "tests.signed", "school": school, "target": user}])
            event = AuditEvent.objects.get(action="tests.signed")
        else:
            event = audit_record(action="tests.signed", school=school, target=user)
    row = AuditEvent.objects.get(pk=event.pk)
    assert row.actor_label == "signing link"
    assert open_event(row).actor_label == "signing link: Rhoda Pike"
    forget([("accounts.user", str(user.pk))])
    assert not _raw_contains("Rhoda")
    assert open_event(row).actor_label == "signing link"


def test_verify_finds_swapped_and_deleted_sealed_values() -> None:
    school = SchoolFactory()
    first = audit_record(action="tests.p", school=school, target_label="Ann Lee",
                         subject=("people.person", "1"), changes={"name": "Ann"})
    second = audit_record(action="tests.p", school=SchoolFactory(), target_label="Bo Ng",
                          subject=("people.person", "2"), changes={"name": "Bo"})
    forgotten = audit_record(action="tests.p", school=SchoolFactory(), target_label="Cy",
                             subject=("people.person", "3"), changes={"name": "Cy"})
    forget([("people.person", "3")])
    assert audit_verify().ok  # a forgotten subject's blank row is fine
    ciphertexts = dict(AuditSealedValue.objects.values_list("event_public_id", "ciphertext"))
    AuditSealedValue.objects.filter(event_public_id=first.public_id).update(
        ciphertext=ciphertexts[second.public_id])
    AuditSealedValue.objects.filter(event_public_id=second.public_id).update(
        ciphertext=ciphertexts[first.public_id])
    result = audit_verify()
    assert {b.public_id for b in result.broken} == {str(first.public_id),
                                                    str(second.public_id)}
    assert "not the ones its hash covers" in str(result.broken[0])
    AuditSealedValue.objects.filter(event_public_id=first.public_id).delete()
    broken = {b.public_id: str(b) for b in audit_verify().broken}
    assert "missing from the side table" in broken[str(first.public_id)]
    assert str(forgotten.public_id) not in broken


def _reanchor(school) -> str:
    """An old-style event sealed by migration 0004: its chain is re-anchored; the old head."""
    user = UserFactory(full_name="Olive Hart")
    legacy(school, target_type="accounts.user", target_id=str(user.public_id),
           target_label="Olive Hart")
    from schoolkeep.audit.verify import current_heads

    old = next(h for h in current_heads() if h.chain == f"school:{school.pk}")
    migration.seal_existing(historical_apps(), Editor())
    return old.line()


def test_the_notice_to_copy_the_heads_shows_until_they_are_copied(
        personas, login) -> None:
    from django.core.management import call_command
    from django.urls import reverse

    from schoolkeep.audit.heads_notice import HEADS_COPIED

    client = login(personas.siro)
    page = reverse("audit:event-list")
    button = "I have copied the chain heads"
    assert button not in client.get(page).content.decode()
    _reanchor(personas.school)
    assert button in client.get(page).content.decode()
    assert client.get(reverse("audit:heads-copied")).status_code == 405
    assert client.post(reverse("audit:heads-copied")).status_code == 302
    assert button not in client.get(page).content.decode()
    assert AuditEvent.objects.filter(action=HEADS_COPIED, actor_id=personas.siro.pk).exists()
    _reanchor(SchoolFactory())  # another re-anchoring: the notice again
    assert button in client.get(page).content.decode()
    call_command("audit", "heads", stdout=__import__("io").StringIO())
    assert button not in client.get(page).content.decode()


def test_a_head_copied_before_a_reanchoring_says_copy_again() -> None:
    from schoolkeep.audit.verify import check_heads, parse_heads

    school = SchoolFactory()
    old = _reanchor(school)
    anchor = AuditEvent.objects.get(school=school, action="audit.chain-reanchored")
    assert check_heads(parse_heads(old)) == [
        f"chain school:{school.pk}: re-anchored at sequence {anchor.sequence}: "
        "copy the heads again"]


def test_the_kinds_a_sealed_link_label_leaves_read_in_words() -> None:
    from schoolkeep.audit.actors import actor_name

    assert actor_name("signing link") == "Someone, through a signing link"
    assert actor_name("personal link: Ann Lee") == "Ann Lee, through a personal link"
    assert actor_name("kiosk") == "The signing kiosk"

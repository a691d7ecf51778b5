"""The one-time migration of existing chains: personal values move into the sealed side
table, each changed chain is re-hashed and re-anchored, and the chains verify."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from tests.factories import SchoolFactory, UserFactory

from schoolkeep.audit.hashing import event_hash, hashed_fields
from schoolkeep.audit.models import AuditChainHead, AuditEvent, AuditSealedValue
from schoolkeep.audit.sealing import SEALED, forget, open_events
from schoolkeep.audit.services import _lock_head, audit_record, chain_for
from schoolkeep.audit.verify import audit_verify

pytestmark = pytest.mark.django_db

migration = importlib.import_module("schoolkeep.audit.migrations.0004_seal_existing")


def legacy(school, *, actor=None, actor_label="system", target_type="", target_id="",
           target_label="", changes=None) -> AuditEvent:
    """An event as Schoolkeep wrote it before sealing (names in the row)."""
    event = AuditEvent(chain=chain_for(school.pk), school_id=school.pk,
                       actor_id=getattr(actor, "pk", None), actor_label=actor_label,
                       action="tests.legacy", target_type=target_type, target_id=target_id,
                       target_label=target_label, changes=changes or {},
                       occurred_at=school.created_at if hasattr(school, "created_at")
                       else __import__("django.utils.timezone").utils.timezone.now(),
                       request_id="", ip_address="")
    head = _lock_head(event.chain)
    event.sequence, event.previous_hash = head.sequence + 1, head.last_hash
    event.hash = event_hash(hashed_fields(event), event.previous_hash)
    event.save()
    AuditChainHead.objects.filter(pk=head.pk).update(sequence=event.sequence,
                                                     last_hash=event.hash)
    return event


def historical_apps():
    """The models as the migration sees them (plain managers, as in a real migrate)."""
    return MigrationLoader(connection).project_state(("audit", "0004_seal_existing")).apps


class Editor:
    def __init__(self) -> None:
        self.connection = connection

    def execute(self, sql: str, params=None) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def test_existing_personal_values_are_sealed_and_the_chain_reanchored(capsys) -> None:
    school, quiet = SchoolFactory(), SchoolFactory()
    user = UserFactory(full_name="Priya Shah")
    target = UserFactory(full_name="Ann Lee")
    first = legacy(school, target_type="tenancy.school", target_label="Oakfield")
    by_user = legacy(school, actor=user, actor_label="Priya Shah")
    about = legacy(school, target_type="accounts.user", target_id=str(target.public_id),
                   target_label="Ann Lee", changes={"full_name": {"before": "Ann",
                                                                  "after": "Ann Lee"}})
    untouched = legacy(quiet, target_label="Laptops")
    old_head = AuditChainHead.objects.get(chain=chain_for(school.pk)).last_hash

    migration.seal_existing(historical_apps(), Editor())

    assert "Copy the chain heads again" in capsys.readouterr().out
    assert audit_verify().ok
    rows = {e.pk: e for e in AuditEvent.objects.filter(school=school)}
    assert rows[first.pk].hash == first.hash  # before the first change: as it was
    assert rows[by_user.pk].actor_label == SEALED and rows[by_user.pk].hash != by_user.hash
    assert rows[about.pk].target_label == "" and rows[about.pk].changes == {
        "full_name": {"before": SEALED, "after": SEALED}}
    assert AuditSealedValue.objects.filter(event_public_id=about.public_id).exists()
    anchor = AuditEvent.objects.get(school=school, action="audit.chain-reanchored")
    assert anchor.sequence == 4 and anchor.changes["old_head"] == old_head
    assert anchor.changes["rehashed_head"] == rows[about.pk].hash
    assert not AuditEvent.objects.filter(school=quiet, action="audit.chain-reanchored").exists()
    assert AuditEvent.objects.get(pk=untouched.pk).hash == untouched.hash

    opened = open_events(AuditEvent.objects.filter(school=school))
    assert opened[str(by_user.public_id)].actor_label == "Priya Shah"
    assert opened[str(about.public_id)].target_label == "Ann Lee"

    forget([("accounts.user", str(target.pk))])
    assert open_events([AuditEvent.objects.get(pk=about.pk)])[
        str(about.public_id)].target_label == ""
    assert audit_verify().ok

    # Run again: nothing left to move, nothing re-anchored twice.
    migration.seal_existing(historical_apps(), Editor())
    assert AuditEvent.objects.filter(action="audit.chain-reanchored").count() == 1
    assert audit_verify().ok


def test_a_trail_written_after_sealing_is_left_alone() -> None:
    school = SchoolFactory()
    audit_record(action="tests.new", school=school, actor=UserFactory(),
                 subject=("people.person", "1"), target_label="Cy", changes={"a": "b"})
    before = list(AuditEvent.objects.values_list("hash", flat=True))
    migration.seal_existing(historical_apps(), Editor())
    assert list(AuditEvent.objects.values_list("hash", flat=True)) == before

"""The audit chain: links, hashes, sequences, and no way to change or remove an event."""

from __future__ import annotations

import itertools
import threading
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from hypothesis import given
from hypothesis import strategies as st
from tests.factories import SchoolFactory, UserFactory

from schoolkeep.audit.context import audit_context
from schoolkeep.audit.hashing import GENESIS_HASH, event_hash, hashed_fields
from schoolkeep.audit.models import GLOBAL_CHAIN, AuditChainHead, AuditEvent, AuditRefused
from schoolkeep.audit.sealing import SEALED, open_event
from schoolkeep.audit.services import CHANGED, audit_record, chain_for, diff, snapshot
from schoolkeep.audit.tests.helpers import TRIGGER, is_postgres

pytestmark = pytest.mark.django_db


def test_events_of_one_chain_link_to_each_other_and_carry_their_own_hash() -> None:
    school = SchoolFactory()
    first = audit_record(action="tests.thing.created", school=school)
    second = audit_record(action="tests.thing.updated", school=school)

    assert (first.sequence, second.sequence) == (1, 2)
    assert first.previous_hash == GENESIS_HASH
    assert second.previous_hash == first.hash
    for event in AuditEvent.objects.filter(pk__in=[first.pk, second.pk]):
        assert event.hash == event_hash(hashed_fields(event), event.previous_hash)
        assert len(event.hash) == 64
    head = AuditChainHead.objects.get(chain=chain_for(school.pk))
    assert (head.sequence, head.last_hash) == (2, second.hash)


def test_each_school_and_the_global_trail_have_separate_chains() -> None:
    oak, hill = SchoolFactory(), SchoolFactory()
    oak_1 = audit_record(action="tests.a", school=oak)
    hill_1 = audit_record(action="tests.b", school=hill)
    global_1 = audit_record(action="tests.c")
    oak_2 = audit_record(action="tests.d", school=oak)

    assert oak_1.chain == f"school:{oak.pk}" and hill_1.chain == f"school:{hill.pk}"
    assert global_1.chain == GLOBAL_CHAIN and global_1.school_id is None
    assert (oak_1.sequence, hill_1.sequence, global_1.sequence, oak_2.sequence) == (1, 1, 1, 2)
    assert hill_1.previous_hash == GENESIS_HASH == global_1.previous_hash
    assert oak_2.previous_hash == oak_1.hash


def test_the_hash_covers_every_recorded_field() -> None:
    event = audit_record(action="tests.thing.created", school=SchoolFactory())
    fields = hashed_fields(event)
    for name, value in [("action", "tests.thing.deleted"), ("actor_label", "someone else"),
                        ("changes", {"x": {"before": 1, "after": 2}}), ("sequence", 7),
                        ("occurred_at", "2020-01-01T00:00:00.000000Z")]:
        assert event_hash({**fields, name: value}, event.previous_hash) != event.hash
    assert event_hash(fields, "f" * 64) != event.hash


def test_actor_target_and_request_context_are_recorded() -> None:
    school = SchoolFactory(name="Oakfield Primary")
    user = UserFactory(full_name="Sam Siro")
    with audit_context(request_id="req-12345678", ip_address="192.0.2.7", actor_label="x"):
        event = audit_record(action="tests.school.renamed", school=school, actor=user,
                             target=school, changes={"name": {"before": "Old", "after": "New"}})
    with audit_context(actor_label="cli:alice"):
        cli_event = audit_record(action="tests.token.created", school=school)

    event.refresh_from_db()
    assert (event.actor_id, event.actor_label) == (user.pk, SEALED)
    assert open_event(event).actor_label == "Sam Siro"  # kept under the user's key
    assert (event.target_type, event.target_id) == ("tenancy.school", str(school.public_id))
    assert event.target_label == "Oakfield Primary"
    assert (event.request_id, event.ip_address) == ("req-12345678", "192.0.2.7")
    assert (cli_event.actor_id, cli_event.actor_label) == (None, "cli:alice")


def test_json_and_times_round_trip_to_the_same_hash() -> None:
    """What the database gives back must hash as what was written: jsonb reorders keys and
    renders numbers its own way; times keep their microseconds."""
    school = SchoolFactory()
    changes = {
        "zeta": {"before": None, "after": "ünïcödé ✓"},
        "a": {"before": 1.0, "after": 1e16},
        "nested": {"before": {"b": 2, "a": [3, 1, {"y": True, "x": None}]}, "after": -0.0},
        "bb": {"before": Decimal("12.50"), "after": 2**70},
        "nul": {"before": "a\x00b", "after": "\ud800"},
        "when": {"before": datetime(2026, 3, 29, 0, 59, 59, 999999, tzinfo=UTC), "after": ""},
    }
    moment = datetime(2026, 3, 29, 1, 0, 0, 123456, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        event = audit_record(action="tests.json", school=school, changes=changes)
    stored = AuditEvent.objects.get(pk=event.pk)

    assert stored.occurred_at == moment
    assert stored.changes == event.changes
    assert event_hash(hashed_fields(stored), stored.previous_hash) == stored.hash == event.hash
    assert stored.changes["a"] == {"before": "1.0", "after": "1e+16"}  # floats kept as text
    assert stored.changes["nul"]["before"] == "a\ufffdb"


def test_a_time_with_zero_microseconds_hashes_the_same_after_reading() -> None:
    with time_machine.travel(datetime(2026, 6, 1, 12, 0, 0, tzinfo=UTC), tick=False):
        event = audit_record(action="tests.exact", school=SchoolFactory())
    stored = AuditEvent.objects.get(pk=event.pk)
    assert hashed_fields(stored)["occurred_at"] == "2026-06-01T12:00:00.000000Z"
    assert event_hash(hashed_fields(stored), stored.previous_hash) == event.hash


def test_bad_action_codes_are_refused() -> None:
    with pytest.raises(ValueError, match="action"):
        audit_record(action="")
    with pytest.raises(ValueError, match="action"):
        audit_record(action="x" * 101)
    assert not AuditEvent.objects.exists()


def test_the_model_refuses_to_change_or_delete_an_event() -> None:
    event = audit_record(action="tests.thing.created", school=SchoolFactory())
    event.action = "tests.thing.forged"
    with pytest.raises(AuditRefused):
        event.save()
    with pytest.raises(AuditRefused):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "tests.thing.created"


def test_the_queryset_refuses_changes_deletes_and_unchained_inserts() -> None:
    event = audit_record(action="tests.thing.created", school=SchoolFactory())
    events = AuditEvent.objects.filter(pk=event.pk)
    with pytest.raises(AuditRefused):
        events.update(action="tests.thing.forged")
    with pytest.raises(AuditRefused):
        events.delete()
    with pytest.raises(AuditRefused):
        AuditEvent.objects.all().delete()
    with pytest.raises(AuditRefused):
        AuditEvent.objects.bulk_update([event], ["action"])
    with pytest.raises(AuditRefused):
        AuditEvent.objects.bulk_create([AuditEvent(action="tests.bulk")])
    with pytest.raises(AuditRefused):
        AuditEvent.objects.update_or_create(pk=event.pk, defaults={"action": "x"})
    with pytest.raises(AuditRefused):
        AuditEvent.objects.create(action="tests.unchained", chain="global", sequence=99)
    with pytest.raises(AuditRefused):
        AuditEvent.objects.get_or_create(action="tests.unchained", chain="global", sequence=99)
    assert AuditEvent.objects.get(pk=event.pk).action == "tests.thing.created"


def test_deleting_a_school_or_user_leaves_their_events_alone() -> None:
    school, user = SchoolFactory(), UserFactory()
    event = audit_record(action="tests.thing.created", school=school, actor=user)
    user.delete()
    school.delete()
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.school_id, stored.actor_id) == (event.school_id, event.actor_id)


def test_on_postgresql_a_trigger_rejects_update_and_delete_by_raw_sql() -> None:
    if not is_postgres():
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    event = audit_record(action="tests.thing.created", school=SchoolFactory())
    for sql in ("UPDATE audit_auditevent SET action = 'tests.forged' WHERE id = %s",
                "DELETE FROM audit_auditevent WHERE id = %s"):
        with (pytest.raises(DatabaseError, match="append-only"), transaction.atomic(),
              connection.cursor() as cursor):
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "tests.thing.created"
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname = %s", [TRIGGER])
        assert cursor.fetchone() == (1,)


def test_diff_lists_changed_fields_and_hides_secret_values() -> None:
    before = {"name": "Old", "pin": "1234", "same": 1, "totp_secret": "AAAA"}
    after = {"name": "New", "pin": "9999", "same": 1, "totp_secret": "AAAA", "added": True}
    result = diff(before, after, secret_fields={"pin", "totp_secret"})
    assert result == {
        "name": {"before": "Old", "after": "New"},
        "pin": {"before": CHANGED, "after": CHANGED},
        "added": {"before": None, "after": True},
    }
    assert "1234" not in str(result) and "9999" not in str(result)


values = st.none() | st.booleans() | st.integers() | st.text(max_size=6) | st.dates() \
    | st.datetimes() | st.lists(st.text(max_size=3), max_size=2)


@given(after=st.dictionaries(st.sampled_from(["name", "pin", "dob", "sites", "n"]), values),
       secret=st.booleans())
def test_the_changes_of_a_new_record_are_those_from_a_record_of_nothing(
        after: dict[str, object], secret: bool) -> None:
    """``diff(None, after)`` (a shorter path, taken for every record an import adds) says
    what comparing with a record whose every field is None says."""
    secrets = {"pin"} if secret else set()
    nothing = dict.fromkeys(after)
    assert diff(None, after, secret_fields=secrets) == diff(nothing, after,
                                                            secret_fields=secrets)
    assert list(diff(None, after)) == sorted(name for name, v in after.items() if v is not None)


def test_snapshot_reads_the_named_fields() -> None:
    school = SchoolFactory(name="Oakfield Primary", slug="oak")
    assert snapshot(school, ["name", "slug"]) == {"name": "Oakfield Primary", "slug": "oak"}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("head_exists", [True, False])
def test_concurrent_appends_to_one_chain_get_consecutive_sequences(head_exists: bool) -> None:
    """Two transactions append to one chain at once: the second waits for the first's lock
    on the chain head, then continues the chain from it (PostgreSQL; SQLite serialises
    writers with IMMEDIATE transactions)."""
    if not is_postgres():
        pytest.skip("needs row locks and two real connections (PostgreSQL)")
    school = SchoolFactory()
    if head_exists:
        audit_record(action="tests.before", school=school)
    first_written, release_first = threading.Event(), threading.Event()
    results: dict[str, AuditEvent] = {}
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                results["first"] = audit_record(action="tests.first", school=school)
                first_written.set()
                release_first.wait(10)
        except BaseException as exc:
            errors.append(exc)
            first_written.set()
        finally:
            connection.close()

    def second() -> None:
        try:
            results["second"] = audit_record(action="tests.second", school=school)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    one = threading.Thread(target=first)
    one.start()
    assert first_written.wait(10)
    two = threading.Thread(target=second)
    two.start()
    two.join(0.5)
    assert two.is_alive(), "the second append must wait for the first transaction"
    release_first.set()
    one.join(10)
    two.join(10)

    assert not errors
    base = 1 if head_exists else 0
    assert results["first"].sequence == base + 1
    assert results["second"].sequence == base + 2
    assert results["second"].previous_hash == results["first"].hash


def test_sequential_appends_get_consecutive_sequences() -> None:
    school = SchoolFactory()
    with transaction.atomic():
        events = [audit_record(action=f"tests.n{n}", school=school) for n in range(5)]
    assert [e.sequence for e in events] == [1, 2, 3, 4, 5]
    assert all(b.previous_hash == a.hash for a, b in itertools.pairwise(events))

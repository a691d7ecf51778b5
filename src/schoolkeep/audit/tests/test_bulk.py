"""Appending many events at once: the same chain as one at a time, and nothing else bulk."""

from __future__ import annotations

import itertools
import json
import time
import uuid
from datetime import date

import pytest
from tests.factories import SchoolFactory, UserFactory

from schoolkeep.audit.hashing import (
    GENESIS_HASH,
    canonical_json,
    event_hash,
    hashed_fields,
    time_ordered_public_ids,
)
from schoolkeep.audit.models import AuditChainHead, AuditEvent, AuditRefused
from schoolkeep.audit.sealing import SEALED, open_event
from schoolkeep.audit.services import (
    CHANGED,
    _jsonable,
    audit_record,
    audit_record_many,
    chain_for,
    diff,
)
from schoolkeep.audit.verify import audit_verify

pytestmark = pytest.mark.django_db


def test_many_events_continue_the_chain_after_single_ones_and_verify() -> None:
    school = SchoolFactory()
    actor = UserFactory()
    first = audit_record(action="tests.thing.created", school=school)

    count = audit_record_many([
        {"action": "tests.thing.updated", "school": school, "actor": actor,
         "target_type": "tests.thing", "target_id": str(n), "target_label": f"Thing {n}",
         "changes": {"n": {"before": n, "after": n + 1}}}
        for n in range(5)
    ])
    last = audit_record(action="tests.thing.deleted", school=school)

    assert count == 5
    events = list(AuditEvent.objects.filter(school=school).order_by("sequence"))
    assert [e.sequence for e in events] == [1, 2, 3, 4, 5, 6, 7]
    assert events[0].pk == first.pk and events[-1].pk == last.pk
    for previous, event in itertools.pairwise(events):
        assert event.previous_hash == previous.hash
        assert event.hash == event_hash(hashed_fields(event), event.previous_hash)
    assert [e.target_id for e in events[1:6]] == ["0", "1", "2", "3", "4"]
    assert events[1].actor_id == actor.pk and events[1].actor_label == SEALED
    assert open_event(events[1]).actor_label == str(actor)  # kept under the user's key
    head = AuditChainHead.objects.get(chain=chain_for(school.pk))
    assert (head.sequence, head.last_hash) == (7, last.hash)
    result = audit_verify()
    assert result.ok, result.broken


def test_events_of_several_chains_go_to_their_own_chains() -> None:
    oak, hill = SchoolFactory(), SchoolFactory()
    audit_record(action="tests.before", school=hill)

    audit_record_many([
        {"action": "tests.a", "school": oak},
        {"action": "tests.b", "school": hill},
        {"action": "tests.c"},
        {"action": "tests.d", "school": oak},
    ])

    oak_events = list(AuditEvent.objects.filter(chain=chain_for(oak.pk)).order_by("sequence"))
    hill_events = list(AuditEvent.objects.filter(chain=chain_for(hill.pk))
                       .order_by("sequence"))
    assert [(e.action, e.sequence) for e in oak_events] == [("tests.a", 1), ("tests.d", 2)]
    assert oak_events[0].previous_hash == GENESIS_HASH
    assert [(e.action, e.sequence) for e in hill_events] == [("tests.before", 1),
                                                             ("tests.b", 2)]
    assert hill_events[1].previous_hash == hill_events[0].hash
    assert AuditEvent.objects.get(action="tests.c").chain == chain_for(None)
    assert audit_verify().ok


def test_secret_fields_stay_hidden_in_bulk_events_too() -> None:
    school = SchoolFactory()
    changes = diff({"dbs": "001234567890", "name": "A"}, {"dbs": "009999999999", "name": "B"},
                   secret_fields=["dbs"])
    audit_record_many([{"action": "tests.person.updated", "school": school,
                        "changes": changes}])

    event = AuditEvent.objects.get(action="tests.person.updated")
    assert event.changes == {"dbs": {"before": CHANGED, "after": CHANGED},
                             "name": {"before": "A", "after": "B"}}
    assert "0012" not in str(event.changes)


def test_nothing_to_append_writes_nothing() -> None:
    assert audit_record_many([]) == 0
    assert AuditEvent.objects.count() == 0


def test_a_bad_event_appends_none_of_the_batch() -> None:
    school = SchoolFactory()
    with pytest.raises(ValueError):
        audit_record_many([{"action": "tests.fine", "school": school},
                           {"action": "", "school": school}])
    assert not AuditEvent.objects.filter(school=school).exists()
    assert not AuditChainHead.objects.filter(chain=chain_for(school.pk), sequence__gt=0).exists()


def test_the_public_bulk_paths_are_still_refused() -> None:
    with pytest.raises(AuditRefused):
        AuditEvent.objects.bulk_create([AuditEvent(action="tests.bulk")])
    assert not hasattr(AuditEvent.objects, "_append_linked")


def test_a_value_set_on_diffs_output_is_converted_as_a_plain_dicts_would_be() -> None:
    changes = diff({"name": "a"}, {"name": "b"})
    assert _jsonable(changes) is changes  # diff's output is not converted twice
    changes["sites"] = {"before": {"x\x00", "b"}, "after": date(2025, 1, 2)}
    changes.update(count={"before": 1.5, "after": None})
    plain = {"name": {"before": "a", "after": "b"},
             "sites": {"before": {"x\x00", "b"}, "after": date(2025, 1, 2)},
             "count": {"before": 1.5, "after": None}}

    assert changes == _jsonable(plain)
    school = SchoolFactory()
    audit_record_many([{"action": "tests.thing.updated", "school": school, "changes": changes}])
    event = AuditEvent.objects.get(school=school)
    assert event.changes == {"count": {"after": None, "before": "1.5"},
                             "name": {"after": "b", "before": "a"},
                             "sites": {"after": "2025-01-02", "before": ["b", "x\ufffd"]}}


def test_an_unknown_argument_in_a_batch_is_refused_and_nothing_is_appended() -> None:
    school = SchoolFactory()
    with pytest.raises(TypeError, match="chnages"):
        audit_record_many([{"action": "tests.thing.updated", "school": school},
                           {"action": "tests.thing.updated", "school": school, "chnages": {}}])
    assert not AuditEvent.objects.filter(school=school).exists()


def test_a_batchs_public_ids_are_increasing_version_7_uuids_read_back_as_written() -> None:
    ids = time_ordered_public_ids(5000)
    assert ids == sorted(ids) and len(set(ids)) == 5000
    for text in ids:
        parsed = uuid.UUID(text)
        assert (parsed.version, parsed.variant, str(parsed)) == (7, uuid.RFC_4122, text)
    # The time in milliseconds leads, so a later batch's ids come after.
    assert abs(int(ids[0][:8] + ids[0][9:13], 16) - time.time() * 1000) < 60_000
    school = SchoolFactory()
    audit_record_many([{"action": "tests.thing.created", "school": school}] * 3)
    stored = list(AuditEvent.objects.filter(school=school).order_by("sequence")
                  .values_list("public_id", flat=True))
    assert [value.version for value in stored] == [7, 7, 7]
    assert stored == sorted(stored) and len(set(stored)) == 3


@pytest.mark.parametrize("value", [
    {"b": {"before": None, "after": "Zoë\ufffd"}, "a": [1, 2.5, True, None], "1": {}},
    [], {}, "plain text", 3, None, "a\"quote\\",
])
def test_canonical_json_is_jsons_own_sorted_compact_text(value: object) -> None:
    assert canonical_json(value) == json.dumps(value, sort_keys=True, separators=(",", ":"),
                                               ensure_ascii=False)

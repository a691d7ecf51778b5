"""A batch through ``audit_record_many`` makes exactly the chains ``audit_record`` makes.

Hypothesis draws events spread over several chains (schools and the global chain), with
changes holding the awkward values the hashing must treat the same way in both paths (NUL,
lone surrogates, floats, nested lists and sets, non-ASCII text), after a few events already
on the chains; a new record's changes are given to the batch as their text (NewRecordChanges)
when drawn so. The same events are appended once one at a time and once as a batch, each in
a savepoint rolled back afterwards, with the same event ids and the same clock; the stored
rows must then agree in every hashed field, sequence, link, hash and canonical byte.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any
from unittest import mock

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.factories import SchoolFactory, UserFactory

from schoolkeep.audit import context
from schoolkeep.audit import services as audit_services
from schoolkeep.audit.hashing import canonical_json, hashed_fields
from schoolkeep.audit.models import AuditChainHead, AuditEvent
from schoolkeep.audit.services import NewRecordChanges, audit_record, audit_record_many, diff
from schoolkeep.audit.verify import audit_verify

pytestmark = pytest.mark.django_db

CHAINS = 3  # two schools and the global chain
MOMENT = datetime(2025, 3, 4, 5, 6, 7, 890123, tzinfo=UTC)

texts = st.text(max_size=12) | st.sampled_from(["", "a\x00b", "\ud800x", "Zoë £5", "x" * 300])
scalars = st.none() | st.booleans() | st.integers(-(2**40), 2**40) | texts | st.floats(
    allow_nan=False) | st.dates()
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.frozensets(st.integers(0, 9), max_size=3), max_leaves=6)
records = st.dictionaries(st.sampled_from(["name", "purpose", "dbs", "owner", "sites"]),
                          values, max_size=4)
events = st.lists(st.fixed_dictionaries({
    "chain": st.integers(0, CHAINS - 1),
    "action": st.sampled_from(["tests.thing.created", "tests.thing.updated", "tests.ü"]),
    "with_actor": st.booleans(),
    "target_id": st.text(max_size=8),
    "target_label": texts,
    "before": st.none() | records,
    "after": records,
    "raw": st.booleans(),  # changes given as they are, not through diff()
    # A new record's changes given to the batch as their text (NewRecordChanges).
    "as_text": st.booleans(),
    # The school as a record, its id or its id as text: one batch may mix them.
    "school_as": st.sampled_from(["record", "id", "text"]),
}), min_size=1, max_size=25)


def given_as(school: Any, form: str) -> Any:
    if school is None or form == "record":
        return school
    return school.pk if form == "id" else str(school.pk)


@contextmanager
def fixed_ids_and_clock() -> Iterator[None]:
    """Event ids 1, 2, 3... and one instant, so two runs can be compared byte for byte."""
    counter = itertools.count(1)
    field = AuditEvent._meta.get_field("public_id")
    # Django caches a field's default callable as ``_get_default`` (audit_record's ids); a
    # batch draws its ids from ``time_ordered_public_ids``: both from the same counter.
    with mock.patch.object(field, "_get_default", lambda: uuid.UUID(int=next(counter))), \
            mock.patch.object(audit_services, "time_ordered_public_ids", lambda count: [
                str(uuid.UUID(int=next(counter))) for _ in range(count)]), \
            mock.patch.object(audit_services.timezone, "now", return_value=MOMENT):
        yield


def stored_chains() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    rows = []
    for event in AuditEvent.objects.order_by("chain", "sequence"):
        fields = hashed_fields(event)
        canonical = canonical_json({**fields, "previous_hash": event.previous_hash})
        rows.append((event.chain, event.sequence, event.previous_hash, event.hash,
                     canonical, event.changes))
    heads = sorted(AuditChainHead.objects.values_list("chain", "sequence", "last_hash"))
    return rows, heads


def appended(arguments: list[dict[str, Any]], *, batch: bool
             ) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The chains after appending the events, then rolled back."""
    with transaction.atomic(), fixed_ids_and_clock(), context.audit_context(
            request_id="req-1", ip_address="192.0.2.9", actor_label="cli:tester"):
        for school in (arguments[0]["school"], None):  # events already on some chains
            audit_record(action="tests.before", school=school)
        if batch:
            audit_record_many(arguments)
        else:
            for fields in arguments:
                audit_record(**fields)
        assert audit_verify().ok
        chains = stored_chains()
        transaction.set_rollback(True)
    return chains


def is_new_as_text(event: dict[str, Any]) -> bool:
    return event["as_text"] and not event["raw"] and not event["before"]


def audited(after: dict[str, Any]) -> dict[str, Any]:
    """A new record's values as the people services give them to diff(): a blank secret
    as None (no change), the rule NewRecordChanges writes by."""
    return {name: (value or None) if name == "dbs" else value for name, value in after.items()}


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(drawn=events)
def test_a_batch_gives_the_same_chains_as_one_event_at_a_time(drawn: list[dict[str, Any]]
                                                             ) -> None:
    schools = [SchoolFactory(), SchoolFactory(), None]
    actor = UserFactory()
    arguments = [{
        "action": event["action"],
        "school": given_as(schools[event["chain"]], event["school_as"]),
        "actor": actor if event["with_actor"] else None,
        "target_type": "tests.thing", "target_id": event["target_id"],
        "target_label": event["target_label"],
        "changes": event["after"] if event["raw"] else diff(
            None if is_new_as_text(event) else event["before"],
            audited(event["after"]) if is_new_as_text(event) else event["after"],
            secret_fields=["dbs"]),
    } for event in drawn]
    as_text = [{**{k: v for k, v in fields.items() if k != "changes"}, "changes_json":
                NewRecordChanges(event["after"], secret_fields=["dbs"]).text(event["after"])}
               if is_new_as_text(event) else fields
               for fields, event in zip(arguments, drawn, strict=True)]

    one_at_a_time = appended(arguments, batch=False)
    in_one_batch = appended(as_text, batch=True)

    assert in_one_batch == one_at_a_time
    events_stored, _ = in_one_batch
    assert len(events_stored) == len(drawn) + 2  # none dropped, none merged


def test_the_batch_keeps_every_event_even_identical_ones() -> None:
    school = SchoolFactory()
    same = {"action": "tests.thing.updated", "school": school, "target_type": "tests.thing",
            "target_id": "1", "changes": {"n": {"before": 1, "after": 2}}}

    assert audit_record_many([same, same, same]) == 3

    hashes = list(AuditEvent.objects.filter(school=school).values_list("hash", flat=True))
    assert len(hashes) == 3 and len(set(hashes)) == 3

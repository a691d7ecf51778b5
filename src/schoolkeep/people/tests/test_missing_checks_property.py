"""Random writes through the people services keep the stored missing-check facts equal to a
full recomputation, and the duty counts equal to the statuses of the listed duties.

After every write: ``differences()`` (SQL, from ``rules.missing_q``) finds nothing; each
person's facts equal what ``rules.check_states`` decides in Python for that person; and
``counts`` agrees with ``for_school`` in each school.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.factories import OrganisationFactory, SchoolFactory

from schoolkeep.duties.types import DUE, OVERDUE, DutyCounts
from schoolkeep.lib.errors import DomainError
from schoolkeep.people import services
from schoolkeep.people.duties import provider
from schoolkeep.people.missing_checks import differences
from schoolkeep.people.models import CheckRule, CheckType, Person, PersonKind
from schoolkeep.people.rules.rule_sets import check_states, rule_set_for
from schoolkeep.people.rules.services import (
    rules_reset_for_organisation,
    rules_reset_for_school,
    rules_set_for_organisation,
    rules_set_for_school,
)
from schoolkeep.tenancy.models import School

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 10)
C, K, COND = CheckType, PersonKind, CheckRule.Condition
CHECKS = [C.IDENTITY, C.ENHANCED_DBS, C.SECTION_128, C.AGENCY_CONFIRMATION]
KINDS = [K.TEACHING, K.SUPPORT, K.AGENCY]
FLAGS = ["is_management_post", "does_teaching_work"]
RULES = st.lists(st.tuples(st.sampled_from(CHECKS), st.sampled_from(KINDS),
                           st.sampled_from([COND.ALWAYS, COND.MANAGEMENT_POST,
                                            COND.TEACHING_WORK])),
                 min_size=1, max_size=4)
PERSON = st.integers(0, 2)  # which person (modulo how many exist)
# Few choices, so that drawn writes often meet the same person and check.
TOUCHED = st.sampled_from([C.ENHANCED_DBS, C.AGENCY_CONFIRMATION])

writes = st.lists(st.one_of(
    st.tuples(st.just("add"), st.integers(0, 1), st.sampled_from(KINDS),
              st.sampled_from(FLAGS), st.booleans()),
    st.tuples(st.just("kind"), PERSON, st.sampled_from(KINDS)),
    st.tuples(st.just("flag"), PERSON, st.sampled_from(FLAGS), st.booleans()),
    st.tuples(st.just("check"), PERSON, TOUCHED, st.booleans()),
    st.tuples(st.just("override"), PERSON, TOUCHED,
              st.sampled_from([True, False, None])),
    st.tuples(st.just("school_rules"), st.integers(0, 1), st.none() | RULES),
    st.tuples(st.just("trust_rules"), st.none() | RULES),
    st.tuples(st.just("leave"), PERSON, st.integers(-3, 3)),
), min_size=3, max_size=12)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def apply(write: tuple[Any, ...], schools: list[School]) -> None:
    """One write through the services (a refused one is a write that did not happen)."""
    people = list(Person.objects.order_by("pk"))
    op, *args = write
    who = people[args[0] % len(people)] if people and op not in (
        "add", "school_rules", "trust_rules") else None
    if op not in ("add", "school_rules", "trust_rules") and who is None:
        return
    if op == "add":
        services.person_create(school=schools[args[0]], actor=None, full_name="A Person",
                               kind=args[1], start_date=TODAY, **{args[2]: args[3]})
    elif op == "kind":
        services.person_update(person=who, actor=None, version=who.version, kind=args[1])
    elif op == "flag":
        services.person_update(person=who, actor=None, version=who.version,
                               **{args[1]: args[2]})
    elif op == "check":
        done = {"status": "done", "done_on": TODAY} if args[2] else {"status": "pending"}
        services.check_save(person=who, actor=None, check_type=args[1], **done)
    elif op == "override" and args[2] is None:
        services.override_clear(person=who, actor=None, check_type=args[1])
    elif op == "override":
        services.override_set(person=who, actor=None, check_type=args[1], required=args[2],
                              reason="Drawn by the test")
    elif op == "school_rules" and args[1] is None:
        rules_reset_for_school(school=schools[args[0]], actor=None)
    elif op == "school_rules":
        rules_set_for_school(school=schools[args[0]], actor=None, rules=args[1])
    elif op == "trust_rules" and args[0] is None:
        rules_reset_for_organisation(organisation=schools[0].organisation, actor=None)
    elif op == "trust_rules":
        rules_set_for_organisation(organisation=schools[0].organisation, actor=None,
                                   rules=args[0])
    elif op == "leave":
        services.person_mark_leaver(person=who, actor=None,
                                    leaving_date=TODAY + timedelta(days=args[1]))


def decided_in_python(person: Person) -> tuple[bool, bool]:
    """The facts as the person page decides them, one person at a time."""
    states = check_states(person, rule_set_for(person.school))
    missing = {state.check_type for state in states if state.missing}
    return bool(missing - {C.AGENCY_CONFIRMATION}), C.AGENCY_CONFIRMATION in missing


def assert_in_step(schools: list[School]) -> None:
    assert differences() == []
    for person in Person.objects.select_related("school").prefetch_related("checks",
                                                                          "overrides"):
        stored = (person.checks_missing, person.agency_confirmation_missing)
        assert stored == decided_in_python(person)
    horizon = NOW + timedelta(days=14)
    counts = provider.counts([s.pk for s in schools], now=NOW, horizon=horizon)
    for school in schools:
        duties = provider.for_school(school.pk, now=NOW, horizon=horizon)
        listed = DutyCounts(due=sum(d.status == DUE for d in duties),
                            overdue=sum(d.status == OVERDUE for d in duties))
        assert counts.get(school.pk, DutyCounts()) == listed


# 15 sequences of up to 12 writes, each checked after every write (a full recount each time):
# 25 took two minutes of CI on each database for little more reach.
@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(drawn=writes)
def test_stored_facts_and_counts_follow_every_write(drawn: list[tuple[Any, ...]]) -> None:
    with transaction.atomic():
        trust = OrganisationFactory()
        schools = [SchoolFactory(organisation=trust),
                   SchoolFactory(organisation=trust, kind=School.Kind.ACADEMY)]
        for school, kind in zip(schools, (K.TEACHING, K.AGENCY), strict=True):
            services.person_create(school=school, actor=None, full_name="First Person",
                                   kind=kind, start_date=TODAY)
        for write in drawn:
            with contextlib.suppress(DomainError):  # a refused write changes nothing
                apply(write, schools)
            assert_in_step(schools)
        transaction.set_rollback(True)

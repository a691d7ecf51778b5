"""Duties of the policy register: reviews due (within the horizon) or overdue, for the
policy's owner or else the SIRO; versions waiting for the governors; counts that agree with
the lists across schools, in one query; lists in two."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from tests.factories import SchoolFactory

from schoolkeep.agreements.policies.duties import provider
from schoolkeep.agreements.policies.services import (
    policy_create,
    version_add,
    version_send_for_review,
)
from schoolkeep.duties import compiled, registry
from schoolkeep.duties.selectors import duties_for_school
from schoolkeep.duties.types import DUE, OVERDUE, DutyCounts
from schoolkeep.tenancy.roles import Role

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 10)
HORIZON = timedelta(days=14)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def policy(school, title, *, review_in: int | None, owner=None):
    next_review = TODAY + timedelta(days=review_in) if review_in is not None else ""
    return policy_create(school=school, actor=None, title=title, owner=owner,
                         next_review=next_review)


def waiting(school, title, *, sent_days_ago: int = 0):
    made = policy(school, title, review_in=None)
    version = version_add(policy=made, actor=None, text=title)
    with time_machine.travel(NOW - timedelta(days=sent_days_ago), tick=False):
        version_send_for_review(version=version, actor=None, notify=False)
    return version


def listed(school, now=NOW):
    return provider.for_school(school.pk, now=now, horizon=now + HORIZON)


def agree(school):
    duties = listed(school)
    counted = provider.counts([school.pk], now=NOW, horizon=NOW + HORIZON).get(
        school.pk, DutyCounts())
    assert counted == DutyCounts(due=sum(d.status == DUE for d in duties),
                                 overdue=sum(d.status == OVERDUE for d in duties))
    return duties


def test_the_provider_is_registered():
    assert registry.label_for("policies") == "Policies and their reviews"
    assert any(p is provider for p in registry.providers())


def test_reviews_due_within_the_horizon_or_overdue_are_listed(personas):
    policy(personas.school, "Overdue Policy", review_in=-1)
    policy(personas.school, "Due Today Policy", review_in=0)
    policy(personas.school, "Due Soon Policy", review_in=13)
    policy(personas.school, "Later Policy", review_in=14)
    policy(personas.school, "Undated Policy", review_in=None)
    duties = {d.subject: d for d in agree(personas.school)}
    assert set(duties) == {"Overdue Policy", "Due Today Policy", "Due Soon Policy"}
    assert duties["Overdue Policy"].status == OVERDUE
    assert duties["Due Today Policy"].status == DUE
    assert duties["Due Soon Policy"].due_at == TODAY + timedelta(days=13)
    assert all(d.title == "Review a school policy" for d in duties.values())


def test_a_review_is_the_owners_while_a_member_else_the_siros(personas):
    owned = policy(personas.school, "Owned Policy", review_in=-5, owner=personas.dpo)
    policy(personas.school, "Unowned Policy", review_in=-5)
    by_subject = {d.subject: d for d in duties_for_school(personas.school, NOW)
                  if d.module == "policies"}
    assert by_subject["Owned Policy"].owner_user_ids == (personas.dpo.pk,)
    assert by_subject["Owned Policy"].owner_label == personas.dpo.full_name
    assert by_subject["Owned Policy"].url == reverse("policies:policy-detail",
                                                     args=[owned.public_id])
    assert by_subject["Unowned Policy"].owner_user_ids == (personas.siro.pk,)
    personas.dpo.memberships.update(is_active=False)
    [duty] = [d for d in duties_for_school(personas.school, NOW) if d.subject == "Owned Policy"]
    assert duty.owner_user_ids == (personas.siro.pk,)


def test_versions_waiting_are_the_governors_and_late_after_14_days(personas):
    fresh = waiting(personas.school, "Fresh Policy", sent_days_ago=0)
    waiting(personas.school, "Late Policy", sent_days_ago=15)
    duties = {d.subject: d for d in agree(personas.school)}
    assert duties["Fresh Policy, version 1"].status == DUE
    assert duties["Fresh Policy, version 1"].due_at == TODAY + timedelta(days=14)
    assert duties["Late Policy, version 1"].status == OVERDUE
    resolved = [d for d in duties_for_school(personas.school, NOW)
                if d.subject == "Fresh Policy, version 1"]
    assert resolved[0].owner_user_ids == (personas.governor.pk,)
    assert resolved[0].owner_role == Role.GOVERNOR
    assert resolved[0].url == reverse("policies:version-approve", args=[fresh.public_id])


def test_a_review_waiting_for_the_governors_is_not_the_owners_duty_too(personas):
    made = policy(personas.school, "Sent Policy", review_in=-3, owner=personas.dpo)
    version = version_add(policy=made, actor=None, text="New")
    version_send_for_review(version=version, actor=None, notify=False)
    kinds = [d.key.split(":")[0] for d in agree(personas.school)]
    assert kinds == ["policies.policy-approval"]


def test_archived_policies_raise_nothing(personas):
    made = policy(personas.school, "Old Policy", review_in=-3)
    type(made).objects.filter(pk=made.pk).update(archived_at=NOW)
    assert agree(personas.school) == []


_made = iter(range(1_000_000))


def raise_each(school, n: int) -> None:
    for _ in range(n):
        i = next(_made)
        policy(school, f"Review {school.slug} {i}", review_in=(i % 5) - 2)
        waiting(school, f"Waiting {school.slug} {i}", sent_days_ago=(i % 6) * 5)


def test_counts_agree_with_the_lists_across_two_schools(personas):
    other = SchoolFactory(slug="elmwood")
    raise_each(personas.school, 5)
    raise_each(other, 2)
    counts = provider.counts([personas.school.pk, other.pk], now=NOW, horizon=NOW + HORIZON)
    for school in (personas.school, other):
        duties = listed(school)
        assert counts[school.pk] == DutyCounts(
            due=sum(d.status == DUE for d in duties),
            overdue=sum(d.status == OVERDUE for d in duties))
    assert counts[personas.school.pk].total > counts[other.pk].total > 0
    assert counts[personas.school.pk].overdue > 0 and counts[personas.school.pk].due > 0
    assert provider.counts([], now=NOW, horizon=NOW + HORIZON) == {}


def test_counts_are_one_query_and_lists_one_whatever_the_size(personas,
                                                              django_assert_num_queries):
    other = SchoolFactory(slug="elmwood")
    raise_each(personas.school, 1)
    ids = [personas.school.pk, other.pk]
    with django_assert_num_queries(1):
        provider.counts(ids, now=NOW, horizon=NOW + HORIZON)
    with django_assert_num_queries(1):  # reviews and approvals in one UNION ALL
        few = listed(personas.school)
    raise_each(personas.school, 8)
    raise_each(other, 3)
    with django_assert_num_queries(1):
        provider.counts(ids, now=NOW, horizon=NOW + HORIZON)
    with django_assert_num_queries(1):
        many = listed(personas.school)
    assert len(many) > len(few)


def test_kept_lists_answer_as_fresh_sql_after_writes_and_on_other_days(personas):
    """``for_school`` and ``counts`` run from SQL kept per school (``duties.compiled``), the
    days put in: later days compile nothing more."""
    raise_each(personas.school, 2)
    policy(personas.school, "Due in five days", review_in=5)  # due, then overdue
    policy(personas.school, "Due in thirty days", review_in=30)  # listed from day 16
    moments = [NOW, NOW + timedelta(days=10), NOW + timedelta(days=20)]
    expected = []
    for moment in moments:
        compiled.forget()
        expected.append(listed(personas.school, moment))
    assert expected[0] != expected[1] != expected[2]  # statuses change as days pass
    compiled.forget()
    assert [listed(personas.school, moment) for moment in moments] == expected
    ids = [personas.school.pk]
    counted = [provider.counts(ids, now=moment, horizon=moment + HORIZON) for moment in moments]
    kept = sorted(key[2][:2] for key in compiled._kept)  # three days: one of each, kept
    assert kept == [("policies", "counts"), ("policies", "lists")]
    fresh = []
    for moment in moments:
        compiled.forget()
        fresh.append(provider.counts(ids, now=moment, horizon=moment + HORIZON))
    assert counted == fresh and counted[0] != counted[2]
    raise_each(personas.school, 1)
    after = listed(personas.school, NOW)
    compiled.forget()
    assert after == listed(personas.school, NOW) != expected[0]

"""Measures of the policy register: every current policy in date, and the school's Online
Security Policy on its own (1 of 1 / 0 of 1, no figure without one), both in ONE query."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from tests.factories import SchoolFactory

from schoolkeep.agreements.policies.measures import IN_DATE, ONLINE_SECURITY_IN_DATE, provider
from schoolkeep.agreements.policies.models import Policy
from schoolkeep.duties.types import local_date
from schoolkeep.overview.tests.records import policy

pytestmark = pytest.mark.django_db


def online_security(school, *, approved: bool, next_review_on: date | None,
                    title: str = "Online Security Policy") -> Policy:
    found = policy(school, title, approved=approved, next_review_on=next_review_on)
    Policy.objects.filter(pk=found.pk).update(kind=Policy.Kind.ONLINE_SECURITY)
    return found


def test_the_online_security_policy_is_measured_on_its_own(django_assert_num_queries) -> None:
    now = timezone.now()
    today = local_date(now)
    in_date, overdue, unapproved, none, archived = (SchoolFactory() for _ in range(5))
    # In date, while another policy of the school is past its review date.
    online_security(in_date, approved=True, next_review_on=today + timedelta(days=30))
    policy(in_date, "Uniform", approved=True, next_review_on=today - timedelta(days=30))
    # Past its review date, while every other policy is in date.
    online_security(overdue, approved=True, next_review_on=today - timedelta(days=1))
    policy(overdue, "Child protection", approved=True, next_review_on=today + timedelta(days=9))
    # Never approved: nothing of it is in force.
    online_security(unapproved, approved=False, next_review_on=None)
    # No Online Security Policy, only another one in date.
    policy(none, "Child protection", approved=True, next_review_on=None)
    # Only an archived one.
    gone = online_security(archived, approved=True, next_review_on=None)
    policy(archived, "Uniform", approved=True, next_review_on=None)
    Policy.objects.filter(pk=gone.pk).update(archived_at=now)

    schools = [in_date.pk, overdue.pk, unapproved.pk, none.pk, archived.pk]
    with django_assert_num_queries(1):
        figures = provider.figures(schools, now=now)

    assert figures == {
        in_date.pk: {IN_DATE: (1, 2), ONLINE_SECURITY_IN_DATE: (1, 1)},
        overdue.pk: {IN_DATE: (1, 2), ONLINE_SECURITY_IN_DATE: (0, 1)},
        unapproved.pk: {IN_DATE: (0, 1), ONLINE_SECURITY_IN_DATE: (0, 1)},
        none.pk: {IN_DATE: (1, 1)},
        archived.pk: {IN_DATE: (1, 1)},
    }


def test_the_review_date_itself_is_still_in_date() -> None:
    now = timezone.now()
    school = SchoolFactory()
    online_security(school, approved=True, next_review_on=local_date(now))
    assert provider.figures([school.pk], now=now)[school.pk][ONLINE_SECURITY_IN_DATE] == (1, 1)


def test_the_new_measure_is_declared_with_its_wording() -> None:
    spec = next(spec for spec in provider.specs if spec.key == ONLINE_SECURITY_IN_DATE)
    assert spec.area == "policies" and spec.url_name == "policies:policy-list"
    assert "Online Security Policy" in spec.label and "Online Security Policy" in spec.empty

"""Rows that data migrations seed survive the flush that ends a transactional test, so the
tests a worker runs after one still find them (see tests/fixtures.py)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from schoolkeep.people.defaults import DEFAULT_SETS
from schoolkeep.people.models import CheckRule


@pytest.mark.django_db(transaction=True)
def test_the_default_check_rules_are_there_again_after_a_flush() -> None:
    seeded = sum(len(rules) for rules in DEFAULT_SETS.values())
    defaults = CheckRule.objects.filter(school__isnull=True, organisation__isnull=True)
    assert defaults.count() == seeded

    call_command("flush", interactive=False, verbosity=0)  # as a transactional test ends

    assert defaults.count() == seeded

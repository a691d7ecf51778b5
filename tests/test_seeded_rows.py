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


@pytest.mark.django_db(transaction=True)
def test_the_built_in_compliance_catalogue_is_there_again_after_a_flush() -> None:
    from schoolkeep.compliance.models import Control, Framework, Requirement

    def counts() -> tuple[int, int, int]:
        return (Control.objects.filter(school__isnull=True).count(),
                Framework.objects.filter(is_current=True).count(),
                Requirement.objects.filter(school__isnull=True).count())

    before = counts()
    assert before[0] > 0 and before[1] == 3 and before[2] > 0

    call_command("flush", interactive=False, verbosity=0)

    assert counts() == before

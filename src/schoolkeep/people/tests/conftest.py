"""Fixtures of the people tests."""

from __future__ import annotations

import pytest
from tests.factories import SchoolFactory

from schoolkeep.people.models import CheckType, PersonKind
from schoolkeep.people.rules.services import rules_set_for_school
from schoolkeep.people.tests.trust_rules_helpers import ALWAYS


@pytest.fixture
def willow(personas):
    """A second school of the trust, with rules of its own."""
    school = SchoolFactory(name="Willow Primary", slug="willow",
                           organisation=personas.school.organisation)
    rules_set_for_school(school=school, actor=None,
                         rules=[(CheckType.ENHANCED_DBS, PersonKind.TEACHING, ALWAYS)])
    return school

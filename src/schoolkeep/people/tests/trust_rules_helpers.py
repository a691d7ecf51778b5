"""What the trust-rules tests share: the trust's rules they set and the edit form as posted
(the second school of the trust, ``willow``, is a fixture in conftest.py)."""

from __future__ import annotations

from schoolkeep.people.models import CheckRule, CheckType, PersonKind
from schoolkeep.people.rules.forms import NOT_REQUIRED, field_name

ALWAYS = CheckRule.Condition.ALWAYS
# The trust's rules of these tests: only support staff need an identity check.
TRUST_RULES = [(CheckType.IDENTITY, PersonKind.SUPPORT, ALWAYS)]


def trust_form(based_on: str, rules=TRUST_RULES) -> dict[str, str]:
    """The edit form as posted: every cell "not required" but ``rules`` (what the review
    posted to turn the enhanced DBS and barred-list checks off)."""
    data = {"based_on": based_on}
    for check_type in CheckType.values:
        for kind in PersonKind.values:
            data[field_name(check_type, kind)] = NOT_REQUIRED
    for check_type, kind, condition in rules:
        data[field_name(check_type, kind)] = condition
    return data


"""Wrong second-factor codes sent at once cannot beat the limit: the attempt is counted and
checked in one step in the throttle table (issue 12, finding 3; allauth's own rate limit read
and then wrote a cache entry). Run on a SQLite database file and on PostgreSQL."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from tests.personas import Personas

from schoolkeep.accounts.forms import MFA_CODES, _limit_code_attempts
from schoolkeep.throttles.tests.racing import racing_database

pytestmark = pytest.mark.django_db(transaction=True)


def _wrong_code() -> str:
    raise ValidationError("Incorrect code.")


def test_codes_at_once_reach_the_check_exactly_the_limit_times(personas: Personas) -> None:
    user = personas.siro

    def guess(_: int) -> str:
        try:
            _limit_code_attempts(user, _wrong_code)
        except ValidationError as exc:
            return "checked" if "Incorrect" in str(exc) else "refused"
        return "accepted"

    with racing_database() as race:
        outcomes = race.run(25, guess)
    assert Counter(outcomes) == {"checked": MFA_CODES.limit, "refused": 25 - MFA_CODES.limit}


def test_one_account_s_guesses_do_not_use_up_another_s(personas: Personas) -> None:
    for _ in range(MFA_CODES.limit):
        with pytest.raises(ValidationError):
            _limit_code_attempts(personas.siro, _wrong_code)
    assert _limit_code_attempts(personas.dpo, lambda: "123456") == "123456"

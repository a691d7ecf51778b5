"""The duties' oversight links open the list filtered to the duty's set."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.continuity.checks import duties
from schoolkeep.continuity.tests.test_checks_services import make_set, record
from schoolkeep.continuity.tests.test_restores_pages import make_test
from schoolkeep.duties.types import HORIZON

Login = Callable[[User], Client]
pytestmark = pytest.mark.django_db


def _now() -> datetime:
    return datetime.combine(timezone.localdate(), datetime.min.time(), tzinfo=UTC)


def test_the_duties_links_open_a_list_of_their_set(personas: Personas, login: Login) -> None:
    nas, tapes = make_set(personas.school), make_set(personas.school, "Tapes")
    today = timezone.localdate()
    record(personas.school, nas, checked_on=today - timedelta(days=60))
    record(personas.school, tapes, checked_on=today - timedelta(days=60))
    make_test(nas, days_ago=30, outcome="failed", notes="Would not read")
    make_test(tapes, days_ago=30, outcome="failed", notes="Would not read")
    now = _now()
    client = login(personas.siro)
    check_duty = next(d for d in duties.check_provider.for_school(
        personas.school.pk, now=now, horizon=now + HORIZON) if d.subject.startswith(nas.name))
    html = client.get(check_duty.oversight_url).content.decode()
    assert "Checks recorded (1)" in html
    failed = next(d for d in duties.restore_provider.for_school(
        personas.school.pk, now=now, horizon=now + HORIZON)
        if d.key == f"{duties.FAILED}:{nas.public_id}")
    html = client.get(failed.oversight_url).content.decode()
    assert "Tests recorded (1)" in html

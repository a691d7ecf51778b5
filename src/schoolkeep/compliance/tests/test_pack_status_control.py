"""The control "governor-pack-received" as the state engine reads it from the pack's measure
and duty: not yet assessed before any pack (while its first term runs), partly met with a
pack built but not received, met once received, and not met when a term passes without one
(an overdue duty outweighs the figure)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from tests.personas import Personas

from schoolkeep.compliance.models import Control, GovernorPack, State
from schoolkeep.compliance.state.engine import control_states
from schoolkeep.tenancy.models import School, Term

pytestmark = pytest.mark.django_db

AUTUMN = (date(2030, 9, 2), date(2030, 12, 20))
SPRING = (date(2031, 1, 6), date(2031, 4, 4))
SUMMER = (date(2031, 4, 22), date(2031, 7, 22))


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


@pytest.fixture
def school(personas: Personas) -> School:
    school = personas.school
    for name, (start, end) in (("autumn", AUTUMN), ("spring", SPRING), ("summer", SUMMER)):
        Term.objects.create(school=school, academic_year=2030, name=name, starts_on=start,
                            ends_on=end)
    School.objects.filter(pk=school.pk).update(created_at=at(date(2030, 9, 10)))
    school.refresh_from_db()
    return school


def pack_state(school: School, day: date) -> str:
    control = Control.objects.get(school__isnull=True, code="governor-pack-received")
    return control_states(school, now=at(day))[control.pk].state


def test_the_control_follows_the_pack(school: School) -> None:
    assert pack_state(school, date(2030, 10, 1)) == State.NOT_ASSESSED  # nothing yet
    pack = GovernorPack.objects.create(
        school=school, term_label="Autumn 2030", term_starts_on=AUTUMN[0],
        term_ends_on=AUTUMN[1], status=GovernorPack.Status.READY, requested_by_label="SIRO")
    assert pack_state(school, date(2030, 12, 1)) == State.PARTLY  # built, not yet received
    assert pack_state(school, date(2030, 12, 21)) == State.NOT_MET  # autumn passed without
    GovernorPack.objects.filter(pk=pack.pk).update(received_on=date(2030, 12, 15),
                                                   received_meeting="Full governing body")
    assert pack_state(school, date(2030, 12, 21)) == State.MET
    assert pack_state(school, SPRING[1]) == State.MET  # spring's is due on its last day
    assert pack_state(school, date(2031, 4, 5)) == State.NOT_MET  # and overdue after it

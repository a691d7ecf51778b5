"""The incident duties' lists run from SQL kept between calls (``duties.compiled``) and
answer as SQL compiled afresh at other moments and days (their instants and days put in)
and after writes."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from tests.personas import Personas

from schoolkeep.duties import compiled
from schoolkeep.duties.types import Duty, DutyCounts
from schoolkeep.incidents.handling.actions import action_add

from .test_duties_incidents import NOW, provider, report

pytestmark = pytest.mark.django_db


def _listed(personas: Personas, moment: datetime) -> list[Duty]:
    return provider.for_school(personas.school.pk, now=moment,
                               horizon=moment + timedelta(days=14))


def _counted(personas: Personas, moment: datetime) -> DutyCounts:
    return provider.counts([personas.school.pk], now=moment,
                           horizon=moment + timedelta(days=14))[personas.school.pk]


def test_kept_lists_answer_as_fresh_sql_at_each_moment_and_after_writes(
        personas: Personas) -> None:
    waiting = report(personas, ago=timedelta(hours=30), received_ago=timedelta(hours=20))
    report(personas, ago=timedelta(hours=80))
    with time_machine.travel(NOW, tick=False):
        action_add(incident=waiting, actor=personas.dpo, kind="containment",
                   description="Recall the e-mail", owner=personas.siro,
                   due_on=date(2026, 6, 12))
    # Triage falls overdue, ICO deadlines pass and the action falls due as time moves on.
    moments = [NOW + timedelta(hours=h) for h in (0, 5, 45, 24 * 3)]
    expected = []
    for moment in moments:
        compiled.forget()
        expected.append(_listed(personas, moment))
    assert len({tuple(d.status for d in duties) for duties in expected}) > 1
    compiled.forget()
    assert [_listed(personas, moment) for moment in moments] == expected
    counted = [_counted(personas, moment) for moment in moments]  # from kept SQL after the first
    # One kept query of each for every moment over four days (the days put in), not refused.
    kept = sorted(key[2][:2] for key in compiled._kept if key[2][0] == "incidents")
    assert kept == [("incidents", "counts"), ("incidents", "lists")]
    fresh = []
    for moment in moments:
        compiled.forget()
        fresh.append(_counted(personas, moment))
    assert counted == fresh and len(set(counted)) > 1
    report(personas, ago=timedelta(hours=2))
    after = _listed(personas, NOW)
    compiled.forget()
    assert after == _listed(personas, NOW) != expected[0]

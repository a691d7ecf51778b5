"""The backup duty's counts (``_arises`` only, no Duty built per school) agree with the
``for_school`` lists, school by school: a school new to the installation and an older one,
with no run, a good run, and a failed run after it, at moments either side of 36 hours,
from SQL kept between calls (``duties.compiled``)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from tests.factories import SchoolFactory

from schoolkeep.backups.duties_backups import BackupDuties
from schoolkeep.backups.models import BackupRun
from schoolkeep.duties import compiled
from schoolkeep.duties.types import HORIZON
from schoolkeep.tenancy.models import School

pytestmark = pytest.mark.django_db


def listed(schools: list[School], now: datetime) -> dict[int, int]:
    provider = BackupDuties()
    found = {school.pk: len(provider.for_school(school.pk, now=now, horizon=now + HORIZON))
             for school in schools}
    return {pk: n for pk, n in found.items() if n}


def counted(schools: list[School], now: datetime) -> dict[int, int]:
    counts = BackupDuties().counts([school.pk for school in schools], now=now,
                                   horizon=now + HORIZON)
    assert all(c.due == 0 for c in counts.values())  # overdue from the moment it arises
    return {pk: c.overdue for pk, c in counts.items()}


def test_counts_agree_with_the_lists_school_by_school() -> None:
    start = timezone.now()
    old, new = SchoolFactory(), SchoolFactory()
    School.objects.filter(pk=old.pk).update(created_at=start - timedelta(days=10))
    schools = [old, new]
    moments = [start + timedelta(hours=h) for h in (0, 35, 37, 80)]
    seen = []
    for runs in ([], [(True, 1)], [(True, 1), (False, 2)]):
        BackupRun.objects.all().delete()
        for ok, hours in runs:
            at = start + timedelta(hours=hours)
            BackupRun.objects.create(started_at=at, finished_at=at, ok=ok,
                                     message="" if ok else "Disk full")
        for now in moments:
            assert counted(schools, now) == listed(schools, now)
            seen.append(counted(schools, now))
    # The rows come from SQL kept between calls, which sees each new run.
    assert any(key[2][:2] == ("backups", "schools") for key in compiled._kept)
    # The cases reached: none, only the older school, both.
    assert {} in seen and {old.pk: 1} in seen and {old.pk: 1, new.pk: 1} in seen

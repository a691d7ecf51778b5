"""Due for destruction (leavers' files past their period, less what the destruction log
covers), the yearly review, their duties, and the pages' query counts at 3 and 40 rows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import cast

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.factories import SchoolFactory

from schoolkeep.assets.tests.test_duties import asset
from schoolkeep.people.models import Person
from schoolkeep.privacy.destruction.services import destruction_record
from schoolkeep.privacy.schedule import keys
from schoolkeep.privacy.schedule.due import due_groups, reviews_due
from schoolkeep.privacy.schedule.duties import DESTRUCTION, REVIEW, provider
from schoolkeep.privacy.schedule.models import AssetRecordType
from schoolkeep.privacy.schedule.selectors import effective_record_type
from schoolkeep.privacy.schedule.services import record_type_adjust, record_type_review
from schoolkeep.tenancy.models import School

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 7)
NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
HORIZON = NOW + timedelta(days=14)


def leaver(school, left_on: date, kind: str = "teaching", n: int = 0) -> Person:
    name = f"Leaver {left_on.isoformat()} {kind} {n}"
    return Person.objects.create(school=school, full_name=name, name_key=name.lower(),
                                 kind=kind, leaving_date=left_on)


def linked(school, key: str, **fields):
    made = asset(school, **fields)
    AssetRecordType.objects.create(asset=made,
                                   record_type=effective_record_type(school, key))
    return made


def test_leavers_past_six_years_are_due_until_a_destruction_covers_them(personas) -> None:
    school = personas.school
    files = linked(school, keys.STAFF_PERSONNEL, name="HR cabinet")
    leaver(school, date(2019, 8, 31))
    leaver(school, date(2020, 8, 31), n=1)
    leaver(school, date(2020, 12, 8), n=2)  # 6 years end on 8 December 2026: not yet
    leaver(school, date(2020, 12, 7), n=3)  # ends today, at the end of the day: not yet
    leaver(school, date(2019, 7, 20), kind="volunteer")  # no personnel file
    [group] = due_groups([school.pk], today=TODAY)[school.pk]
    assert (group.asset_id, group.count) == (files.pk, 2)
    assert (group.records_from, group.records_to) == (date(2019, 8, 31), date(2020, 12, 6))
    assert group.due_on == date(2025, 9, 1)
    destruction_record(school=school, actor=None, description="Personnel files shredded",
                       method="shredding", destroyed_on=TODAY, destroyed_by_label="Office",
                       record_type=group.record_type, asset=files,
                       records_from=date(2019, 8, 31), records_to=date(2019, 12, 31))
    [group] = due_groups([school.pk], today=TODAY)[school.pk]
    assert (group.count, group.records_from) == (1, date(2020, 8, 31))
    destruction_record(school=school, actor=None, description="Personnel files shredded",
                       method="shredding", destroyed_on=TODAY, destroyed_by_label="Office",
                       record_type=group.record_type, asset=files,
                       records_to=group.records_to)
    assert due_groups([school.pk], today=TODAY) == {}


def test_the_single_central_record_counts_everyone_and_follows_the_schools_period(
        personas) -> None:
    school = personas.school
    linked(school, keys.SINGLE_CENTRAL_RECORD, name="SCR")
    leaver(school, date(2023, 7, 20), kind="volunteer")
    assert due_groups([school.pk], today=TODAY) == {}
    record_type_adjust(school=school, actor=None, version=1,
                       record_type=effective_record_type(school, keys.SINGLE_CENTRAL_RECORD),
                       years=3)
    [group] = due_groups([school.pk], today=TODAY)[school.pk]
    assert (group.count, group.record_type.school) == (1, school)


def test_destruction_duty_is_the_owners_else_the_dpos(personas) -> None:
    school = personas.school
    linked(school, keys.STAFF_PERSONNEL, name="HR cabinet")
    leaver(school, date(2018, 3, 1))
    [duty] = [d for d in provider.for_school(school.pk, now=NOW, horizon=HORIZON)
              if d.key.startswith(DESTRUCTION)]
    assert duty.owner_role == "dpo" and duty.status == "overdue"
    assert "HR cabinet" in duty.subject and "HR cabinet" not in duty.title
    assert provider.counts([school.pk], now=NOW, horizon=HORIZON)[school.pk].total == len(
        provider.for_school(school.pk, now=NOW, horizon=HORIZON))


def test_review_due_a_year_after_the_last_review(personas) -> None:
    school = personas.school
    linked(school, keys.CCTV, name="Cameras", added=-400)
    [item] = reviews_due([school.pk], until=TODAY)[school.pk]
    assert item.last_reviewed_on is None
    cctv = effective_record_type(school, keys.CCTV)
    record_type_review(school=school, actor=None, record_type=cctv,
                       reviewed_on=timezone.localdate() - timedelta(days=1))
    assert reviews_due([school.pk], until=TODAY + timedelta(days=14)) == {}
    duties = provider.for_school(school.pk, now=NOW + timedelta(days=400),
                                 horizon=HORIZON + timedelta(days=400))
    assert [d.key.split(":")[0] for d in duties] == [REVIEW]
    assert duties[0].owner_role == "dpo"


def test_counts_across_schools_in_constant_queries(personas) -> None:
    def build(count: int) -> list[int]:
        ids = []
        for _ in range(count):
            school = cast(School, SchoolFactory())
            linked(school, keys.STAFF_PERSONNEL, added=-400)
            leaver(school, date(2018, 3, 1))
            ids.append(school.pk)
        return ids

    few = build(2)
    with CaptureQueriesContext(connection) as first:
        counts = provider.counts(few, now=NOW, horizon=HORIZON)
    assert all(counts[pk].overdue == 2 for pk in few)  # destruction and review
    many = few + build(8)
    with CaptureQueriesContext(connection) as second:
        provider.counts(many, now=NOW, horizon=HORIZON)
    assert len(second) == len(first)


def _page_queries(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_due_page_query_count_does_not_grow(personas, login,
                                                django_assert_num_queries) -> None:
    client = login(personas.dpo)
    url = reverse("retention:due")
    school = personas.school
    for n in range(3):
        linked(school, keys.STAFF_PERSONNEL, name=f"Files {n:02}")
    leaver(school, date(2018, 3, 1))
    few = _page_queries(client, url)
    from schoolkeep.privacy.erasure.models import Tombstone

    for n in range(3, 40):
        files = linked(school, keys.STAFF_PERSONNEL, name=f"Files {n:02}")
        leaver(school, date(2015, 1, 1) + timedelta(days=30 * n), n=n)
        Tombstone.objects.create(school=school, subject_type="people.person",
                                 subject_id=f"erased-{n}", erased_at=NOW,
                                 person_kind="support", event_on=date(2016, 1, n % 28 + 1))
        destruction_record(school=school, actor=None, description="Shredded",
                           method="shredding", destroyed_on=TODAY, destroyed_by_label="Office",
                           record_type=effective_record_type(school, keys.STAFF_PERSONNEL),
                           asset=files, records_to=date(2014, 12, 31))
    with django_assert_num_queries(few):
        html = client.get(url).content.decode()
    assert "Due now (40)" in html and "Files 39" in html
    assert "People&#x27;s records" in html or "People's records" in html


def test_the_schedule_page_query_count_does_not_grow(personas, login,
                                                     django_assert_num_queries) -> None:
    from schoolkeep.privacy.schedule.services import record_type_add

    client = login(personas.dpo)
    url = reverse("retention:schedule")
    school = personas.school

    def add(start: int, stop: int) -> None:
        for n in range(start, stop):
            row = record_type_add(school=school, actor=None, name=f"Own type {n:02}",
                                  event="creation", years=1, action="destroy")
            AssetRecordType.objects.create(asset=asset(school), record_type=row)
            record_type_review(school=school, actor=None, record_type=row,
                               reviewed_on=timezone.localdate())

    add(0, 3)
    few = _page_queries(client, url)
    add(3, 40)
    with django_assert_num_queries(few):
        html = client.get(url).content.decode()
    assert "Own type 39" in html and "The school's records (53)" in html


def test_erased_leavers_still_count_towards_the_files_due(personas) -> None:
    """Schoolkeep erases its own row of a leaver; the school's paper personnel file is not
    erased with it, so the leaver (kept as a nameless tombstone) is still due."""
    from schoolkeep.privacy.erasure.models import Tombstone
    from schoolkeep.privacy.erasure.runner import run_erasure

    school = personas.school
    linked(school, keys.STAFF_PERSONNEL, name="HR cabinet")
    leaver(school, date(2019, 8, 31))
    leaver(school, date(2020, 8, 31), n=1)
    [group] = due_groups([school.pk], today=TODAY)[school.pk]
    assert group.count == 2
    run_erasure(school, today=TODAY, now=NOW)
    assert not Person.objects.filter(school=school).exists()
    traces = set(Tombstone.objects.filter(school=school, subject_type="people.person")
                 .values_list("person_kind", "event_on"))
    assert traces == {("teaching", date(2019, 8, 31)), ("teaching", date(2020, 8, 31))}
    [group] = due_groups([school.pk], today=TODAY)[school.pk]
    assert (group.count, group.records_from) == (2, date(2019, 8, 31))

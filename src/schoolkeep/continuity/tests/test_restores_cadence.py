"""When restore tests and backup checks are due: a restore test once a term, due on the
term's last day (a test covers its term; one in the holidays counts for the term that
follows); a failed test open until a later one works; a set's check due its window after
the last successful one (a week after it was recorded when never checked). The duties'
counts agree with their lists, and the measures follow the same rules."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from tests.personas import Personas

from schoolkeep.backups.models import BackupRun
from schoolkeep.continuity.checks import duties
from schoolkeep.continuity.checks.install import ensure_install_sets
from schoolkeep.continuity.checks.measures import RECENT, THIS_TERM
from schoolkeep.continuity.checks.measures import provider as measures
from schoolkeep.continuity.checks.status import restore_dues
from schoolkeep.continuity.models import BackupCheck, BackupSet, ContinuitySettings, RestoreTest
from schoolkeep.continuity.tests.test_checks_services import make_set
from schoolkeep.duties.types import DUE, HORIZON, OVERDUE, DutyCounts
from schoolkeep.tenancy.models import Term

pytestmark = pytest.mark.django_db

AUTUMN = (date(2030, 9, 2), date(2030, 12, 20))
SPRING = (date(2031, 1, 6), date(2031, 4, 4))
SUMMER = (date(2031, 4, 22), date(2031, 7, 22))
NEXT_AUTUMN = (date(2031, 9, 3), date(2031, 12, 19))


@pytest.fixture
def school(personas: Personas):
    school = personas.school
    for year, name, (start, end) in ((2030, "autumn", AUTUMN), (2030, "spring", SPRING),
                                     (2030, "summer", SUMMER), (2031, "autumn", NEXT_AUTUMN)):
        Term.objects.create(school=school, academic_year=year, name=name, starts_on=start,
                            ends_on=end)
    return school


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def recorded_on(backup_set: BackupSet, day: date) -> BackupSet:
    BackupSet.objects.filter(pk=backup_set.pk).update(created_at=at(day))
    return backup_set


def test(school, backup_set, day: date, outcome: str = "worked") -> RestoreTest:
    return RestoreTest.objects.create(school=school, backup_set=backup_set, tested_on=day,
                                      what_was_restored="Files", outcome=outcome,
                                      recorded_by_label="test")


test.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


def restore_duties(school, day: date) -> list:
    now = at(day)
    listed = duties.restore_provider.for_school(school.pk, now=now, horizon=now + HORIZON)
    counts = duties.restore_provider.counts([school.pk], now=now, horizon=now + HORIZON)
    expected = DutyCounts()
    for duty in listed:
        expected += DutyCounts.of(duty.status)
    assert counts.get(school.pk, DutyCounts()) == expected
    return listed


def test_no_sets_no_restore_test_due(school) -> None:
    ensure_install_sets([school.pk])  # Schoolkeep's own sets alone ask for nothing
    assert restore_dues([school.pk], today=date(2030, 10, 1)) == {}
    assert restore_duties(school, date(2030, 12, 19)) == []


def test_due_at_the_end_of_the_term_then_overdue(school) -> None:
    recorded_on(make_set(school), date(2030, 9, 10))
    due = restore_dues([school.pk], today=date(2030, 10, 1))[school.pk]
    assert due.due.on == AUTUMN[1] and not due.tested_this_term
    assert restore_duties(school, date(2030, 11, 1)) == []  # beyond the horizon
    [duty] = restore_duties(school, date(2030, 12, 10))
    assert duty.module == "restore_tests" and duty.status == DUE and duty.due_at == AUTUMN[1]
    assert "Autumn" in duty.subject
    [duty] = restore_duties(school, date(2030, 12, 21))
    assert duty.status == OVERDUE


def test_a_test_covers_its_term(school) -> None:
    nas = recorded_on(make_set(school), date(2030, 9, 10))
    test(school, nas, date(2030, 11, 1))
    due = restore_dues([school.pk], today=date(2030, 11, 15))[school.pk]
    assert due.tested_this_term and due.due.on == SPRING[1]
    assert restore_duties(school, date(2030, 12, 19)) == []
    [duty] = restore_duties(school, date(2031, 3, 30))
    assert duty.due_at == SPRING[1] and duty.status == DUE


def test_a_test_in_the_holidays_counts_for_the_next_term(school) -> None:
    nas = recorded_on(make_set(school), date(2030, 9, 10))
    test(school, nas, date(2030, 12, 28))  # the Christmas holiday
    assert restore_duties(school, date(2030, 12, 29)) == []  # autumn is past: not asked again
    due = restore_dues([school.pk], today=date(2031, 2, 1))[school.pk]
    assert due.tested_this_term and due.due.on == SUMMER[1]
    assert restore_duties(school, date(2031, 4, 1)) == []  # spring is covered


def test_a_missed_term_stays_overdue_until_a_test(school) -> None:
    nas = recorded_on(make_set(school), date(2030, 9, 10))
    [duty] = restore_duties(school, date(2031, 2, 1))
    assert duty.status == OVERDUE and duty.due_at == AUTUMN[1]
    test(school, nas, date(2031, 2, 2))
    assert restore_duties(school, date(2031, 2, 3)) == []
    assert restore_dues([school.pk], today=date(2031, 2, 3))[school.pk].due.on == SUMMER[1]


def test_a_failed_test_then_a_later_success(school) -> None:
    nas = recorded_on(make_set(school), date(2030, 9, 10))
    test(school, nas, date(2030, 10, 1), "failed")
    listed = restore_duties(school, date(2030, 10, 2))
    assert [d.key.split(":")[0] for d in listed] == ["restore_tests.failed"]
    assert listed[0].due_at == date(2030, 10, 15) and nas.name in listed[0].subject
    [duty] = restore_duties(school, date(2030, 10, 16))
    assert duty.status == OVERDUE
    test(school, nas, date(2030, 10, 10), "partly")  # partly is not a success
    assert len(restore_duties(school, date(2030, 10, 16))) == 1
    test(school, nas, date(2030, 10, 12), "worked")
    assert restore_duties(school, date(2030, 10, 16)) == []
    test(school, nas, date(2030, 11, 1), "failed")  # failing again opens it again
    assert len(restore_duties(school, date(2030, 11, 2))) == 1
    BackupSet.objects.filter(pk=nas.pk).update(retired_at=at(date(2030, 11, 3)))
    assert restore_duties(school, date(2030, 11, 4)) == []  # a retired set asks nothing


def test_failures_of_two_sets_are_two_duties(school) -> None:
    nas = recorded_on(make_set(school), date(2030, 9, 10))
    tapes = recorded_on(make_set(school, "Tapes"), date(2030, 9, 10))
    test(school, nas, date(2030, 10, 1), "failed")
    test(school, tapes, date(2030, 10, 1), "failed")
    test(school, tapes, date(2030, 10, 3), "worked")  # another set's success clears only it
    listed = restore_duties(school, date(2030, 10, 4))
    assert [d.subject.split(":")[0] for d in listed] == ["NAS in the office"]


def check_duties(school, day: date) -> list:
    now = at(day)
    listed = duties.check_provider.for_school(school.pk, now=now, horizon=now + HORIZON)
    counts = duties.check_provider.counts([school.pk], now=now, horizon=now + HORIZON)
    expected = DutyCounts()
    for duty in listed:
        expected += DutyCounts.of(duty.status)
    assert counts.get(school.pk, DutyCounts()) == expected
    return listed


def checked(backup_set: BackupSet, day: date, outcome: str = "succeeded") -> None:
    BackupCheck.objects.create(school_id=backup_set.school_id, backup_set=backup_set,
                               checked_on=day, outcome=outcome, recorded_by_label="test",
                               action_taken="" if outcome == "succeeded" else "Ran again")


def test_the_check_window(school, settings) -> None:
    settings.BACKUP_COPY_DIR = ""
    ensure_install_sets([school.pk])  # never listed: the install checks its own
    nas = recorded_on(make_set(school), date(2030, 9, 1))
    checked(nas, date(2030, 10, 1))
    checked(nas, date(2030, 10, 5), "failed")  # a failure is not a success
    assert check_duties(school, date(2030, 10, 10)) == []
    [duty] = check_duties(school, date(2030, 10, 20))  # due 31 October, within the horizon
    assert duty.due_at == date(2030, 10, 31) and duty.status == DUE
    assert duty.module == "backup_checks" and f"?set={nas.public_id}" in duty.url
    [duty] = check_duties(school, date(2030, 11, 1))
    assert duty.status == OVERDUE
    ContinuitySettings.objects.create(school=school, check_window_days=60)
    assert check_duties(school, date(2030, 11, 1)) == []
    checked(nas, date(2030, 11, 1))
    ContinuitySettings.objects.filter(school=school).update(check_window_days=30)
    assert check_duties(school, date(2030, 11, 2)) == []


def test_a_set_never_checked_is_due_a_week_after_it_was_recorded(school) -> None:
    recorded_on(make_set(school), date(2030, 9, 1))
    [duty] = check_duties(school, date(2030, 9, 2))
    assert duty.due_at == date(2030, 9, 8) and "never checked" in duty.subject
    retired = recorded_on(make_set(school, "Old tapes"), date(2030, 9, 1))
    BackupSet.objects.filter(pk=retired.pk).update(retired_at=at(date(2030, 9, 2)))
    assert len(check_duties(school, date(2030, 9, 2))) == 1


def test_counts_for_many_schools_in_one_query(personas: Personas, school,
                                              django_assert_num_queries) -> None:
    for s in (personas.school, personas.other_school):
        for i in range(3):
            nas = recorded_on(make_set(s, f"Set {i}"), date(2030, 9, 1))
            test(s, nas, date(2030, 9, 20), "failed")
    now = at(date(2030, 10, 20))
    with django_assert_num_queries(1):
        counts = duties.check_provider.counts([personas.school.pk, personas.other_school.pk],
                                              now=now, horizon=now + HORIZON)
    assert counts[personas.school.pk].overdue == 3
    duties.restore_provider.counts([school.pk], now=now, horizon=now + HORIZON)  # warm terms
    with django_assert_num_queries(3):  # the schools, their terms, the failed tests
        counts = duties.restore_provider.counts(
            [personas.school.pk, personas.other_school.pk], now=now, horizon=now + HORIZON)
    assert counts[personas.school.pk].overdue == 3


def test_measures(school, settings) -> None:
    settings.BACKUP_COPY_DIR = ""
    ensure_install_sets([school.pk])
    nas = recorded_on(make_set(school), date(2030, 9, 1))
    make_set(school, "Tapes")
    checked(nas, date(2030, 10, 15))
    BackupRun.objects.create(started_at=at(date(2030, 10, 18)),
                             finished_at=at(date(2030, 10, 18)), ok=True)
    figures = measures.figures([school.pk], now=at(date(2030, 10, 20)))[school.pk]
    assert figures[RECENT] == (2, 3)  # the NAS and Schoolkeep's archive; not the tapes
    assert figures[THIS_TERM] == (0, 1)
    test(school, nas, date(2030, 10, 19), "failed")  # any test counts for the term
    figures = measures.figures([school.pk], now=at(date(2030, 10, 20)))[school.pk]
    assert figures[THIS_TERM] == (1, 1)
    figures = measures.figures([school.pk], now=at(date(2030, 11, 20)))[school.pk]
    assert figures[RECENT] == (0, 3)


def test_a_test_that_only_partly_worked_is_followed_up(school) -> None:
    nas = recorded_on(make_set(school), date(2030, 9, 10))
    test(school, nas, date(2030, 10, 1), "partly")
    [duty] = restore_duties(school, date(2030, 10, 2))
    assert duty.key == f"restore_tests.failed:{nas.public_id}"
    assert duty.due_at == date(2030, 10, 15) and "did not fully work" in duty.subject
    test(school, nas, date(2030, 10, 5), "worked")
    assert restore_duties(school, date(2030, 10, 6)) == []


def test_no_restore_test_due_without_a_set_in_use(school) -> None:
    nas = recorded_on(make_set(school), date(2030, 9, 10))
    BackupSet.objects.filter(pk=nas.pk).update(retired_at=at(date(2030, 9, 20)))
    assert restore_dues([school.pk], today=date(2030, 10, 1)) == {}
    assert restore_duties(school, date(2030, 12, 19)) == []
    test(school, nas, date(2030, 9, 15))  # a test of it before it was retired
    assert restore_dues([school.pk], today=date(2031, 2, 1)) == {}

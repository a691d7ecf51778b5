"""The backup checks' measures in ONE query give the same answers as the way they were
worked out before (the sets' last successes, each school's window and each school's restore
due date read from its term calendar, in Python), on every day of a school year, for schools
with their own term dates, their trust's, the default pattern, Schoolkeep's sets alone, and
nothing at all."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from tests.factories import OrganisationFactory, SchoolFactory

from schoolkeep.backups.models import BackupRun
from schoolkeep.continuity.checks.install import ensure_install_sets
from schoolkeep.continuity.checks.latest import last_success_by_set
from schoolkeep.continuity.checks.measures import RECENT, THIS_TERM
from schoolkeep.continuity.checks.measures import provider as measures
from schoolkeep.continuity.checks.status import restore_dues, windows
from schoolkeep.continuity.models import BackupCheck, BackupSet, ContinuitySettings, RestoreTest
from schoolkeep.continuity.tests.test_checks_services import make_set
from schoolkeep.duties.types import local_date
from schoolkeep.overview.types import Figures
from schoolkeep.tenancy.calendar import default_term_dates
from schoolkeep.tenancy.models import Term

pytestmark = pytest.mark.django_db

OWN_TERMS = {"autumn": (date(2030, 9, 2), date(2030, 12, 20)),
             "spring": (date(2031, 1, 6), date(2031, 4, 4)),
             "summer": (date(2031, 4, 22), date(2031, 7, 22))}
TRUST_TERMS = {"autumn": (date(2030, 9, 4), date(2030, 12, 13)),
               "spring": (date(2031, 1, 8), date(2031, 3, 28)),
               "summer": (date(2031, 4, 14), date(2031, 7, 18))}


def previous_figures(school_ids: list[int], now: datetime) -> Figures:
    """The figures as the measure worked them out before it was one query."""
    ids = list(school_ids)
    today = local_date(now)
    last = last_success_by_set(ids)
    window = windows(ids)
    result: Figures = {}
    recent: dict[int, list[int]] = {}
    for set_id, school_id in (BackupSet.objects.filter(school_id__in=ids, retired_at__isnull=True)
                              .values_list("pk", "school_id")):
        counted = recent.setdefault(school_id, [0, 0])
        day = last.get(set_id)
        counted[0] += int(day is not None and day >= today - timedelta(days=window[school_id]))
        counted[1] += 1
    for school_id, (met, total) in recent.items():
        result[school_id] = {RECENT: (met, total)}
    for school_id, due in restore_dues(ids, today=today).items():
        result.setdefault(school_id, {})[THIS_TERM] = (int(due.tested_this_term), 1)
    return result


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def recorded_on(backup_set: BackupSet, day: date) -> BackupSet:
    BackupSet.objects.filter(pk=backup_set.pk).update(created_at=at(day))
    return backup_set


def checked(backup_set: BackupSet, day: date, outcome: str = "succeeded") -> None:
    BackupCheck.objects.create(school_id=backup_set.school_id, backup_set=backup_set,
                               checked_on=day, outcome=outcome, recorded_by_label="test")


def restored(backup_set: BackupSet, day: date, outcome: str = "worked") -> None:
    RestoreTest.objects.create(school_id=backup_set.school_id, backup_set=backup_set,
                               tested_on=day, what_was_restored="Files", outcome=outcome,
                               recorded_by_label="test")


def terms(owner: dict, dates: dict[str, tuple[date, date]]) -> None:
    for name, (starts_on, ends_on) in dates.items():
        Term.objects.create(academic_year=2030, name=name, starts_on=starts_on,
                            ends_on=ends_on, **owner)


@pytest.fixture
def school_ids(settings) -> list[int]:
    """Six schools, each a different case (see the comments)."""
    settings.BACKUP_COPY_DIR = ""
    trust = OrganisationFactory()
    own = SchoolFactory(organisation=trust)  # its own dates replace its trust's
    by_trust = SchoolFactory(organisation=trust)  # its trust's dates
    by_default = SchoolFactory()  # the default pattern
    install_only = SchoolFactory()  # Schoolkeep's own sets and nothing else
    retired_only = SchoolFactory()  # one set of its own, retired: no sets in use
    empty = SchoolFactory()
    terms({"school": own}, OWN_TERMS)
    terms({"organisation": trust}, TRUST_TERMS)
    ensure_install_sets([own.pk, by_trust.pk, by_default.pk, install_only.pk])
    ContinuitySettings.objects.create(school=own, check_window_days=7)
    ContinuitySettings.objects.create(school=by_trust, check_window_days=45)

    nas = recorded_on(make_set(own), date(2030, 9, 1))
    recorded_on(make_set(own, "Tapes"), date(2030, 9, 1))  # never checked
    old = recorded_on(make_set(own, "Old disk"), date(2030, 9, 1))
    checked(old, date(2030, 11, 1))
    BackupSet.objects.filter(pk=old.pk).update(retired_at=at(date(2030, 11, 2)))
    for day in (date(2030, 9, 10), date(2030, 11, 3), date(2031, 2, 1)):
        checked(nas, day)
    checked(nas, date(2031, 3, 1), "failed")
    restored(nas, date(2030, 12, 22))  # holidays: counts for spring
    restored(nas, date(2031, 5, 1), "failed")  # any test counts

    cloud = recorded_on(make_set(by_trust, "Cloud"), date(2030, 10, 1))
    checked(cloud, date(2030, 10, 5))
    checked(cloud, date(2031, 1, 20))
    restored(cloud, date(2030, 12, 16))  # the trust's holidays, the default's autumn term
    restored(cloud, date(2031, 3, 30))

    disk = recorded_on(make_set(by_default, "USB disk"), date(2030, 9, 15))
    checked(disk, date(2030, 12, 1))
    checked(disk, date(2031, 6, 1))
    restored(disk, date(2031, 4, 10))

    recorded_on(make_set(retired_only, "Old tapes"), date(2030, 9, 1))
    BackupSet.objects.filter(school=retired_only).update(retired_at=at(date(2030, 9, 2)))

    # The install's nightly runs: good ones, a failed one, one never finished, and one
    # finishing at 23:30 UTC in summer time (the next day in London).
    for finished, ok in ((at(date(2030, 9, 20)), True), (at(date(2030, 10, 25)), False),
                         (at(date(2031, 1, 10)), True), (at(date(2031, 5, 31), 23, 30), True)):
        BackupRun.objects.create(started_at=finished - timedelta(hours=1),
                                 finished_at=finished, ok=ok)
    BackupRun.objects.create(started_at=at(date(2031, 7, 1)), finished_at=None, ok=True)
    return [own.pk, by_trust.pk, by_default.pk, install_only.pk, retired_only.pk, empty.pk]


def sweep() -> list[date]:
    """Every day from late August 2030 to August 2031, every term's edges included."""
    start = date(2030, 8, 20)
    return [start + timedelta(days=n) for n in range(0, 370)]


def test_the_same_answers_every_day_of_the_year(school_ids: list[int],
                                                django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    seen_tested = seen_untested = 0
    for day in sweep():
        with django_assert_num_queries(1):
            found = measures.figures(school_ids, now=at(day))
        assert found == previous_figures(school_ids, at(day)), day
        seen_tested += sum(1 for f in found.values() if f.get(THIS_TERM) == (1, 1))
        seen_untested += sum(1 for f in found.values() if f.get(THIS_TERM) == (0, 1))
    assert seen_tested and seen_untested  # the sweep saw both answers


def test_each_case_on_chosen_days(school_ids: list[int]) -> None:
    own, by_trust, by_default, install_only, _retired_only, _empty = school_ids
    # The run finished at 23:30 UTC on 31 May is 1 June in London: 30 days reach 1 July.
    found = measures.figures([install_only], now=at(date(2031, 7, 1)))
    assert found == {install_only: {RECENT: (1, 1)}}
    assert measures.figures([install_only], now=at(date(2031, 7, 2))) == {
        install_only: {RECENT: (0, 1)}}
    # 15 January 2031, with nothing recorded after it.
    day = date(2031, 1, 15)
    BackupCheck.objects.filter(checked_on__gt=day).delete()
    RestoreTest.objects.filter(tested_on__gt=day).delete()
    BackupRun.objects.filter(finished_at__gt=at(day)).delete()
    expected = {
        # the NAS, the tapes and Schoolkeep's archive; within 7 days only the archive (run on
        # 10 January); the test of 22 December, in the holidays, counts for spring
        own: {RECENT: (1, 3), THIS_TERM: (1, 1)},
        # the cloud, checked on 5 October, is outside 45 days; the test of 16 December is in
        # the trust's holidays (its autumn term ended on the 13th), so it counts for spring
        by_trust: {RECENT: (1, 2), THIS_TERM: (1, 1)},
        # the disk, checked on 1 December, is outside 30 days; no test yet
        by_default: {RECENT: (1, 2), THIS_TERM: (0, 1)},
        install_only: {RECENT: (1, 1)},
        # every set of its own retired: no restore test is asked of it any more
    }
    assert measures.figures(school_ids, now=at(day)) == expected
    assert previous_figures(school_ids, at(day)) == expected


def test_no_default_rows_needed(school_ids: list[int]) -> None:
    """The default pattern is worked out, not read: no term rows are written or needed."""
    by_default = school_ids[2]
    Term.objects.filter(school__isnull=True, organisation__isnull=True).delete()
    tested_on = date(2031, 4, 10)
    term_end = min(end for _start, end in default_term_dates(2030).values() if end >= tested_on)
    # On the last day of the test's term it counts; the day after, it no longer does.
    assert measures.figures([by_default], now=at(term_end))[by_default][THIS_TERM] == (1, 1)
    after = term_end + timedelta(days=1)
    assert measures.figures([by_default], now=at(after))[by_default][THIS_TERM] == (0, 1)
    assert not Term.objects.filter(school__isnull=True, organisation__isnull=True).exists()
    assert previous_figures([by_default], at(term_end))[by_default][THIS_TERM] == (1, 1)
    assert previous_figures([by_default], at(after))[by_default][THIS_TERM] == (0, 1)


def test_one_query_for_no_school_or_many(school_ids: list[int],
                                         django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    with django_assert_num_queries(0):
        assert measures.figures([], now=at(date(2031, 1, 15))) == {}
    many = school_ids + [SchoolFactory().pk for _ in range(10)]
    with django_assert_num_queries(1):
        measures.figures(many, now=at(date(2031, 1, 15)))

"""The 3-2-1 rule on each combination that breaks it: too few copies, two sets on one
device counted once, none off site, none offline, a set without a recent successful check
(and the school's own window), a retired set, Schoolkeep's own sets (counted from the
install's good nightly runs), an archived scope left out; ``counts`` per school; a constant
number of queries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.backups.models import BackupRun
from schoolkeep.continuity import rule321
from schoolkeep.continuity.checks.install import ensure_install_sets
from schoolkeep.continuity.models import BackupCheck, ContinuitySettings, Scope
from schoolkeep.continuity.scopes.services import scope_archive, set_retire
from schoolkeep.continuity.tests.scopes_records import check, make_scope, make_set

pytestmark = pytest.mark.django_db


def verdict(scope: Scope) -> rule321.Verdict:
    return rule321.evaluate([scope.school_id], today=timezone.localdate())[scope.pk]


def three_good(school, scope: Scope) -> list:  # type: ignore[no-untyped-def]
    return [make_set(school, "Tapes", scopes=[scope], offline=True),
            make_set(school, "NAS", scopes=[scope]),
            make_set(school, "JKCloud", scopes=[scope], off_site=True, medium="cloud")]


def test_three_devices_one_off_site_one_offline_meet_the_rule(personas: Personas) -> None:
    scope = make_scope(personas.school)
    three_good(personas.school, scope)
    result = verdict(scope)
    assert result.met and result.reasons == []
    assert (result.copies, result.off_site, result.offline) == (3, 1, 1)


def test_no_sets_at_all(personas: Personas) -> None:
    result = verdict(make_scope(personas.school))
    assert not result.met and result.copies == 0
    assert result.reasons == ["no copy counts yet (3 on separate devices are needed)"]


def test_too_few_copies(personas: Personas) -> None:
    scope = make_scope(personas.school)
    make_set(personas.school, "Tapes", scopes=[scope], offline=True)
    make_set(personas.school, "JKCloud", scopes=[scope], off_site=True)
    result = verdict(scope)
    assert not result.met
    assert result.reasons == ["only 2 copies on separate devices (3 are needed)"]
    only_one = make_scope(personas.school, "Curriculum network", kind="curriculum_network")
    make_set(personas.school, "Cloud only", scopes=[only_one], off_site=True, offline=True)
    assert verdict(only_one).reasons == ["only 1 copy counts (3 on separate devices are "
                                         "needed)"]


def test_sets_on_the_same_device_count_once(personas: Personas) -> None:
    scope = make_scope(personas.school)
    make_set(personas.school, "Tapes", scopes=[scope], offline=True)
    make_set(personas.school, "JKCloud", scopes=[scope], off_site=True)
    # Two more sets in the same server room (spacing and case ignored): one device.
    make_set(personas.school, "NAS nightly", scopes=[scope], location="Server room")
    make_set(personas.school, "NAS weekly", scopes=[scope], location="  server   ROOM ")
    result = verdict(scope)
    assert result.met and result.copies == 3
    set_retire(backup_set=scope.backup_sets.get(name="Tapes"), actor=None)
    result = verdict(scope)
    assert not result.met and result.copies == 2
    assert "only 2 copies on separate devices (3 are needed)" in result.reasons


def test_no_copy_off_site(personas: Personas) -> None:
    scope = make_scope(personas.school)
    make_set(personas.school, "Tapes", scopes=[scope], offline=True)
    make_set(personas.school, "NAS", scopes=[scope])
    make_set(personas.school, "Disk", scopes=[scope])
    result = verdict(scope)
    assert not result.met and result.reasons == ["no copy is off site"]


def test_no_offline_copy(personas: Personas) -> None:
    scope = make_scope(personas.school)
    make_set(personas.school, "NAS", scopes=[scope])
    make_set(personas.school, "Disk", scopes=[scope])
    make_set(personas.school, "JKCloud", scopes=[scope], off_site=True)
    result = verdict(scope)
    assert not result.met and result.reasons == ["no offline copy"]


def test_a_set_without_a_recent_successful_check_does_not_count(personas: Personas) -> None:
    school = personas.school
    scope = make_scope(school)
    make_set(school, "Tapes", scopes=[scope], offline=True)
    make_set(school, "NAS", scopes=[scope])
    stale = make_set(school, "JKCloud", scopes=[scope], off_site=True, checked_days_ago=31)
    check(stale, days_ago=2, ok=False)  # a failed check does not count either
    result = verdict(scope)
    assert not result.met
    assert result.reasons == ["only 2 copies on separate devices (3 are needed)",
                              "no copy is off site",
                              "JKCloud: no successful check in 30 days"]
    assert result.unchecked == ["JKCloud"]
    # The school's own window: 45 days lets the check of 31 days ago count.
    ContinuitySettings.objects.create(school=school, check_window_days=45)
    assert verdict(scope).met
    never = make_set(school, "New disk", scopes=[scope], checked_days_ago=None)
    assert verdict(scope).reasons == ["New disk: no successful check in 45 days"]
    assert verdict(scope).met  # the other three still meet it
    check(never, days_ago=0)
    assert verdict(scope).reasons == []


def test_a_retired_set_does_not_count(personas: Personas) -> None:
    scope = make_scope(personas.school)
    tapes, _nas, _cloud = three_good(personas.school, scope)
    set_retire(backup_set=tapes, actor=None)
    result = verdict(scope)
    assert not result.met and result.offline == 0
    assert result.reasons == ["only 2 copies on separate devices (3 are needed)",
                              "no offline copy"]


def test_schoolkeeps_own_sets_count_from_good_nightly_runs(personas: Personas) -> None:
    school = personas.school
    ensure_install_sets([school.pk])
    scope = Scope.objects.get(school=school, kind=Scope.Kind.SCHOOLKEEP)
    result = verdict(scope)  # no nightly run yet: the archive does not count
    assert not result.met
    assert "Schoolkeep's nightly archive: no successful check in 30 days" in result.reasons
    now = timezone.now()
    BackupRun.objects.create(started_at=now - timedelta(hours=1), finished_at=now, ok=True)
    result = verdict(scope)
    assert result.copies == 1 and result.off_site == 0 and result.offline == 0
    assert result.reasons == ["only 1 copy counts (3 on separate devices are needed)",
                              "no copy is off site", "no offline copy"]
    # The school adds its own copies of Schoolkeep's data: then it can meet the rule.
    make_set(school, "Tapes", scopes=[scope], offline=True)
    make_set(school, "JKCloud", scopes=[scope], off_site=True)
    assert verdict(scope).met


def test_archived_scopes_are_left_out_and_counts_per_school(personas: Personas) -> None:
    school, other = personas.school, personas.other_school
    good = make_scope(school)
    three_good(school, good)
    make_scope(school, "Curriculum network", kind="curriculum_network")
    gone = make_scope(school, "Old server", kind="other")
    make_scope(other, "Their admin network")
    scope_archive(scope=gone, actor=None)
    today = timezone.localdate()
    assert gone.pk not in rule321.evaluate([school.pk], today=today)
    assert rule321.counts([school.pk, other.pk], today=today) == {school.pk: (1, 2),
                                                                  other.pk: (0, 1)}
    assert rule321.counts([], today=today) == {} and rule321.evaluate([], today=today) == {}


@pytest.mark.parametrize("scopes", [3, 40])
def test_evaluate_runs_the_same_queries_for_many_scopes(personas: Personas, scopes: int,
                                                        django_assert_num_queries) -> None:
    school = personas.school
    tapes = make_set(school, "Tapes", scopes=[], offline=True)
    for number in range(scopes):
        scope = make_scope(school, f"System {number}", kind="other")
        tapes.scopes.add(scope)
        make_set(school, f"Disk {number}", scopes=[scope])
    with django_assert_num_queries(5):  # settings, scopes, sets, checks, runs
        result = rule321.evaluate([school.pk, personas.other_school.pk],
                                  today=timezone.localdate())
    assert len(result) == scopes and all(v.copies == 2 for v in result.values())


def test_counts_is_one_query_and_agrees_with_evaluate(personas: Personas,
                                                      django_assert_num_queries) -> None:
    """The one-query figure against the verdicts, on the combinations that break the rule:
    too few devices, the same device twice, none off site, none offline, a stale check, a
    failed check, a retired set, the school's own window, Schoolkeep's own sets."""
    school, other = personas.school, personas.other_school
    today = timezone.localdate()
    good = make_scope(school, "Good", kind="other")
    three_good(school, good)
    same = make_scope(school, "Same device", kind="other")
    make_set(school, "Tapes A", scopes=[same], offline=True, location="Room")
    make_set(school, "Tapes B", scopes=[same], off_site=True, location=" room ")
    make_set(school, "Disk", scopes=[same])
    stale = make_scope(school, "Stale", kind="other")
    make_set(school, "Old tapes", scopes=[stale], offline=True, checked_days_ago=40)
    make_set(school, "Old NAS", scopes=[stale])
    make_set(school, "Old cloud", scopes=[stale], off_site=True)
    failed = make_set(school, "Failed", scopes=[stale], off_site=True, offline=True,
                      checked_days_ago=None)
    check(failed, days_ago=1, ok=False)
    retired = make_scope(school, "Retired", kind="other")
    tapes, _nas, _cloud = three_good(school, retired)
    set_retire(backup_set=tapes, actor=None)
    # The other school's window is 50 days: its set checked 40 days ago counts.
    windowed = make_scope(other, "Windowed", kind="other")
    make_set(other, "Their tapes", scopes=[windowed], offline=True, checked_days_ago=40)
    make_set(other, "Their NAS", scopes=[windowed])
    make_set(other, "Their cloud", scopes=[windowed], off_site=True)
    ContinuitySettings.objects.create(school=other, check_window_days=50)
    ensure_install_sets([school.pk, other.pk])
    keep = Scope.objects.get(school=school, kind=Scope.Kind.SCHOOLKEEP)
    make_set(school, "Keep tapes", scopes=[keep], offline=True)
    make_set(school, "Keep cloud", scopes=[keep], off_site=True)
    # The window's edge: a check exactly 30 days ago counts, one 31 days ago does not.
    edge = make_scope(school, "Edge", kind="other")
    make_set(school, "Edge tapes", scopes=[edge], offline=True, checked_days_ago=30)
    make_set(school, "Edge NAS", scopes=[edge], checked_days_ago=30)
    make_set(school, "Edge cloud", scopes=[edge], off_site=True, checked_days_ago=30)
    past = make_scope(school, "Past the edge", kind="other")
    make_set(school, "Past tapes", scopes=[past], offline=True, checked_days_ago=31)
    make_set(school, "Past NAS", scopes=[past])
    make_set(school, "Past cloud", scopes=[past], off_site=True)
    now = timezone.now()
    BackupRun.objects.create(started_at=now - timedelta(days=2, hours=1),
                             finished_at=now - timedelta(days=2), ok=True)

    def from_verdicts() -> dict[int, tuple[int, int]]:
        found: dict[int, list[int]] = {}
        school_of = dict(Scope.objects.values_list("pk", "school_id"))
        for scope_id, result in rule321.evaluate([school.pk, other.pk], today=today).items():
            row = found.setdefault(school_of[scope_id], [0, 0])
            row[0] += int(result.met)
            row[1] += 1
        return {key: (met, total) for key, (met, total) in found.items()}

    with django_assert_num_queries(1):
        figures = rule321.counts([school.pk, other.pk], today=today)
    # Good and Schoolkeep meet it here; the other school's Windowed does, and its Schoolkeep not.
    assert figures == from_verdicts() == {school.pk: (3, 7), other.pk: (1, 2)}
    verdicts = rule321.evaluate([school.pk], today=today)
    assert verdicts[edge.pk].met and not verdicts[past.pk].met
    BackupRun.objects.all().delete()  # no good run: Schoolkeep's archive no longer counts
    assert rule321.counts([school.pk, other.pk], today=today) == from_verdicts() == {
        school.pk: (2, 7), other.pk: (1, 2)}


@pytest.mark.parametrize(("finished_utc", "counts"), [
    (datetime(2026, 6, 30, 23, 30, tzinfo=UTC), True),  # 00:30 on 1 July in London
    (datetime(2026, 6, 30, 22, 30, tzinfo=UTC), False),  # 23:30 on 30 June in London
])
def test_an_install_run_at_the_windows_edge_is_judged_on_its_london_day(
        personas: Personas, finished_utc: datetime, counts: bool) -> None:
    """latest.py takes the run's local day, the SQL its London day: they agree in summer
    time, when the two differ from the UTC day."""
    school = personas.school
    today = date(2026, 7, 31)  # the 30-day window starts on 1 July
    ensure_install_sets([school.pk])
    keep = Scope.objects.get(school=school, kind=Scope.Kind.SCHOOLKEEP)
    for backup_set in (make_set(school, "Keep tapes", scopes=[keep], offline=True,
                                checked_days_ago=None),
                       make_set(school, "Keep cloud", scopes=[keep], off_site=True,
                                checked_days_ago=None)):
        BackupCheck.objects.create(school=school, backup_set=backup_set,
                                   checked_on=today - timedelta(days=1),
                                   outcome=BackupCheck.Outcome.SUCCEEDED,
                                   recorded_by_label="Test")
    BackupRun.objects.create(started_at=finished_utc - timedelta(hours=1),
                             finished_at=finished_utc, ok=True)
    assert rule321.evaluate([school.pk], today=today)[keep.pk].met is counts
    assert rule321.counts([school.pk], today=today) == {school.pk: (int(counts), 1)}

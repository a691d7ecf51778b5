"""The demo's backup checks and restore test at Larkspur (step 405, after its scopes and
sets at 400), through the services:

- each of Larkspur's own sets was checked every week for the last four weeks, and worked;
- the JKCloud off-site backup failed six days ago (its agent had stopped), was run again by
  hand, and worked the next day;
- one restore test, last term: the finance folder got back from the backup tapes. So none
  is recorded this term yet, and one is due by the end of the term (``restore_tests.due``).

Running the step again changes nothing: a school with checks already gets no more. Also
makes sure every demo school has Schoolkeep's own sets.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from schoolkeep.continuity.checks.install import ensure_install_sets
from schoolkeep.continuity.checks.services import check_record, restore_record
from schoolkeep.continuity.models import BackupCheck, BackupSet, RestoreTest, Scope
from schoolkeep.demo.builder import DemoContext
from schoolkeep.tenancy.calendar import TermCalendar

SCHOOL = "larkspur"
FAILED_SET = "JKCloud off-site backup"  # continuity/scopes/demo.py's names
TESTED_SET = "Backup tapes"


def previous_term_day(calendar: TermCalendar, today: date) -> date:
    """A school day ten days before the end of the term before today's."""
    current = calendar.term_for_date(today)
    year = current.academic_year
    terms = sorted([*calendar.terms(year - 1), *calendar.terms(year)],
                   key=lambda t: t.starts_on)
    earlier = [t for t in terms if t.ends_on < current.starts_on]
    return earlier[-1].ends_on - timedelta(days=10)


def build_demo_checks(ctx: DemoContext) -> None:
    ensure_install_sets([school.pk for school in ctx.schools.values()])
    school = ctx.schools.get(SCHOOL)
    if school is None or BackupCheck.objects.filter(school=school).exists():
        return
    today = timezone.localdate()
    sets = list(BackupSet.objects.filter(school=school, retired_at__isnull=True,
                                         install_copy="").order_by("name"))
    for backup_set in sets:
        for weeks in (4, 3, 2, 1):
            check_record(school=school, actor=None, backup_set=backup_set,
                         checked_on=today - timedelta(days=7 * weeks - 2), outcome="succeeded")
        if backup_set.name == FAILED_SET:
            check_record(school=school, actor=None, backup_set=backup_set,
                         checked_on=today - timedelta(days=6), outcome="failed",
                         action_taken="The JKCloud agent on the admin server had stopped. "
                                      "Restarted it and ran the backup again by hand.")
            check_record(school=school, actor=None, backup_set=backup_set,
                         checked_on=today - timedelta(days=5), outcome="succeeded",
                         action_taken="Checked the next night's backup after the restart.")
    tapes = next((s for s in sets if s.name == TESTED_SET), None)
    if tapes is not None and not RestoreTest.objects.filter(school=school).exists():
        admin = Scope.objects.filter(school=school, archived_at__isnull=True,
                                     kind=Scope.Kind.ADMIN_NETWORK).first()
        restore_record(school=school, actor=None, backup_set=tapes, scope=admin,
                       tested_on=previous_term_day(TermCalendar(school), today),
                       what_was_restored="The finance folder from the previous week's tape, "
                                         "restored to a spare folder and opened",
                       minutes_taken=35, outcome="worked")

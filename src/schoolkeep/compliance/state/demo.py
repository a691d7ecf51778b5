"""The demo's compliance at Larkspur, after every other module's records (order 900):

- owners named on a few controls (through ``controls.services.control_update``), some of
  them not the holder of the control's usual role, so the pages show a named person;
- the attested controls confirmed over the year, written directly in one go (their states
  are worked out once at the end, by today's snapshot): each termly one in each of the last
  three terms, each yearly one once this year, except the backup tapes, last confirmed two
  terms ago, so that one is overdue (not met, and a duty);
- a year of weekly snapshots of every current framework, written directly (the past cannot
  be worked out again), their scores rising from the autumn a year ago to where the school
  stands today, then today's snapshot taken for real (``snapshots.snapshot_take``);
- this term's governor pack, ready to read (``pack.services.pack_build_now``); none when the
  demo is built in the holidays, when the only term to cover ended before the school began.

Written as the command line (no actor), as the whole demo is audited. Running the step
again changes nothing: a school with snapshots already is left alone.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from schoolkeep.compliance.controls import services as controls
from schoolkeep.compliance.models import Attestation, Control, Snapshot
from schoolkeep.compliance.pack.services import pack_build_now, resolve_term
from schoolkeep.compliance.state import selectors, snapshots
from schoolkeep.compliance.state.types import score_permille
from schoolkeep.demo.builder import DemoContext
from schoolkeep.duties.types import LONDON, local_date
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.validation import full_clean_or_error
from schoolkeep.tenancy.calendar import TermCalendar
from schoolkeep.tenancy.guards import actor_label
from schoolkeep.tenancy.models import School, Term

SCHOOL = "larkspur"
WEEKS = 52
# Control code: the demo member (role key) the school names as its owner.
OWNERS = {
    "aup-staff-signed": "business_manager",
    "screens-locked": "it_lead",
    "scr-complete": "hr_admin",
    "cyber-training": "business_manager",
}
OVERDUE_CODE = "tapes-locked"  # last confirmed two terms ago
DAYS_INTO_TERM = 20  # when in a term the demo's confirmations were made


def _previous_term(calendar: TermCalendar, term: Term) -> Term:
    """The term before ``term`` (the holiday before a term belongs to it, so step back
    past the holiday)."""
    day = term.starts_on - timedelta(days=1)
    found = calendar.term_for_date(day)
    while found.starts_on == term.starts_on:
        day -= timedelta(days=7)
        found = calendar.term_for_date(day)
    return found


def _last_terms(school: School, today: date, count: int) -> list[Term]:
    """The current term and the ``count - 1`` before it, newest first."""
    calendar = TermCalendar(school)
    terms = [calendar.term_for_date(today)]
    while len(terms) < count:
        terms.append(_previous_term(calendar, terms[-1]))
    return terms


def _attest_days(control: Control, terms: list[Term], today: date) -> list[date]:
    """The days the demo confirms ``control`` on, oldest first."""
    days = [min(term.starts_on + timedelta(days=DAYS_INTO_TERM), term.ends_on)
            for term in terms]
    days = [day for day in days if day <= today]
    if control.code == OVERDUE_CODE:  # two terms ago at the latest: overdue now
        days = [day for day in days if day < terms[1].starts_on]
    if control.cadence == Control.Cadence.YEARLY:
        days = [day for day in days if day >= today - timedelta(days=300)][-1:]
    return sorted(days)


def _name_owners(ctx: DemoContext, school: School) -> None:
    for control in selectors.school_controls(school):
        role = OWNERS.get(control.code)
        owner = ctx.users.get(f"{SCHOOL}.{role}") if role else None
        if owner is None:
            continue
        controls.control_update(school=school, actor=None, control=control,
                                version=controls.current_version(school, control),
                                owner=owner)


def _confirm(school: School, today: date) -> None:
    """The confirmations of the year, in one write (each checked as the service checks
    it); the control statuses are refreshed once afterwards, by ``snapshot_take``."""
    terms = _last_terms(school, today, 3)
    rows = []
    for control in selectors.school_controls(school):
        if control.kind != Control.Kind.ATTESTED:
            continue
        for day in _attest_days(control, terms, today):
            row = Attestation(school=school, control=control, attested_on=day,
                              outcome=Attestation.Outcome.DONE,
                              attested_by_label=actor_label(None))
            full_clean_or_error(row)
            rows.append(row)
    Attestation.objects.bulk_create(rows)


def _history(school: School, today_rows: list[Snapshot], today: date) -> None:
    """A snapshot a week for a year before today, rising to today's figures."""
    rows = []
    for row in today_rows:
        total = row.total
        for week in range(WEEKS, 0, -1):
            day = today - timedelta(weeks=week)
            share = 0.3 + 0.7 * (WEEKS - week) / WEEKS  # 30 % of today's progress a year ago
            met = round(row.met * share)
            partly = round(row.partly * share)
            not_met = min(row.not_met + (row.met - met) // 2, total - met - partly)
            not_assessed = total - met - partly - not_met
            rows.append(Snapshot(
                school=school, framework_code=row.framework_code, taken_on=day,
                taken_at=datetime.combine(day, time(2, 30), tzinfo=LONDON),
                met=met, partly=partly, not_met=not_met, not_assessed=not_assessed,
                score_permille=score_permille(met, partly, not_met, not_assessed)))
    Snapshot.objects.bulk_create(rows)


def build_demo_compliance(ctx: DemoContext) -> None:
    school = ctx.schools.get(SCHOOL)
    if school is None or Snapshot.objects.filter(school=school).exists():
        return
    now = timezone.now()
    today = local_date(now)
    _name_owners(ctx, school)
    _confirm(school, today)
    today_rows = snapshots.snapshot_take(school=school, now=now)
    _history(school, today_rows, today)
    try:
        resolve_term(school, None, today)
    except DomainError:
        # In the holidays the pack is the term just ended, which ended before the demo
        # school began using Schoolkeep today: there is no pack to build until term starts.
        return
    pack_build_now(school=school, actor=None, now=now)

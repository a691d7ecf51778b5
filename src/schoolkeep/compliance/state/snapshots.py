"""The record of where each school stood: one ``Snapshot`` a day per current framework, and
the last worked-out state of each control (``ControlStatus``, read by the duty "control not
met" so that its counts stay one query for any number of schools).

- ``snapshot_take``: today's snapshot of one school (taken again the same day, it replaces
  the day's rows), with its control statuses refreshed; audited when a person asked for it.
- ``snapshots_take_all``: every school's (the nightly tick ``compliance.snapshots``, once a
  night after 02:30 Europe/London, claimed once across workers).
- ``statuses_refresh``: one school's control statuses (after an attestation; and every hour
  for every school, the tick ``compliance.control-statuses``).
- ``trend`` and ``latest_for_schools``: reading them back, one query each.

A control status keeps ``since``, the moment the checks first saw the control in its state,
while the state holds: the "control not met" duty is due from then.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from schoolkeep.audit.services import audit_record
from schoolkeep.compliance.models import Control, ControlStatus, Snapshot
from schoolkeep.compliance.state import engine, selectors
from schoolkeep.compliance.state.requirements import current_frameworks
from schoolkeep.compliance.state.types import ControlState
from schoolkeep.duties.models import SchedulerState
from schoolkeep.duties.scheduler import daily_slot
from schoolkeep.duties.types import local_date
from schoolkeep.lib.errors import NotAllowed
from schoolkeep.tenancy.guards import is_user, organisation_roles, user_holds
from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.roles import roles_allow

logger = logging.getLogger(__name__)

ACTION_LABELS = {
    "compliance.snapshot.refreshed": "Compliance worked out again",
}
REFRESH = "compliance.refresh"
NIGHTLY_JOB = "compliance.snapshots"
NIGHTLY_TIME = time(2, 30)  # after the nightly backup (02:00) has had time to finish
HOURLY_JOB = "compliance.control-statuses"
STATUS_FIELDS = ["state", "since", "checked_at", "owner_user", "owner_role", "overdue"]


# --- control statuses ---------------------------------------------------------------------


def _write_statuses(school: School, states: dict[int, ControlState], now: datetime, *,
                    only: Sequence[int] | None = None) -> None:
    """Bring the school's ``ControlStatus`` rows in line with ``states``: a few queries,
    whatever the number of controls. With ``only`` (control pks), just those controls' rows
    (a control of them no longer in ``states``, archived, loses its row)."""
    rows = ControlStatus.objects.filter(school=school)
    if only is not None:
        rows = rows.filter(control_id__in=list(only))
    existing = {row.control_id: row for row in rows}
    new: list[ControlStatus] = []
    changed: list[ControlStatus] = []
    for control_pk, found in states.items():
        row = existing.pop(control_pk, None)
        if row is None:
            new.append(ControlStatus(
                school=school, control_id=control_pk, state=found.state, since=now,
                checked_at=now, owner_user_id=found.owner_user_id, owner_role=found.owner_role,
                overdue=found.overdue))
            continue
        if row.state != found.state:
            row.state, row.since = found.state, now
        row.checked_at = now
        row.owner_user_id = found.owner_user_id
        row.owner_role = found.owner_role
        row.overdue = found.overdue
        changed.append(row)
    if new:
        ControlStatus.objects.bulk_create(new, ignore_conflicts=True)
    if changed:
        ControlStatus.objects.bulk_update(changed, STATUS_FIELDS)
    if existing:  # controls archived since: no status, so no duty
        ControlStatus.objects.filter(pk__in=[row.pk for row in existing.values()]).delete()


def statuses_refresh(*, school: School, now: datetime,
                     controls: Sequence[Control] | None = None) -> None:
    """Work out the school's controls and keep their states in ``ControlStatus``; with
    ``controls``, only those (after one of them was confirmed or changed: the others'
    measures and duties are not read)."""
    with transaction.atomic():
        if controls is None:
            _write_statuses(school, engine.control_states(school, now=now), now)
            return
        wanted = {control.pk for control in controls}
        current = [control for control in selectors.school_controls(school)
                   if control.pk in wanted]
        states = engine.control_states(school, now=now, controls=current)
        _write_statuses(school, states, now, only=sorted(wanted))


def statuses_refresh_all(now: datetime) -> int:
    """Every school's control statuses (the hourly tick); returns how many schools."""
    done = 0
    for school in School.objects.order_by("pk"):
        try:
            statuses_refresh(school=school, now=now)
        except Exception:
            logger.exception("Control statuses of school %s could not be refreshed", school.pk)
        else:
            done += 1
    return done


# --- snapshots ----------------------------------------------------------------------------


def _may_refresh(school: School, actor: Any) -> bool:
    """A person may ask when they hold ``compliance.refresh`` in the school or at its trust
    (the trust administrator); the command line and the system are trusted."""
    if not is_user(actor):
        return True
    if user_holds(school=school, user=actor, permission=REFRESH):
        return True
    return school.organisation_id is not None and roles_allow(
        organisation_roles(organisation=school.organisation_id, user=actor), REFRESH)


def snapshot_take(*, school: School, now: datetime, actor: Any = None) -> list[Snapshot]:
    """Today's snapshot (Europe/London) of the school against every current framework,
    replacing any taken earlier today, and its control statuses refreshed. With ``actor``
    (someone asked for it): they must hold ``compliance.refresh``, and it is audited."""
    if actor is not None and not _may_refresh(school, actor):
        raise NotAllowed("You may not work out this school's compliance again.")
    today = local_date(now)
    with transaction.atomic():
        controls = selectors.school_controls(school)
        states = engine.control_states(school, now=now, controls=controls)
        frameworks = engine.framework_states_from(school, current_frameworks(), states)
        rows = [Snapshot(school=school, framework_code=found.framework.code, taken_on=today,
                         taken_at=now, met=found.met, partly=found.partly,
                         not_met=found.not_met, not_assessed=found.not_assessed,
                         score_permille=found.score_permille)
                for found in frameworks]
        Snapshot.objects.filter(school=school, taken_on=today).delete()
        Snapshot.objects.bulk_create(rows)
        _write_statuses(school, states, now)
        if actor is not None:
            audit_record(
                action="compliance.snapshot.refreshed", school=school, actor=actor,
                target_type="tenancy.school", target_id=str(school.public_id),
                target_label=school.name,
                changes={row.framework_code: f"{row.score_permille // 10} %" for row in rows})
    return rows


def snapshots_take_all(now: datetime) -> int:
    """Every school's snapshot for today (one failing school is logged and does not stop
    the others); returns how many schools were done."""
    done = 0
    for school in School.objects.order_by("pk"):
        try:
            snapshot_take(school=school, now=now)
        except Exception:
            logger.exception("The compliance snapshot of school %s failed", school.pk)
        else:
            done += 1
    return done


def trend(school: School | int, code: str, *, today: date, days: int = 365) -> list[Snapshot]:
    """The school's snapshots of one framework over the ``days`` up to ``today``, oldest
    first: one query."""
    school_id = school if isinstance(school, int) else school.pk
    return list(Snapshot.objects.filter(
        school_id=school_id, framework_code=code,
        taken_on__gt=today - timedelta(days=days), taken_on__lte=today).order_by("taken_on"))


def latest_for_schools(school_ids: Sequence[int]) -> dict[tuple[int, str], Snapshot]:
    """{(school id, framework code): its latest snapshot}: one query."""
    if not school_ids:
        return {}
    later = Snapshot.objects.filter(school_id=OuterRef("school_id"),
                                    framework_code=OuterRef("framework_code"),
                                    taken_on__gt=OuterRef("taken_on"))
    rows = Snapshot.objects.filter(school_id__in=list(school_ids)).filter(~Exists(later))
    return {(row.school_id, row.framework_code): row for row in rows}


# --- the ticks ----------------------------------------------------------------------------


def _claim(job: str, slot: datetime, now: datetime) -> bool:
    """True once per slot, for the first caller (one conditional UPDATE, as the scheduler
    claims its slots, so several workers or a restart never run it twice)."""
    SchedulerState.objects.get_or_create(job=job)
    claimed = (SchedulerState.objects.filter(job=job)
               .filter(Q(last_slot__isnull=True) | Q(last_slot__lt=slot))
               .update(last_slot=slot, last_enqueued_at=now))
    return claimed == 1


def hour_slot(now: datetime) -> datetime:
    """The start of the hour ``now`` is in."""
    return now.replace(minute=0, second=0, microsecond=0)


def nightly_tick(now: datetime) -> None:
    """Every school's snapshot, once a night after 02:30 (a night missed while no worker
    ran is caught up at the next tick)."""
    if _claim(NIGHTLY_JOB, daily_slot(now, NIGHTLY_TIME), now):
        snapshots_take_all(now)


def hourly_tick(now: datetime) -> None:
    """Every school's control statuses, once an hour."""
    if _claim(HOURLY_JOB, hour_slot(now), now):
        statuses_refresh_all(now)


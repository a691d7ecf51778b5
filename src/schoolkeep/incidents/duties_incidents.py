"""Duties of incident handling, computed when read.

Three kinds:

- ``ico-decision``: "Decide whether to tell the ICO about BR-2026-0007" (or, once the school
  has decided to report it, "Send the report to the ICO about BR-2026-0007"), for every
  report whose clock runs (not a security incident or near miss, not closed, neither a
  decision not to report nor the report sent). Due at the ICO deadline (awareness plus 72
  hours, an instant), overdue after it; a running legal clock (``Duty.legal_clock``).
  Owner: the DPO; the SIRO when the school has none (and the SIRO sees it on the dashboard
  anyway, with everyone who holds ``incidents.view``).
- ``triage``: "Triage BR-2026-0007", for reports waiting for triage. Due a day after the
  report was received, or at the ICO deadline when that comes first (awareness may have been
  set earlier than receipt). Owner: the DPO, else the SIRO.
- ``action``: "Action on BR-2026-0007 is due", for each containment or remedial action still
  to do whose due date falls within the horizon or has passed. Owner: the action's owner
  (the DPO when it has none).

Titles carry the reference only, never what happened: they leave the school in reminder
e-mails and calendar feeds. Others' incident duties are shown only to who holds
``incidents.view``; an action's owner always sees their own.

``counts`` runs ONE aggregate for any number of schools; ``for_school`` one query for the
three kinds (UNION ALL), from SQL compiled once and kept (``duties.compiled``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from django.db.models import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    UUIDField,
    Value,
)
from django.db.models.functions import Cast
from django.urls import reverse

from schoolkeep.duties import compiled, registry
from schoolkeep.duties.types import Duty, DutyCounts, count_subquery, local_date, status_for
from schoolkeep.incidents.clock import ICO_HOURS, ico_deadline
from schoolkeep.incidents.models import Action, Decision, Incident, Status
from schoolkeep.incidents.ticks_clock import clock_running
from schoolkeep.tenancy.models import MembershipRole, School
from schoolkeep.tenancy.roles import Role

MODULE = "incidents"
TRIAGE_WITHIN = timedelta(days=1)
ICO_WINDOW = timedelta(hours=ICO_HOURS)


def triage_due_at(received_at: datetime, aware_at: datetime) -> datetime:
    """A report waits a day for triage, less when its ICO deadline comes first."""
    return min(received_at + TRIAGE_WITHIN, ico_deadline(aware_at))


# --- windows: (overdue, due before the horizon), as conditions on Incident or Action rows --


def _ico_windows(now: datetime, horizon: datetime) -> tuple[Q, Q]:
    overdue = Q(aware_at__lt=now - ICO_WINDOW)
    due = Q(aware_at__gte=now - ICO_WINDOW, aware_at__lt=horizon - ICO_WINDOW)
    return overdue, due


def _triage_windows(now: datetime, horizon: datetime) -> tuple[Q, Q]:
    """The earlier of receipt plus a day and awareness plus 72 hours, against a moment."""
    def before(moment: datetime) -> Q:
        return Q(received_at__lt=moment - TRIAGE_WITHIN) | Q(aware_at__lt=moment - ICO_WINDOW)

    overdue = before(now)
    return overdue, before(horizon) & ~overdue


def _put_in(now: datetime, horizon: datetime) -> dict[str, Any]:
    """What the kept SQL (``duties.compiled``) puts in at each call, in a fixed order: the
    instants the reports' windows compare with and the local days the actions' dates do."""
    return {"instants": (now - ICO_WINDOW, horizon - ICO_WINDOW, now - TRIAGE_WITHIN,
                         horizon - TRIAGE_WITHIN),
            "dates": (local_date(now), local_date(horizon))}


def _action_windows(now: datetime, horizon: datetime) -> tuple[Q, Q]:
    today, until = local_date(now), local_date(horizon)
    return Q(due_on__lt=today), Q(due_on__gte=today, due_on__lt=until)


def _waiting_for_triage() -> QuerySet[Incident]:
    return Incident.objects.filter(status=Status.REPORTED)


def _open_actions() -> QuerySet[Action]:
    return Action.objects.filter(state=Action.State.OPEN, due_on__isnull=False).exclude(
        incident__status=Status.CLOSED)


def _incident_url(public_id: Any) -> str:
    return reverse("incidents:incident-detail", args=[public_id])


class IncidentDuties:
    module = MODULE
    label = "Incidents and data breaches"
    # Others' incident duties reveal that a report exists: only for who may see reports.
    view_permission = "incidents.view"
    # Plain names for the kinds the dashboard groups by (never the codes).
    kind_labels = {
        f"{MODULE}.ico-decision": "Decisions on telling the ICO (72-hour legal deadline)",
        f"{MODULE}.triage": "Incidents to triage",
        f"{MODULE}.action": "Actions on incidents",
    }

    def counts(
        self, school_ids: Sequence[int], *, now: datetime, horizon: datetime
    ) -> dict[int, DutyCounts]:
        ids = list(dict.fromkeys(school_ids))
        if not ids:
            return {}
        rows = compiled.rows((MODULE, "counts", tuple(ids)),
                             lambda: _counted(ids, now, horizon), **_put_in(now, horizon))
        return {
            school_id: DutyCounts(due=ico_due + triage_due + action_due,
                                  overdue=ico_overdue + triage_overdue + action_overdue)
            for (school_id, ico_overdue, ico_due, triage_overdue, triage_due, action_overdue,
                 action_due) in rows
        }

    def for_school(self, school_id: int, *, now: datetime, horizon: datetime) -> list[Duty]:
        """The three kinds from one query (UNION ALL), its SQL kept between calls
        (``duties.compiled``) per school; the instants and days it compares with are put in
        at each call (``_put_in``)."""
        make = {ICO_ROW: _ico_duty, TRIAGE_ROW: _triage_duty, ACTION_ROW: _action_duty}
        return [make[marker](_Row(*columns), now) for marker, *columns in compiled.rows(
            (MODULE, "lists", school_id), lambda: _listed(school_id, now, horizon),
            **_put_in(now, horizon))]


class _Row(NamedTuple):
    """A row of ``_listed`` after its marker (columns a kind does not use are None)."""

    public_id: Any
    reference: str
    aware_at: datetime | None
    received_at: datetime | None
    due_on: date | None
    owner_id: int | None
    owner_name: str | None
    owner_email: str | None
    incident_public_id: Any
    owner_handles: bool | None
    ico_to_send: bool | None  # an ICO row: decided to report, not sent yet


ICO_ROW, TRIAGE_ROW, ACTION_ROW = 1, 2, 3  # which kind a row of ``_listed`` is
def _none(field: Any) -> Cast:
    """NULL of a column's type: PostgreSQL types a UNION's column from its first two rows'
    queries, and two bare NULLs make it text."""
    return Cast(Value(None), output_field=field)


_NONE = {
    "no_due_on": _none(DateField()),
    "no_owner": _none(IntegerField()),
    "no_name": _none(CharField()),
    "no_email": _none(CharField()),
    "no_incident": _none(UUIDField()),
    "no_handles": _none(BooleanField()),
}


def _counted(ids: list[int], now: datetime, horizon: datetime) -> QuerySet[Any]:
    """Per school: its ICO decisions, triages and actions, each overdue and due (one row,
    each figure a COUNT subquery); kept by ``IncidentDuties.counts`` (``duties.compiled``)."""
    school = OuterRef("pk")
    running = clock_running().filter(school_id=school)
    triage = _waiting_for_triage().filter(school_id=school)
    actions = _open_actions().filter(school_id=school)
    ico_overdue, ico_due = _ico_windows(now, horizon)
    triage_overdue, triage_due = _triage_windows(now, horizon)
    action_overdue, action_due = _action_windows(now, horizon)
    annotations: dict[str, Any] = {
        "ico_overdue": count_subquery(running.filter(ico_overdue)),
        "ico_due": count_subquery(running.filter(ico_due)),
        "triage_overdue": count_subquery(triage.filter(triage_overdue)),
        "triage_due": count_subquery(triage.filter(triage_due)),
        "action_overdue": count_subquery(actions.filter(action_overdue)),
        "action_due": count_subquery(actions.filter(action_due)),
    }
    return (School.objects.filter(pk__in=ids).order_by()
            .annotate(**annotations).values_list("pk", *annotations))


def _listed(school_id: int, now: datetime, horizon: datetime) -> QuerySet[Any]:
    """Reports whose ICO decision is due, reports waiting for triage, and actions due: one
    row each, marked by kind, in the columns of ``_Row``."""
    ico_overdue, ico_due = _ico_windows(now, horizon)
    triage_overdue, triage_due = _triage_windows(now, horizon)
    action_overdue, action_due = _action_windows(now, horizon)
    incident_columns = ("marker", "public_id", "reference", "aware_at", "received_at", *_NONE,
                        "ico_to_send")
    to_send = Decision.objects.filter(incident_id=OuterRef("pk"), kind=Decision.Kind.ICO,
                                      tell=True)
    ico = (clock_running().filter(school_id=school_id).filter(ico_overdue | ico_due)
           .order_by().annotate(marker=Value(ICO_ROW), ico_to_send=Exists(to_send), **_NONE)
           .values_list(*incident_columns))
    triage = (_waiting_for_triage().filter(school_id=school_id)
              .filter(triage_overdue | triage_due)
              .order_by().annotate(marker=Value(TRIAGE_ROW), ico_to_send=_none(BooleanField()),
                                   **_NONE)
              .values_list(*incident_columns))
    # The owner had to handle reports when named; if they no longer do (now plain staff,
    # say), the duty would still tell them the report exists: it goes to the DPO instead.
    handles = MembershipRole.objects.filter(
        membership__school_id=school_id, membership__user_id=OuterRef("owner_id"),
        membership__is_active=True, role__in=[Role.DPO, Role.SIRO])
    actions = (_open_actions().filter(school_id=school_id).filter(action_overdue | action_due)
               .order_by()
               .annotate(marker=Value(ACTION_ROW), owner_handles=Exists(handles),
                         no_aware=_none(DateTimeField()), no_received=_none(DateTimeField()),
                         no_ico=_none(BooleanField()))
               .values_list("marker", "public_id", "incident__reference", "no_aware",
                            "no_received", "due_on", "owner_id", "owner__full_name",
                            "owner__email", "incident__public_id", "owner_handles", "no_ico"))
    return ico.union(triage, actions, all=True)


def _incident_duty(row: _Row, now: datetime, *, kind: str, due_at: datetime, title: str,
                   action: str, legal_clock: bool = False) -> Duty:
    """A duty on the report itself (the DPO's): its ICO decision or its triage."""
    return Duty(
        key=f"{MODULE}.{kind}:{row.public_id}",
        module=MODULE,
        title=f"{title} {row.reference}",
        subject=row.reference,
        due_at=due_at,
        status=status_for(due_at, now),
        url=_incident_url(row.public_id),
        owner_role=Role.DPO,
        action=action,
        legal_clock=legal_clock,
    )


def _ico_duty(row: _Row, now: datetime) -> Duty:
    assert row.aware_at is not None  # an incident's row
    if row.ico_to_send:
        return _incident_duty(row, now, kind="ico-decision", due_at=ico_deadline(row.aware_at),
                              title="Send the report to the ICO about", legal_clock=True,
                              action="Send the report to the ICO and record when it was sent")
    return _incident_duty(row, now, kind="ico-decision", due_at=ico_deadline(row.aware_at),
                          title="Decide whether to tell the ICO about", legal_clock=True,
                          action="Assess the risk and record the ICO decision")


def _triage_duty(row: _Row, now: datetime) -> Duty:
    assert row.aware_at is not None and row.received_at is not None  # an incident's row
    return _incident_duty(row, now, kind="triage",
                          due_at=triage_due_at(row.received_at, row.aware_at),
                          title="Triage", action="Read the report and triage it")


def _action_duty(row: _Row, now: datetime) -> Duty:
    assert row.due_on is not None  # an action's row
    named = row.owner_id is not None and bool(row.owner_handles)
    return Duty(
        key=f"{MODULE}.action:{row.public_id}",
        module=MODULE,
        title=f"Action on {row.reference} is due",
        subject=row.reference,
        due_at=row.due_on,
        status=status_for(row.due_on, now),
        url=_incident_url(row.incident_public_id),
        owner_user_id=row.owner_id if named else None,
        owner_role=None if named else Role.DPO,
        owner_label=(row.owner_name or row.owner_email or "") if named else "",
        action="Do the action, or record why it was dropped",
    )


def register() -> None:
    """Called by the app's ready(): adds (or replaces) the provider in the registry."""
    registry.register(IncidentDuties())

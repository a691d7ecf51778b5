"""Duties of the compliance controls (module ``compliance``), computed when read:

- ``compliance.attestation-due``: an attested control to be confirmed, due within the
  horizon or overdue, to its owner (the person the school named, else the holders of the
  control's role). Due as the state rule says: from the latest confirmation by its cadence
  (``engine.confirmation_due``); never confirmed: due on the last day of the term in which
  the control came to the school (the later of the school's creation and the control's),
  whatever its cadence; last found not done: due from that day (confirm it again once it
  is put right). A named owner counts only while an active member holding a role that may
  confirm controls.
- ``compliance.control-not-met``: a control worked out from the records whose last worked
  out state (``ControlStatus``, refreshed hourly, nightly and after an attestation) is not
  met: ONE duty per control, never one per record (the records' own duties say those), to
  its owner, due from when it was first seen not met (so it is overdue).

``counts`` reads a constant number of queries for any number of schools (the statuses'
aggregate; the schools, their attested controls, settings and latest confirmations, and
their term dates); ``for_school`` the same for one school. The state engine never reads this
module (it skips ``compliance``), so the two never call each other. Titles name the control
only: they leave the school in reminders.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.urls import NoReverseMatch, reverse

from schoolkeep.compliance.models import Attestation, Control, ControlSetting, ControlStatus, State
from schoolkeep.compliance.pack.status import known_terms
from schoolkeep.compliance.state import selectors
from schoolkeep.compliance.state.engine import arrived_on, confirmation_due
from schoolkeep.duties.cadence import years_around
from schoolkeep.duties.registry import register as register_provider
from schoolkeep.duties.types import Duty, DutyCounts, is_before_horizon, local_date, status_for
from schoolkeep.tenancy.models import Membership, School

MODULE = "compliance"
ATTESTATION_DUE = f"{MODULE}.attestation-due"
NOT_MET = f"{MODULE}.control-not-met"


@dataclass(frozen=True)
class AttestedDue:
    """One attested control of one school, and when it is next to be confirmed."""

    school_id: int
    control: Control
    owner_user_id: int | None  # the named owner, when an active member of the school
    due_on: date
    latest: Attestation | None


def attested_dues(school_ids: Sequence[int], today: date) -> list[AttestedDue]:
    """Every attested control of these schools with its due date: five queries whatever
    the number of schools."""
    ids = list(dict.fromkeys(school_ids))
    if not ids:
        return []
    schools = {school.pk: school for school in School.objects.filter(pk__in=ids)}
    controls = list(Control.objects.filter(kind=Control.Kind.ATTESTED, archived_at__isnull=True)
                    .filter(Q(school__isnull=True) | Q(school_id__in=ids))
                    .order_by("order", "title", "pk"))
    active = Membership.objects.filter(school_id=OuterRef("school_id"),
                                       user_id=OuterRef("owner_id"), is_active=True,
                                       user__is_active=True,
                                       roles__role__in=selectors.attest_roles())
    settings = {(row.school_id, row.control_id): row for row in
                ControlSetting.objects.filter(school_id__in=ids, control__in=controls)
                .annotate(owner_active=Exists(active))}
    latest_pk = (Attestation.objects.filter(school_id=OuterRef("school_id"),
                                            control_id=OuterRef("control_id"))
                 .order_by("-attested_on", "-created_at", "-pk").values("pk")[:1])
    latest = {(row.school_id, row.control_id): row for row in
              Attestation.objects.filter(school_id__in=ids, control__in=controls)
              .filter(pk=Subquery(latest_pk))}
    arrived = {(school_id, control.pk): arrived_on(school, control)
               for school_id, school in schools.items() for control in controls
               if control.school_id in (None, school_id)}
    # The term dates read in one query, the default pattern worked out, never saved (so
    # the first read of a year writes nothing and a page's queries stay the same).
    calendars: dict[int, Any] = (
        known_terms(list(schools.values()),
                    years_around([today, *arrived.values(),
                                  *(r.attested_on for r in latest.values())]))
        if arrived else {})
    found = []
    for school_id in ids:
        school = schools.get(school_id)
        if school is None:
            continue
        for control in controls:
            if control.school_id not in (None, school_id):
                continue
            setting = settings.get((school_id, control.pk))
            last = latest.get((school_id, control.pk))
            cadence, every_days = selectors.effective_cadence(control, setting)
            due_on = confirmation_due(cadence, every_days, last,
                                      arrived=arrived[(school_id, control.pk)],
                                      calendar=calendars[school_id]).on
            named = (setting.owner_id if setting is not None
                     and getattr(setting, "owner_active", False) else None)
            found.append(AttestedDue(school_id, control, named, due_on, last))
    return found


def _url(name: str, control: Control) -> str:
    try:
        return reverse(name, args=[control.public_id])
    except NoReverseMatch:  # the controls' pages not installed: the duty is still counted
        return ""


def _attestation_subject(item: AttestedDue) -> str:
    if item.latest is None:
        return "Nobody has confirmed this yet"
    if item.latest.outcome == Attestation.Outcome.NOT_DONE:
        return (f"Found not done on {item.latest.attested_on:%-d %B %Y}: confirm it again "
                "once it is put right")
    return f"Last confirmed on {item.latest.attested_on:%-d %B %Y}"


class ComplianceDuties:
    module = MODULE
    label = "Compliance controls"
    view_permission = "compliance.view"
    kind_labels = {ATTESTATION_DUE: "Controls to confirm",
                   NOT_MET: "Controls not met"}

    def counts(self, school_ids: Sequence[int], *, now: datetime,
               horizon: datetime) -> dict[int, DutyCounts]:
        ids = list(dict.fromkeys(school_ids))
        result: dict[int, DutyCounts] = {}
        for item in attested_dues(ids, local_date(now)):
            if is_before_horizon(item.due_on, horizon):
                result[item.school_id] = (result.get(item.school_id, DutyCounts())
                                          + DutyCounts.of(status_for(item.due_on, now)))
        rows = (self._not_met(ids).values("school_id").order_by("school_id")
                .annotate(overdue=Count("pk", filter=Q(since__lt=now)),
                          due=Count("pk", filter=Q(since__gte=now, since__lt=horizon))))
        for row in rows:
            result[row["school_id"]] = (result.get(row["school_id"], DutyCounts())
                                        + DutyCounts(due=row["due"], overdue=row["overdue"]))
        return result

    @staticmethod
    def _not_met(school_ids: Sequence[int]):  # type: ignore[no-untyped-def]
        return ControlStatus.objects.filter(
            school_id__in=list(school_ids), state=State.NOT_MET,
            control__kind=Control.Kind.COMPUTED, control__archived_at__isnull=True)

    def for_school(self, school_id: int, *, now: datetime, horizon: datetime) -> list[Duty]:
        duties = []
        for item in attested_dues([school_id], local_date(now)):
            if not is_before_horizon(item.due_on, horizon):
                continue
            control = item.control
            duties.append(Duty(
                key=f"{ATTESTATION_DUE}:{school_id}:{control.public_id}", module=MODULE,
                title=f"Confirm: {control.title}", subject=_attestation_subject(item),
                due_at=item.due_on, status=status_for(item.due_on, now),
                url=_url("compliance:control-attest", control),
                permission="compliance.attest", owner_user_id=item.owner_user_id,
                owner_role=control.owner_role,
                action="Confirm it"))
        for status in self._not_met([school_id]).select_related("control").order_by("since"):
            if not is_before_horizon(status.since, horizon):
                continue
            control = status.control
            duties.append(Duty(
                key=f"{NOT_MET}:{school_id}:{control.public_id}", module=MODULE,
                title=f"Not met: {control.title}",
                subject=f"Not met since {local_date(status.since):%-d %B %Y}",
                due_at=status.since, status=status_for(status.since, now),
                url=_url("compliance:control-detail", control),
                permission="compliance.view", owner_user_id=status.owner_user_id,
                owner_role=status.owner_role,
                action="See what is missing", order_at=status.since))
        return duties


provider = ComplianceDuties()


def register() -> None:
    register_provider(provider)

"""Reads of incident reports for the handlers' pages.

Who sees what: the DPO, the SIRO and the auditor (``incidents.view``) see every report of the
school in full; a reporter sees their own reports, reduced to the reference, title, date of
receipt and status; everyone else gets a 404 (they may not even learn that a report exists).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape
from typing import Any
from uuid import UUID

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from schoolkeep.incidents.clock import ICO_HOURS, TimeLeft, clock_runs, time_left
from schoolkeep.incidents.models import (
    NO_PERSONAL_DATA_KINDS,
    Action,
    Decision,
    Incident,
    Kind,
    Status,
    ico_settled,
)
from schoolkeep.lib.dates_text import london_date_time, month_names
from schoolkeep.lib.links import url_for_each
from schoolkeep.tenancy.access import SchoolAccess
from schoolkeep.tenancy.models import School

OVERDUE = "overdue"
# A running ICO clock is a legal deadline: red whether or not it has passed, as the
# dashboard's "Legal deadline" tag; the words say how long is left or how late it is.
LEGAL_CLOCK_COLOUR = "red"


def _with_ico_decision(incidents: QuerySet[Incident]) -> QuerySet[Incident]:
    """Annotates ``ico_settled`` (the clock has stopped: not reporting, or the report sent)
    and ``ico_to_send`` (decided to report, not yet sent: the clock runs on)."""
    ico = Decision.objects.filter(incident=OuterRef("pk"), kind=Decision.Kind.ICO)
    return incidents.annotate(ico_settled=Exists(ico.filter(ico_settled())),
                              ico_to_send=Exists(ico.filter(tell=True, told_at__isnull=True)))


def incident_list(*, school: School, status: str = "", kind: str = "",
                  overdue: bool = False, now: datetime | None = None) -> QuerySet[Incident]:
    """The school's reports, newest first, each annotated by ``_with_ico_decision``, with
    the columns the list shows (any other is read when used).
    ``kind`` "untriaged" selects reports not yet triaged; ``overdue`` those whose clock
    runs past the ICO deadline."""
    incidents = _with_ico_decision(Incident.objects.filter(school=school))
    if status:
        incidents = incidents.filter(status=status)
    if kind == "untriaged":
        incidents = incidents.filter(kind="")
    elif kind:
        incidents = incidents.filter(kind=kind)
    if overdue:
        cutoff = (now or timezone.now()) - timedelta(hours=ICO_HOURS)
        settled = Decision.objects.filter(ico_settled(), incident=OuterRef("pk"))
        incidents = incidents.filter(~Exists(settled), aware_at__lt=cutoff).exclude(
            kind__in=list(NO_PERSONAL_DATA_KINDS))
    return incidents.order_by("-received_at", "-pk").only(*_LIST_COLUMNS)


# What the list shows and its clock reads. The rest stays unread: a report holds a dozen
# encrypted texts, each decrypted as its model is built.
_LIST_COLUMNS = ("public_id", "school_id", "reference", "title", "received_at", "aware_at",
                 "status", "kind")


def is_ico_settled(incident: Incident) -> bool:
    """Read from the annotation of the selectors above (no query)."""
    return bool(getattr(incident, "ico_settled", False))


def is_ico_to_send(incident: Incident) -> bool:
    """Decided to report, not yet sent: read from the annotation (no query)."""
    return bool(getattr(incident, "ico_to_send", False))


@dataclass(frozen=True)
class IncidentRow:
    """A report as the handlers' list shows it, each cell's text written here once rather
    than by template lookups and filters (a dozen a row)."""

    incident: Incident
    clock: TimeLeft | None  # None once the clock has stopped
    url: str  # the report's page
    received: str  # in Europe/London: "6 Dec 2026, 13:04"
    status: str
    status_colour: str
    kind: str  # "Not triaged yet" until triage
    ico: str  # the time left (to decide, or to send the report), "Decided" or "Not needed"
    ico_colour: str  # "red" while the clock runs (a legal deadline, as the dashboard's), else ""


def clock_for(incident: Incident, *, ico_settled: bool,
              now: datetime | None = None) -> TimeLeft | None:
    """The time left to decide about the ICO or send its report, while the clock runs."""
    if not clock_runs(kind=incident.kind, ico_settled=ico_settled):
        return None
    return time_left(incident.aware_at, now or timezone.now())


_STATUS_COLOURS: dict[str, str] = {Status.CLOSED: "grey", Status.OPEN: "blue"}  # waiting: yellow


def incident_rows(incidents: list[Incident], now: datetime | None = None) -> list[IncidentRow]:
    moment = now or timezone.now()
    detail = url_for_each("incidents:incident-detail")
    months = month_names()
    statuses, kinds = dict(Status.choices), dict(Kind.choices)
    rows = []
    for incident in incidents:
        decided = is_ico_settled(incident)
        clock = clock_for(incident, now=moment, ico_settled=decided)
        ico = clock.words() if clock else "Decided" if decided else "Not needed"
        if clock and is_ico_to_send(incident):
            ico = f"Decided to report, not sent: {ico}"
        rows.append(IncidentRow(
            incident=incident, clock=clock,
            url=detail(incident.public_id),
            received=london_date_time(incident.received_at, months),
            status=statuses.get(incident.status, incident.status),
            status_colour=_STATUS_COLOURS.get(incident.status, "yellow"),
            kind=kinds.get(incident.kind, incident.kind) or "Not triaged yet",
            ico=ico[:1].upper() + ico[1:],
            ico_colour=LEGAL_CLOCK_COLOUR if clock else ""))
    return rows


def incident_rows_markup(rows: list[IncidentRow]) -> SafeString:
    """The list's ``<tr>`` of each row, written in one pass rather than by the template's
    loop (a dozen lookups a row); the table's head stays in the template."""
    html = "".join(
        f'<tr><th scope="row"><a href="{escape(row.url)}">{escape(row.incident.reference)}</a>'
        f'</th><td data-label="Title">{escape(row.incident.title)}</td>'
        f'<td data-label="Received">{escape(row.received)}</td>'
        f'<td data-label="Status"><strong class="tag tag-{escape(row.status_colour)}">'
        f'{escape(row.status)}</strong></td><td data-label="Kind">{escape(row.kind)}</td>'
        f'<td data-label="ICO deadline">{_ico_cell(row)}</td></tr>\n'
        for row in rows)
    # Every value put into the markup is escaped here; the rest is fixed text.
    return mark_safe(html)  # noqa: S308  # nosec B308 B703


def _ico_cell(row: IncidentRow) -> str:
    if not row.ico_colour:
        return escape(row.ico)
    return f'<strong class="tag tag-{escape(row.ico_colour)}">{escape(row.ico)}</strong>'


@dataclass(frozen=True)
class IncidentView:
    incident: Incident
    full: bool  # False: the reporter's own report, reduced to its reference and status


def incident_for_page(*, access: SchoolAccess, user: Any, public_id: UUID | str) -> IncidentView:
    """The report for its page: in full for the handlers and the auditor, reduced for its
    reporter; a 404 for everyone else and for another school's report."""
    full = access.can("incidents.view")
    incidents = Incident.objects.filter(school=access.school)
    if not full:
        if not access.can("incidents.report") or not getattr(user, "is_authenticated", False):
            raise Http404("Not found")
        incidents = incidents.filter(reported_by=user)
    else:
        incidents = _with_ico_decision(incidents).prefetch_related("assets", "systems")
    try:
        return IncidentView(incidents.get(public_id=public_id), full)
    except (Incident.DoesNotExist, ValueError):
        raise Http404("Not found") from None


def decisions_by_kind(incident: Incident) -> dict[str, Decision]:
    return {decision.kind: decision for decision in Decision.objects.filter(incident=incident)}


def actions_of(incident: Incident) -> list[Action]:
    return list(Action.objects.filter(incident=incident).select_related("owner")
                .order_by("due_on", "created_at", "pk"))


def open_action_count(incident: Incident) -> int:
    return Action.objects.filter(incident=incident, state=Action.State.OPEN).count()


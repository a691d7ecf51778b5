"""The audit trail as CSV, written row by row, safe to open in a spreadsheet; and the
export's own audit event (who exported which part of the trail, how many rows, whether in
the background), as every other export records one.

A trail can reach a million events. Up to ``IN_BACKGROUND_ABOVE`` chosen events the file is
streamed to the member at once, as it always was. Above it, the download's link shows a page
whose POST starts a job (a link never starts work); the worker writes the file straight into
the job's private file (``jobs.exports``), reporting its progress, and the job's page offers
it to whoever started it while they may still read the trail. Both write the same rows,
those chosen before the export's own event, so that the file and the recorded count agree.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, BinaryIO

from django.db import transaction
from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from schoolkeep.audit.actions import AREA_BY_KEY, action_label, area_of, register_action_labels
from schoolkeep.audit.actors import actor_name
from schoolkeep.audit.hashing import canonical_time
from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.sealing import opened_in_chunks
from schoolkeep.audit.selectors import NO_PERSON, event_list
from schoolkeep.audit.services import audit_record, diff
from schoolkeep.jobs.exports import OnRow, counted, export_job_run
from schoolkeep.jobs.models import Job
from schoolkeep.jobs.services import job_create
from schoolkeep.lib.dates_text import LONDON
from schoolkeep.lib.downloads import CSV
from schoolkeep.tenancy.guards import require_permission

ACTION = "audit.trail.exported"
ACTION_LABELS = {ACTION: "Audit trail exported"}
register_action_labels(ACTION_LABELS)

# Above this many chosen events the file is made in the background. The CSV was written at
# 3,000 (a busy machine) to 9,000 events a second here (bench/export_large.py), so 5,000 take
# under two seconds while the member waits; a million take minutes, too long for a request.
IN_BACKGROUND_ABOVE = 5000
JOB_KIND = "audit.trail.export"
PERMISSION = "audit.view"
CHUNK = 500  # events read at a time: what bounds the export's memory
# Events are written fast: saving progress every hundred would commit thousands of UPDATEs.
PROGRESS_EVERY = 1000

# "Person" and "Action" in words; the codes stay beside them ("Action code", and "Person
# (name now)" last, so that the earlier columns keep their places). A member's name is read
# from their sealed key: it is their name now, not when the event happened.
HEADER = [
    "When (UK time)", "When (UTC)", "Person", "Action", "Action code", "Record type",
    "Record id", "Record", "Changes", "Request id", "Address", "Event id", "Chain",
    "Sequence", "Hash", "Area", "Person (name now)",
]
# A spreadsheet runs a cell that starts with one of these as a formula (or, for tab and
# carriage return, may shift it into one): such cells are prefixed with a quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    """A file-like object whose write returns the line instead of storing it."""

    def write(self, value: str) -> str:
        return value


def event_row(event: AuditEvent) -> list[str]:
    return [safe_cell(value) for value in (
        event.occurred_at.astimezone(LONDON).strftime("%Y-%m-%d %H:%M:%S"),
        canonical_time(event.occurred_at),
        actor_name(event.actor_label),
        action_label(event.action),
        event.action,
        event.target_type,
        event.target_id,
        event.target_label,
        json.dumps(event.changes, sort_keys=True, ensure_ascii=False) if event.changes else "",
        event.request_id,
        event.ip_address,
        event.public_id,
        event.chain,
        event.sequence,
        event.hash,
        area_of(event.action),
        event.actor_label,
    )]


def csv_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(HEADER)  # the BOM tells spreadsheets it is UTF-8
    # Sealed values opened a chunk at a time (two queries each), "erased" once forgotten.
    for event in opened_in_chunks(events, CHUNK):
        yield writer.writerow(event_row(event))


def write_trail_csv(events: Iterable[AuditEvent], handle: BinaryIO, on_row: OnRow = None) -> None:
    """The same lines as ``csv_lines``, written into a binary file one event at a time."""
    text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
    text.writelines(csv_lines(counted(events, on_row)))
    text.flush()
    text.detach()  # the caller's file stays open


def filters_description(selection: Mapping[str, Any], *, person_label: str) -> str:
    """The filters of an export in words, for its audit event ("everything" when none)."""
    parts = []
    if person_label:
        parts.append(f"person: {person_label}")
    area = AREA_BY_KEY.get(selection.get("area") or "")
    if area:
        parts.append(f"area: {area.label}")
    if selection.get("action_prefix"):
        parts.append(f"action: {selection['action_prefix']}")
    if selection.get("date_from"):
        parts.append(f"from {selection['date_from']:%Y-%m-%d}")
    if selection.get("date_to"):
        parts.append(f"to {selection['date_to']:%Y-%m-%d}")
    return "; ".join(parts) or "everything"


@dataclass(frozen=True)
class Chosen:
    """The events an export writes: those of the filtered trail up to ``newest`` (its
    events' highest id when the export was asked for), and how many they are."""

    events: QuerySet[AuditEvent]
    newest: int
    rows: int

    @property
    def in_background(self) -> bool:
        return self.rows > IN_BACKGROUND_ABOVE


def trail_chosen(events: QuerySet[AuditEvent]) -> Chosen:
    """The filtered trail as it stands now: one query, whatever its size."""
    found = events.order_by().aggregate(newest=Max("pk"), rows=Count("pk"))
    newest = found["newest"] or 0
    return Chosen(events.filter(pk__lte=newest), newest, found["rows"])


def _audit(*, school: Any, actor: Any, chosen: Chosen, filters: str, background: bool) -> None:
    audit_record(
        action=ACTION, school=school, actor=actor,
        target_type="audit.trail", target_id=str(school.public_id),
        target_label=f"Audit trail of {school.name}",
        changes=diff(None, {"format": "csv", "rows": chosen.rows, "filters": filters,
                            "in_background": background}),
    )


def trail_export_now(*, school: Any, actor: Any, chosen: Chosen,
                     filters: str) -> QuerySet[AuditEvent]:
    """Record who exported the trail (format, filters, rows) and return the events to write
    at once, read in chunks."""
    require_permission(school=school, actor=actor, permission=PERMISSION,
                       message="Only members who may read the audit trail can export it.")
    with transaction.atomic():
        _audit(school=school, actor=actor, chosen=chosen, filters=filters, background=False)
    return chosen.events


def filename_for(school: Any) -> str:
    stamp = timezone.localtime(timezone.now(), LONDON).strftime("%Y-%m-%d")
    return f"audit-trail-{school.slug}-{stamp}.csv"


def selection_params(selection: Mapping[str, Any]) -> dict[str, str]:
    """``AuditFilterForm.selection()`` as plain text, for a task's arguments."""
    def day(value: date | None) -> str:
        return value.isoformat() if value else ""

    actor_id = selection.get("actor_id")
    return {"actor_id": "" if actor_id is None else str(actor_id),
            "area": str(selection.get("area") or ""),
            "action_prefix": str(selection.get("action_prefix") or ""),
            "date_from": day(selection.get("date_from")),
            "date_to": day(selection.get("date_to"))}


def selection_from_params(params: Mapping[str, str]) -> dict[str, Any]:
    """The reverse of ``selection_params``: keyword arguments for ``selectors.event_list``."""
    actor = params.get("actor_id") or ""
    return {
        "actor_id": None if not actor else actor if actor == NO_PERSON else int(actor),
        # An unknown area (a job queued before a change to the list) filters by nothing.
        "area": params.get("area") if params.get("area") in AREA_BY_KEY else "",
        "action_prefix": params.get("action_prefix") or "",
        "date_from": date.fromisoformat(params["date_from"]) if params.get("date_from") else None,
        "date_to": date.fromisoformat(params["date_to"]) if params.get("date_to") else None,
    }


def trail_export_start(*, school: Any, actor: Any, selection: Mapping[str, Any],
                       filters: str) -> Job:
    """Record who exported the trail and start the job that writes the file (the events
    chosen now, before this export's own event)."""
    require_permission(school=school, actor=actor, permission=PERMISSION,
                       message="Only members who may read the audit trail can export it.")
    from schoolkeep.audit.tasks_export import trail_export

    params = selection_params(selection)
    with transaction.atomic():
        chosen = trail_chosen(event_list(school=school, viewer=actor,
                                         **selection_from_params(params)))
        job = job_create(school=school, actor=actor, kind=JOB_KIND, total=chosen.rows,
                         title="Audit trail export (CSV)", permission=PERMISSION)
        _audit(school=school, actor=actor, chosen=chosen, filters=filters, background=True)
        transaction.on_commit(
            lambda: trail_export.enqueue(str(job.public_id), params, chosen.newest))
    return job


def trail_export_run(job_id: str, params: Mapping[str, str], newest: int) -> None:
    """The body of the background task: write the chosen events into the job's file."""
    job = Job.objects.select_related("school", "created_by").get(public_id=job_id,
                                                                  kind=JOB_KIND)
    school = job.school
    # Read as the member who asked: the records hidden from them stay out of their file.
    events = event_list(school=school, viewer=job.created_by,
                        **selection_from_params(params)).filter(pk__lte=newest)
    export_job_run(
        job, lambda handle, on_row: write_trail_csv(events.iterator(chunk_size=CHUNK), handle,
                                                    on_row),
        filename=filename_for(school), content_type=CSV, progress_every=PROGRESS_EVERY)

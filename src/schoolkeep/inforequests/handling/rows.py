"""The rows of the requests list and the countdown at the top of a request's page, each
cell's words written here once rather than by template lookups (no query: the list's
selector read every column they use)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.urls import reverse

from schoolkeep.inforequests.clocks.deadline import Clock, days_left
from schoolkeep.inforequests.handling.selectors import Countdown
from schoolkeep.inforequests.models import Kind, Request, SearchTask, Status
from schoolkeep.lib.dates_text import day_month_year, month_names
from schoolkeep.lib.links import url_for_each

_STATUS_COLOURS: dict[str, str] = {Status.OPEN: "blue", Status.ANSWERED: "green",
                                   Status.WITHDRAWN: "grey"}


def clock_stopped(request: Request) -> bool:
    """No deadline runs: answered, withdrawn, or a complaint acknowledged (then tracked to
    an outcome with no further legal deadline)."""
    return request.status != Status.OPEN or (
        request.kind == Kind.COMPLAINT and request.acknowledged_on is not None)


def countdown_for(request: Request, *, today: date) -> Countdown | None:
    """The days left to the deadline while one runs and the school is not waiting for the
    requester; None otherwise."""
    if clock_stopped(request) or request.waiting_since is not None:
        return None
    return Countdown(days_left(request, today))


def clock_countdown(request: Request, clock: Clock, *, today: date) -> Countdown | None:
    """The countdown of a request's page, from the deadline worked out now (the one the page
    gives as the day to respond by), so that the days left and the date always agree;
    None when no deadline runs or the school waits for the requester."""
    if clock_stopped(request) or clock.waiting_since is not None:
        return None
    return Countdown((clock.due_on - today).days)


@dataclass(frozen=True)
class RequestRow:
    request: Request
    url: str
    kind: str
    received: str  # "6 Dec 2026"
    due: str  # "18 Dec 2026", or what stopped the clock
    countdown: Countdown | None
    waiting: str  # "Waiting for the requester since 3 Dec 2026", or ""
    estimated: bool  # the deadline rests on estimated term dates
    status: str
    status_colour: str


def _due_words(request: Request, months: tuple[str, ...]) -> str:
    if request.status == Status.ANSWERED:
        return f"Answered {day_month_year(request.responded_on, months)}".strip()
    if request.status == Status.WITHDRAWN:
        return f"Withdrawn {day_month_year(request.withdrawn_on, months)}".strip()
    if clock_stopped(request):
        return f"Acknowledged {day_month_year(request.acknowledged_on, months)}"
    return day_month_year(request.due_on, months)


def request_rows(requests: list[Request], *, today: date) -> list[RequestRow]:
    months = month_names()
    detail = url_for_each("requests:request-detail")
    kinds, statuses = dict(Kind.choices), dict(Status.choices)
    rows = []
    for request in requests:
        waiting = request.waiting_since if request.status == Status.OPEN else None
        rows.append(RequestRow(
            request=request, url=detail(request.public_id),
            kind=kinds.get(request.kind, request.kind),
            received=day_month_year(request.received_on, months),
            due=_due_words(request, months),
            countdown=countdown_for(request, today=today),
            waiting=(f"Waiting for the requester since {day_month_year(waiting, months)}"
                     if waiting else ""),
            estimated=request.due_estimated and not clock_stopped(request),
            status=statuses.get(request.status, request.status),
            status_colour=_STATUS_COLOURS.get(request.status, "blue")))
    return rows


@dataclass(frozen=True)
class TaskRow:
    task: SearchTask
    url: str
    reference: str
    kind: str
    due: str  # the search's own due date, or ""


def task_rows(tasks: list[SearchTask]) -> list[TaskRow]:
    """A member's open searches: the reference and the kind, nothing else of the request."""
    months = month_names()
    kinds = dict(Kind.choices)
    return [TaskRow(task=task, url=reverse("requests:search-detail", args=[task.pk]),
                    reference=task.request.reference,
                    kind=kinds.get(task.request.kind, task.request.kind),
                    due=day_month_year(task.due_on, months)) for task in tasks]

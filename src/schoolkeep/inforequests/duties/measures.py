"""Measures of requests with a legal clock, for the overview (``overview.types``).

- ``requests.answered-in-time``: of the requests received this school year (from 1
  September), not withdrawn, those whose deadline has passed or that were answered, how
  many were answered by their deadline (``responded_on`` on or before ``due_on``, the
  deadline with every extension and pause). For a complaint the deadline is the one to
  acknowledge it (30 days): met when acknowledged by then. A request still inside its
  deadline and not answered is the measure's third number, pending ("2 still within
  their deadline").

Figures only, never a reference: the overview shows them to governors, who may not see
requests.

ONE aggregate over the requests grouped by school, whatever the number of schools.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django.db.models import Count, F, Q

from schoolkeep.duties.types import local_date
from schoolkeep.inforequests.models import Kind, Request, Status
from schoolkeep.overview.types import Figures, MeasureSpec

ANSWERED_IN_TIME = "requests.answered-in-time"


def school_year_start(today: date) -> date:
    """1 September of the school year ``today`` is in."""
    return date(today.year if today.month >= 9 else today.year - 1, 9, 1)


def answered() -> Q:
    """Request rows answered: a complaint once acknowledged, any other kind once answered."""
    complaint = Q(kind=Kind.COMPLAINT)
    return (complaint & Q(acknowledged_on__isnull=False)) | (
        ~complaint & Q(status=Status.ANSWERED))


def in_time_conditions(today: date) -> tuple[Q, Q]:
    """(counted, met) on Request rows not withdrawn: counted once answered (a complaint:
    acknowledged) or once its deadline has passed; met when done by the deadline. The
    governor pack counts with the same rule."""
    complaint = Q(kind=Kind.COMPLAINT)
    counted = answered() | Q(due_on__lt=today)
    met = (complaint & Q(acknowledged_on__lte=F("due_on"))) | (
        ~complaint & Q(status=Status.ANSWERED, responded_on__lte=F("due_on")))
    return counted, met


class RequestMeasures:
    module = "requests"
    label = "Requests with legal clocks"
    view_permission = "overview.view"
    specs = [
        MeasureSpec(ANSWERED_IN_TIME, "requests",
                    "Requests answered by their legal deadline (this school year)",
                    "were answered by their legal deadline",
                    empty="No request this school year",
                    url_name="requests:request-list", permission="requests.view",
                    pending_words=("{n} still within its deadline",
                                   "{n} still within their deadline"),
                    pending_none="None due yet"),
    ]

    def figures(self, school_ids: Sequence[int], *, now: datetime) -> Figures:
        today = local_date(now)
        counted, met = in_time_conditions(today)
        rows = (Request.objects
                .filter(school_id__in=list(school_ids),
                        received_on__gte=school_year_start(today))
                .exclude(status=Status.WITHDRAWN)
                .order_by().values("school_id")
                .annotate(total=Count("pk", filter=counted),
                          met=Count("pk", filter=counted & met),
                          pending=Count("pk", filter=~counted))
                .values_list("school_id", "total", "met", "pending"))
        return {school_id: {ANSWERED_IN_TIME: (met_count, total, pending)}
                for school_id, total, met_count, pending in rows}


provider = RequestMeasures()

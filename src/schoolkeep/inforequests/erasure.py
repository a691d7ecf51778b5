"""What the requests app erases (``privacy.erasure``).

An answered or withdrawn request past its period (``OWN_REQUESTS``, from the day it was
answered or withdrawn) keeps its row for the request log: reference, kind, dates, clock and
outcome stay; the names and the narrative go (requester, subject, what they asked, the
reasons, notes, the schedule's descriptions). An erased request's description is empty,
which no live request's is: that is how it is not erased twice.

For a person being erased: their user loses the links to the requests they logged, checked,
searched or extended, and is no longer among those a request is hidden from.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce

from schoolkeep.accounts.erasure import (
    PersonDataOnly,
    day_words,
    due_items,
    own_period,
    unset,
    users_of,
)
from schoolkeep.inforequests.models import (
    Extension,
    ExtraBankHoliday,
    Hold,
    Request,
    ScheduleItem,
    SearchTask,
    Status,
)
from schoolkeep.privacy.erasure.registry import DueItem, register_provider
from schoolkeep.privacy.schedule.keys import OWN_REQUESTS

REQUEST = "inforequests.request"
NARRATIVE = ("requester_name", "requester_contact", "authority_evidence", "subject_name",
             "description", "child_note", "outcome_reason", "late_reason", "recipients_told")
FINISHED = Q(status=Status.ANSWERED) | Q(status=Status.WITHDRAWN)


class RequestsErasure(PersonDataOnly):
    name = "inforequests"
    covers = frozenset({REQUEST, "inforequests.hold", "inforequests.extension",
                        "inforequests.searchtask", "inforequests.scheduleitem",
                        "inforequests.extrabankholiday"})

    def due(self, school: Any, *, today: date, limit: int) -> list[DueItem]:
        rule, latest = own_period(school, OWN_REQUESTS, today)
        rows = (Request.objects.filter(FINISHED, school=school)
                .annotate(ended=Coalesce("responded_on", "withdrawn_on"))
                .filter(ended__lte=latest).exclude(description="")
                .order_by("ended", "pk").values_list("pk", "ended")[:limit])
        return due_items(school, provider=self.name, key=OWN_REQUESTS, model_label=REQUEST,
                         rule=rule, rows=rows,
                         describe=lambda d: f"A request answered or withdrawn on {day_words(d)}")

    def erase(self, school: Any, items: list[DueItem], *, now: datetime) -> int:
        pks = [item.pk for item in items if item.model_label == REQUEST]
        if not pks:
            return 0
        with transaction.atomic():
            # Only still finished ones (a request reopened since the list was made waits) and
            # not erased already (re-applied after a restore): the runner keeps the
            # tombstones and the ledger.
            pks = list(Request.objects.filter(FINISHED, school=school, pk__in=pks)
                       .exclude(description="").values_list("pk", flat=True))
            count = Request.objects.filter(pk__in=pks).update(
                **{field: "" for field in NARRATIVE})
            Request.hidden_from.through.objects.filter(request_id__in=pks).delete()
            Hold.objects.filter(request_id__in=pks).update(note="")
            Extension.objects.filter(request_id__in=pks).update(reason="")
            SearchTask.objects.filter(request_id__in=pks).update(note="")
            ScheduleItem.objects.filter(request_id__in=pks).update(description="",
                                                                   redactions="")
        return count

    def erase_person_data(self, school: Any, person_ids: list[int], *, now: datetime) -> int:
        user_ids = users_of(person_ids)
        if not user_ids:
            return 0
        requests = Request.objects.filter(school=school)
        tasks = SearchTask.objects.filter(request__school=school)
        count = unset([
            (requests, "logged_by_id"), (requests, "identity_checked_by_id"),
            (Hold.objects.filter(request__school=school), "created_by_id"),
            (Extension.objects.filter(request__school=school), "created_by_id"),
            (tasks, "assignee_id"), (tasks, "searched_by_id"),
            (ExtraBankHoliday.objects.filter(school=school), "created_by_id"),
        ], user_ids)
        count += Request.hidden_from.through.objects.filter(
            request__school=school, user_id__in=user_ids).delete()[0]
        return count


def register() -> None:
    register_provider(RequestsErasure())

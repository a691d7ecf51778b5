"""What the handling tests share: a persona's access to the home school, and a request
with something of every part on its page (pauses, an extension, searches, the schedule)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from tests.matrix_parts.requests_intake import make_request
from tests.personas import Personas

from schoolkeep.inforequests.models import Hold, Request, ScheduleItem
from schoolkeep.inforequests.progress.services import extension_add, hold_answer, hold_ask
from schoolkeep.inforequests.searches.services import item_add, search_add, search_assign
from schoolkeep.tenancy.access import SchoolAccess
from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.selectors import user_access


def access_of(user: Any, school: School) -> SchoolAccess:
    """The user's access to ``school``, or to the first school they may open (the outsider's
    own), as the middleware resolves it."""
    schools = user_access(user).schools
    return next((a for a in schools if a.school.pk == school.pk), schools[0])


def full_request(personas: Personas, *, n: int = 0, **fields: Any) -> Request:
    """A subject access request received a week ago with an answered pause for identity,
    a one-month extension, two searches (one assigned to the member of staff) and two items
    of the schedule; ``n`` numbers its texts."""
    received = timezone.now() - timedelta(days=7)
    request = make_request(personas, received_at=received,
                           description=f"Every record about Sam, number {n}.", **fields)
    dpo = personas.dpo
    today = timezone.localdate()
    hold = hold_ask(school=personas.school, actor=dpo, request=request,
                    reason=Hold.Reason.IDENTITY, asked_on=today - timedelta(days=6),
                    note="Asked for a passport")
    hold_answer(school=personas.school, actor=dpo, request=request, hold=hold,
                answered_on=today - timedelta(days=5))
    request.refresh_from_db()
    extension_add(school=personas.school, actor=dpo, request=request, amount=1,
                  reason="Many records across years", decided_on=today, told_on=today)
    first = search_add(school=personas.school, actor=dpo, request=request,
                       place=f"CPOMS {n}")
    search_add(school=personas.school, actor=dpo, request=request, place=f"E-mail {n}")
    search_assign(school=personas.school, actor=dpo, request=request, task=first,
                  assignee=personas.staff, due_on=today + timedelta(days=3))
    for number in range(2):
        item_add(school=personas.school, actor=dpo, request=request, source=f"CPOMS {n}",
                 description=f"Behaviour log {number}",
                 decision=ScheduleItem.Decision.DISCLOSED)
    request.refresh_from_db()
    return request

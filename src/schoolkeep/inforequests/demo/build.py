"""The demo's requests at Larkspur, written through the requests services, with dates
counted back from the day the demo is built so that it always looks current.

Four requests, as a school's log would hold them in an ordinary term:

- a subject access request from a parent about their child, received 15 days ago, so about
  half-way through its month: its checklist of searches generated from the asset register,
  the staff e-mail mailboxes added by hand and asked of the IT lead (an open search, the IT
  lead's duty), the assessment results searched and one item on the schedule;
- a subject access request from a former pupil, paused since 18 days ago for proof of
  identity (the DPO's "awaited for more than 14 days" duty);
- a subject access request from a member of staff about their own records, answered three
  days after its deadline, with the reason (the measure of requests answered in time counts
  it as late);
- a freedom of information request from a local journalist about agency supply staff,
  received 6 days ago, with a search of the finance records asked of the business manager.

Everything is written as the command line (no signed-in actor), like the rest of the demo.
The people named are invented; their names and what they asked for are encrypted like every
request's.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from schoolkeep.demo.builder import DemoContext
from schoolkeep.inforequests.handling.services import request_update
from schoolkeep.inforequests.intake.services import request_log
from schoolkeep.inforequests.models import (
    Channel,
    Hold,
    Kind,
    Outcome,
    Request,
    RequesterType,
    ScheduleItem,
    SearchTask,
    SubjectType,
    WhoseRight,
)
from schoolkeep.inforequests.progress.services import hold_ask, request_respond
from schoolkeep.inforequests.searches.services import (
    item_add,
    search_add,
    search_assign,
    search_record,
    searches_generate,
)
from schoolkeep.lib.dates_text import LONDON

# Days before the demo is built that each request arrived (and the pause was asked for).
HALF_WAY_DAYS = 15
PAUSED_DAYS = 20
PAUSE_ASKED_DAYS = 18
LATE_DAYS = 75
LATE_BY_DAYS = 3
FOI_DAYS = 6
# The searches asked of members: due this many days after the demo is built.
IT_LEAD_DUE_IN = 4
BUSINESS_MANAGER_DUE_IN = 3

MAILBOXES = "Staff e-mail mailboxes and the e-mail archive"
FINANCE_PLACE = "Finance system: agency supply invoices for 2025/26"
LATE_REASON = ("The member of staff's line management notes were kept by a deputy head who "
               "was on long-term sick leave; they were found in a locked cabinet only after "
               "the deadline, and the response was sent three days late with an apology.")


def _today() -> date:
    return timezone.localdate(timezone.now(), LONDON)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    """A UK clock time on a day, as the instant a request was received."""
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def _half_way(ctx: DemoContext, today: date) -> Request:
    school = ctx.schools["larkspur"]
    request = request_log(
        school=school, actor=None, kind=Kind.SUBJECT_ACCESS, channel=Channel.EMAIL,
        received_at=_at(today - timedelta(days=HALF_WAY_DAYS), 8, 40),
        requester_type=RequesterType.PARENT, requester_name="Claire Donnelly",
        requester_contact="claire.donnelly@example.com",
        subject_type=SubjectType.PUPIL, subject_name="Noah Donnelly",
        description=("Copies of everything the school holds about my son Noah (Year 4): "
                     "his behaviour records, anything about the incident in the playground "
                     "in September, and e-mails between staff that mention him."))
    request = request_update(school=school, actor=None, request=request,
                             version=request.version, whose_right=WhoseRight.PARENT_FOR_CHILD,
                             child_competent=False,
                             child_note="Noah is eight: his mother acts for him.")
    searches_generate(school=school, actor=None, request=request)
    mailboxes = search_add(school=school, actor=None, request=request, place=MAILBOXES)
    search_assign(school=school, actor=None, request=request, task=mailboxes,
                  assignee=ctx.users["larkspur.it_lead"],
                  due_on=today + timedelta(days=IT_LEAD_DUE_IN))
    assessment = SearchTask.objects.filter(request=request,
                                           place__startswith="Assessment results").first()
    if assessment is not None:
        searched = search_record(school=school, actor=None, task=assessment,
                                 state=SearchTask.State.FOUND,
                                 searched_on=today - timedelta(days=3),
                                 note="Reading and maths tracking for Years 3 and 4.")
        item_add(school=school, actor=None, request=request, search=searched,
                 description="Reading and maths assessment tracking, Years 3 and 4",
                 decision=ScheduleItem.Decision.DISCLOSED)
    return request


def _paused(ctx: DemoContext, today: date) -> Request:
    school = ctx.schools["larkspur"]
    request = request_log(
        school=school, actor=None, kind=Kind.SUBJECT_ACCESS, channel=Channel.LETTER,
        received_at=_at(today - timedelta(days=PAUSED_DAYS), 11, 5),
        requester_type=RequesterType.FORMER_PUPIL, requester_name="Daniel Okafor",
        requester_contact="14 Mill Road, Kestrel Vale",
        subject_type=SubjectType.FORMER_PUPIL, subject_name="Daniel Okafor",
        description=("A former pupil (left in 2019) asks for a copy of his school record "
                     "and any reports written about him in Year 6."))
    hold_ask(school=school, actor=None, request=request, reason=Hold.Reason.IDENTITY,
             asked_on=today - timedelta(days=PAUSE_ASKED_DAYS),
             note=("The letter gives a new address the school has never held: we wrote "
                   "asking for photo identity and proof of address before we search."))
    return request


def _late(ctx: DemoContext, today: date) -> Request:
    school = ctx.schools["larkspur"]
    request = request_log(
        school=school, actor=None, kind=Kind.SUBJECT_ACCESS, channel=Channel.EMAIL,
        received_at=_at(today - timedelta(days=LATE_DAYS), 15, 20),
        requester_type=RequesterType.STAFF, requester_name="Owen Pritchard",
        requester_contact="owen.pritchard@example.com", subject_type=SubjectType.STAFF,
        subject_name="Owen Pritchard",
        description=("A teaching assistant asks for his personnel file and every note of "
                     "his line management meetings since 2023."))
    return request_respond(
        school=school, actor=None, request=request,
        responded_on=request.due_on + timedelta(days=LATE_BY_DAYS), outcome=Outcome.FULL,
        response_channel=Channel.EMAIL, late_reason=LATE_REASON)


def _foi(ctx: DemoContext, today: date) -> Request:
    school = ctx.schools["larkspur"]
    request = request_log(
        school=school, actor=None, kind=Kind.FOI, channel=Channel.EMAIL,
        received_at=_at(today - timedelta(days=FOI_DAYS), 9, 30),
        requester_type=RequesterType.PUBLIC, requester_name="Kestrel Vale Gazette news desk",
        requester_contact="news@kestrelvalegazette.example",
        description=("How much did the school spend on agency supply teachers in the school "
                     "year 2025/26, and through which agencies?"))
    finance = search_add(school=school, actor=None, request=request, place=FINANCE_PLACE)
    search_assign(school=school, actor=None, request=request, task=finance,
                  assignee=ctx.users["larkspur.business_manager"],
                  due_on=today + timedelta(days=BUSINESS_MANAGER_DUE_IN))
    return request


def build_demo_requests(ctx: DemoContext) -> None:
    """Larkspur's four requests, logged in the order they arrived (so their references
    follow it)."""
    today = _today()
    _late(ctx, today)
    _paused(ctx, today)
    _half_way(ctx, today)
    _foi(ctx, today)

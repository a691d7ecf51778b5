"""Reads of the policy register: the list (with each policy's status), a policy's page, a
version, and the state of a policy's next review.

A next review given as a term is read again from the school's calendar whenever it is shown
(one query for every term on a page), so the page follows the school's term dates at once,
and says "estimated" while the school's dates for that year are only the default pattern.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from schoolkeep.agreements.policies.models import Policy, PolicyVersion
from schoolkeep.tenancy.calendar import TermCalendar, parse_term_name
from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.selectors import get_for_school_or_404, members_with_roles

DUE_WITHIN = timedelta(days=60)  # "due for review" this long before the date


class Status:
    DRAFT = "draft"
    WAITING = "waiting"
    UP_TO_DATE = "up_to_date"
    DUE = "due"
    OVERDUE = "overdue"

    LABELS = {DRAFT: "Draft", WAITING: "Waiting for approval", UP_TO_DATE: "Up to date",
              DUE: "Due for review", OVERDUE: "Overdue"}
    TAGS = {DRAFT: "tag-grey", WAITING: "tag-blue", UP_TO_DATE: "tag-green", DUE: "tag-yellow",
            OVERDUE: "tag-red"}


def _in_review() -> Exists:
    return Exists(PolicyVersion.objects.filter(policy=OuterRef("pk"),
                                               status=PolicyVersion.Status.IN_REVIEW))


def policy_list(*, school: School) -> QuerySet[Policy]:
    """The school's current policies by title, each with its owner, current version and
    ``has_version_in_review``: one query to read, whatever the number. The current
    version's text (a whole policy, read for every row before) and the owner's password
    hash are left unread: no list shows them."""
    return (Policy.objects.filter(school=school, archived_at__isnull=True)
            .select_related("owner", "current_version")
            .defer("current_version__text", "owner__password")
            .annotate(has_version_in_review=_in_review())
            .order_by("title_key", "pk"))


@dataclass(frozen=True)
class ReviewState:
    """What the register shows about a policy's next review."""

    on: date | None
    term: str
    estimated: bool
    status: str

    @property
    def status_label(self) -> str:
        return Status.LABELS[self.status]

    @property
    def tag(self) -> str:
        return Status.TAGS[self.status]


def review_calendar(school: School, policies: Iterable[Policy]) -> TermCalendar:
    """A calendar with the academic years of every term-given review already read (one
    query for all of them)."""
    calendar = TermCalendar(school)
    years = set()
    for policy in policies:
        if policy.next_review_term:
            try:
                years.add(parse_term_name(policy.next_review_term)[1])
            except ValueError:
                continue
    calendar.preload(years)
    return calendar


def review_state(policy: Policy, *, calendar: TermCalendar, today: date,
                 has_version_in_review: bool) -> ReviewState:
    """The policy's next review (a term read again from the calendar) and its status:
    waiting for approval, a draft (never approved), overdue, due (within 60 days) or up to
    date."""
    on, estimated = policy.next_review_on, False
    if policy.next_review_term:
        try:
            term = calendar.term_named(policy.next_review_term)
        except (ValueError, LookupError):
            pass
        else:
            on, estimated = term.ends_on, term.estimated
    if has_version_in_review:
        status = Status.WAITING
    elif policy.current_version_id is None:
        status = Status.DRAFT
    elif on is not None and on < today:
        status = Status.OVERDUE
    elif on is not None and on <= today + DUE_WITHIN:
        status = Status.DUE
    else:
        status = Status.UP_TO_DATE
    return ReviewState(on=on, term=policy.next_review_term, estimated=estimated, status=status)


def review_states(school: School, policies: Sequence[Policy], *,
                  today: date) -> list[tuple[Policy, ReviewState]]:
    """Each policy (from ``policy_list``) with its review state: one query for the terms."""
    calendar = review_calendar(school, policies)
    return [(policy, review_state(policy, calendar=calendar, today=today,
                                  has_version_in_review=bool(
                                      getattr(policy, "has_version_in_review", False))))
            for policy in policies]


def policy_for_page(*, school: School, public_id: UUID | str) -> Policy:
    """One policy of the school with its versions (newest first) and owner; another
    school's: 404."""
    versions = PolicyVersion.objects.order_by("-number")
    queryset = (Policy.objects.select_related("owner", "current_version")
                .annotate(has_version_in_review=_in_review())
                .prefetch_related(Prefetch("versions", queryset=versions)))
    return get_for_school_or_404(queryset, school=school, public_id=public_id)


def version_for_school(*, school: School, public_id: UUID | str) -> PolicyVersion:
    """One version of a policy of the school, with its policy; another school's: 404."""
    queryset = PolicyVersion.objects.select_related("policy", "policy__owner")
    return get_for_school_or_404(queryset, school=school, public_id=public_id)


def owner_choices(school: School, current: Any = None) -> list[tuple[str, str]]:
    """(user public id, name) of the school's active members, who may own a policy; the
    current owner stays listed even after leaving."""
    choices = [(str(m.user.public_id), m.user.full_name or m.user.email)
               for m in members_with_roles(school)]
    if current is not None and str(current.public_id) not in {key for key, _ in choices}:
        choices.append((str(current.public_id), current.full_name or current.email))
    return choices

"""Reads of searches and the schedule: the request page's part (``searches_context``), a
member's open searches (``open_tasks_for``, for the request list and the duties), and the
school-scoped getters of the searches' and the schedule's pages.

A member asked to search sees their search's page and nothing else of the request, and only
while the request is open; anyone else who is not a reader of requests gets a 404, as does a
reader the request is hidden from, and anyone from another school."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404

from schoolkeep.assets.models import Asset, DataSubject
from schoolkeep.inforequests.models import (
    PUBLIC_INFORMATION_KINDS,
    Request,
    ScheduleItem,
    SearchTask,
    Status,
)
from schoolkeep.inforequests.searches.services import SUBJECT_TO_DATA_SUBJECT, on_checklist
from schoolkeep.tenancy.access import SchoolAccess
from schoolkeep.tenancy.models import School


def open_tasks_for(*, school: School | int, user: Any) -> QuerySet[SearchTask]:
    """The searches the member is asked to make and has not recorded yet, on the school's
    open requests not hidden from them, the soonest due first, each with its request."""
    return (SearchTask.objects
            .filter(request__school=school, assignee=user, state=SearchTask.State.OPEN,
                    request__status=Status.OPEN)
            .exclude(request__hidden_from=user)
            .select_related("request")
            .order_by(F("due_on").asc(nulls_last=True), "request__due_on", "pk"))


# How many searches and items the request's page shows; the rest are on their own pages.
ON_REQUEST_PAGE = 20


def tasks_query(request: Request) -> QuerySet[SearchTask]:
    """The request's searches by place, with the members asked and the members who
    recorded them."""
    return (SearchTask.objects.filter(request=request)
            .select_related("assignee", "searched_by").order_by("place", "pk"))


def items_query(request: Request) -> QuerySet[ScheduleItem]:
    """The request's schedule of items by number."""
    return ScheduleItem.objects.filter(request=request).order_by("number", "pk")


def items_of(request: Request) -> list[ScheduleItem]:
    """Every item of the request's schedule (one query), for the letter and exports."""
    return list(items_query(request))


@dataclass(frozen=True)
class SearchCounts:
    total: int
    open: int
    assigned_open: int
    found: int
    nothing: int
    not_needed: int

    @property
    def done(self) -> int:
        return self.total - self.open


def search_counts(request: Request) -> SearchCounts:
    """The request's searches counted by result (one query)."""
    state = SearchTask.State
    row = SearchTask.objects.filter(request=request).aggregate(
        total=Count("pk"), open=Count("pk", filter=Q(state=state.OPEN)),
        assigned_open=Count("pk", filter=Q(state=state.OPEN, assignee__isnull=False)),
        found=Count("pk", filter=Q(state=state.FOUND)),
        nothing=Count("pk", filter=Q(state=state.NOTHING)),
        not_needed=Count("pk", filter=Q(state=state.NOT_NEEDED)))
    return SearchCounts(**{name: value or 0 for name, value in row.items()})


@dataclass(frozen=True)
class ItemCounts:
    total: int
    withheld: int  # withheld or disclosed with redactions


def item_counts(request: Request) -> ItemCounts:
    """The request's items, and how many were withheld or redacted (one query)."""
    row = ScheduleItem.objects.filter(request=request).aggregate(
        total=Count("pk"),
        withheld=Count("pk", filter=~Q(decision=ScheduleItem.Decision.DISCLOSED)))
    return ItemCounts(total=row["total"] or 0, withheld=row["withheld"] or 0)


def searches_context(request: Request, *, user: Any) -> dict[str, Any]:
    """What the request's page shows of its searches and schedule (four queries, whatever
    their number): ``search_tasks`` (the first ``ON_REQUEST_PAGE`` by place),
    ``search_counts``, ``my_search_ids`` (the viewer's own among them), ``schedule_items``
    (the first by number) and ``schedule_counts`` (``total``, ``withheld``: withheld or
    redacted)."""
    tasks = list(tasks_query(request)[:ON_REQUEST_PAGE])
    user_id = getattr(user, "pk", None)
    return {
        "search_tasks": tasks,
        "search_counts": search_counts(request),
        "my_search_ids": {task.pk for task in tasks if task.assignee_id == user_id},
        "schedule_items": list(items_query(request)[:ON_REQUEST_PAGE]),
        "schedule_counts": item_counts(request),
    }


def _hidden_from(request: Request, user: Any) -> bool:
    return request.hidden_from.filter(pk=getattr(user, "pk", None)).exists()


def request_for_searches_or_404(*, school: School, user: Any, access: SchoolAccess,
                                public_id: Any) -> Request:
    """The request, for its checklist and schedule pages: readers of requests
    (``requests.view``) from whom it is not hidden; anyone else gets a 404."""
    try:
        request = Request.objects.get(school=school, public_id=public_id)
    except (Request.DoesNotExist, ValueError, TypeError):
        raise Http404("Not found") from None
    if not access.can("requests.view") or _hidden_from(request, user):
        raise Http404("Not found")
    return request


@dataclass(frozen=True)
class TaskPage:
    task: SearchTask
    # The viewer is the member asked to make it.
    is_assignee: bool


def task_for_page(*, school: School, user: Any, access: SchoolAccess, task_id: int) -> TaskPage:
    """A search for its page: to the member asked to make it (who may still search) while
    the request is open, and to the readers of requests; a 404 to everyone else, to the
    member asked once the request is answered or withdrawn (unless they read requests), to
    anyone the request is hidden from, and to another school."""
    task = (SearchTask.objects.select_related("request", "assignee", "searched_by")
            .filter(pk=task_id, request__school=school).first())
    if task is None or _hidden_from(task.request, user):
        raise Http404("Not found")
    user_id = getattr(user, "pk", None)
    is_assignee = (task.assignee_id is not None and task.assignee_id == user_id
                   and task.request.status == Status.OPEN
                   and access.can("requests.search"))
    if not is_assignee and not access.can("requests.view"):
        raise Http404("Not found")
    return TaskPage(task=task, is_assignee=is_assignee)


def item_for_page(*, school: School, user: Any, access: SchoolAccess,
                  item_id: int) -> ScheduleItem:
    """An item of the schedule with its request, for the readers of requests from whom the
    request is not hidden; a 404 to anyone else."""
    item = (ScheduleItem.objects.select_related("request", "search")
            .filter(pk=item_id, request__school=school).first())
    if item is None or not access.can("requests.view") or _hidden_from(item.request, user):
        raise Http404("Not found")
    return item


def missing_from_checklist(request: Request) -> int:
    """How many current assets of the register belong on the request's checklist and are
    not on it yet (two queries)."""
    listed = set(SearchTask.objects.filter(request=request, asset__isnull=False)
                 .values_list("asset_id", flat=True))
    rows = Asset.objects.filter(school_id=request.school_id, archived_at__isnull=True) \
        .values_list("pk", "data_subjects")
    return sum(1 for pk, subjects in rows
               if pk not in listed and on_checklist(request, subjects))


def subject_words(request: Request) -> str:
    """The register's kinds of data subject the checklist looks for, in words ("pupils",
    "others, visitors or contractors and suppliers"); empty when it lists every asset."""
    if request.kind in PUBLIC_INFORMATION_KINDS:
        return ""
    labels = [DataSubject(value).label.lower()
              for value in SUBJECT_TO_DATA_SUBJECT.get(request.subject_type, ())]
    if len(labels) < 2:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " or " + labels[-1]


def assignable_members(*, school: School, request: Request) -> list[Any]:
    """The members who may be asked to search for this request: active members holding
    ``requests.search`` from whom it is not hidden, by name (two queries)."""
    from schoolkeep.tenancy.roles import roles_allow
    from schoolkeep.tenancy.selectors import members_with_roles

    hidden = set(request.hidden_from.values_list("pk", flat=True))
    users = [membership.user for membership in members_with_roles(school)
             if roles_allow({role.role for role in membership.roles.all()}, "requests.search")
             and membership.user.pk not in hidden]
    return sorted(users, key=lambda user: (str(user), user.pk))


def searches_for_choice(request: Request) -> QuerySet[SearchTask]:
    """The request's searches, to say which one an item came from."""
    return SearchTask.objects.filter(request=request).order_by("place", "pk")

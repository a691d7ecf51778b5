"""Pages of leavers', starters' and movers' checklists: the list, a checklist with a form per
step, and the two posts (record a step, close the checklist)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from schoolkeep.leavers import selectors, services
from schoolkeep.leavers.forms import ChecklistFilterForm, StepForm
from schoolkeep.leavers.models import Checklist
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.lib.links import url_for_each
from schoolkeep.people.models import Person
from schoolkeep.people.selectors import current_q
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest

CHECKLISTS_PER_PAGE = 50


def _candidates(request: SchoolRequest, checklist: Checklist) -> list[Person]:
    """Who may take a step over: the school's current people but the checklist's person."""
    return list(Person.objects.filter(school=request.school)
                .filter(current_q(timezone.localdate())).exclude(pk=checklist.person_id)
                .only("pk", "public_id", "full_name", "preferred_name", "name_key")
                .order_by("name_key", "pk"))


@school_view("leavers.view")
@require_GET
def checklist_list(request: SchoolRequest) -> HttpResponse:
    filters = ChecklistFilterForm(request.GET or None)
    show = (filters.cleaned_data.get("show") if filters.is_valid() else "") or "open"
    checklists = selectors.checklist_list(school=request.school, show=show)
    page = Paginator(checklists, CHECKLISTS_PER_PAGE).get_page(request.GET.get("page"))
    detail = url_for_each("leavers:checklist-detail")
    rows = [(detail(checklist.public_id), checklist) for checklist in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "leavers/checklist_list.html", {
        "page_title": "Leavers and starters", "filters": filters, "page": page, "rows": rows,
        "show": show, "query": query.urlencode()})


@school_view("leavers.view")
@require_GET
def checklist_detail(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    checklist = selectors.checklist_for_page(school=request.school, public_id=public_id)
    view = selectors.checklist_view(checklist)
    can_manage = request.access.can("leavers.manage") and checklist.closed_at is None
    allowed = {kind for kind, permission in services.STEP_PERMISSIONS.items()
               if request.access.can(permission)} if can_manage else set()
    return render(request, "leavers/checklist_detail.html", {
        "page_title": str(checklist), "checklist": checklist, "view": view,
        "can_manage": can_manage, "allowed": allowed, "today": timezone.localdate(),
        "people": _candidates(request, checklist) if can_manage else []})


@school_view("leavers.manage")
@require_POST
def step_record(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    checklist = selectors.checklist_for_page(school=request.school, public_id=public_id)
    form = StepForm(request.POST, people=Person.objects.filter(school=request.school))
    if not form.is_valid():
        messages.error(request, "That step could not be recorded: choose the step again.")
        return redirect("leavers:checklist-detail", checklist.public_id)
    try:
        record = services.step_record(checklist=checklist, actor=request.user,
                                      **form.service_fields())
    except NotAllowed:  # the step needs another register's right: a refused write
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Recorded: {record.subject_label}.")
    return redirect("leavers:checklist-detail", checklist.public_id)


@school_view("leavers.manage")
@require_POST
def checklist_close(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    checklist = selectors.checklist_for_page(school=request.school, public_id=public_id)
    try:
        services.checklist_close(checklist=checklist, actor=request.user)
    except NotAllowed:
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The checklist is closed.")
    return redirect("leavers:checklist-detail", checklist.public_id)

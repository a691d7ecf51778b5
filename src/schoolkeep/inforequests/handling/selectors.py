"""Who sees which request, and the reads of the handlers' list.

The DPO and the SIRO (who handle) and the auditor (who reads) hold ``requests.view``: they see
every request of the school except one hidden from them (a request about the SIRO is hidden
from the SIRO). Any other member sees only the requests they are asked to help with, a search
task assigned to them, and only through that task's page (never the request's page). A
trust administrator sees none. A request someone may not see is a 404 to them, exactly like
another school's: they may not even learn that it exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.http import Http404

from schoolkeep.inforequests.models import Kind, Request, SearchTask, Status
from schoolkeep.tenancy.access import SchoolAccess
from schoolkeep.tenancy.models import School

OVERDUE = "overdue"
# An open complaint once acknowledged: the law sets no further deadline (its clock stopped).
ACKNOWLEDGED_COMPLAINT = Q(status=Status.OPEN, kind=Kind.COMPLAINT,
                           acknowledged_on__isnull=False)
# The columns the list shows: a request holds a dozen encrypted texts, each decrypted as
# its model is built, and the list needs none of them.
LIST_COLUMNS = ("public_id", "school_id", "reference", "kind", "received_at", "received_on",
                "due_on", "due_estimated", "waiting_since", "status", "responded_on",
                "withdrawn_on", "acknowledged_on")


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _hidden_from(user: Any) -> Exists:
    return Exists(Request.hidden_from.through.objects.filter(
        request_id=OuterRef("pk"), user_id=user.pk))


def requests_visible(*, school: School, user: Any, access: SchoolAccess) -> QuerySet[Request]:
    """The requests of ``school`` this user may know of: every one not hidden from them for
    ``requests.view`` holders; for anyone else, those with a search task assigned to them
    (and not hidden from them) while the request is open (their search's page closes when
    it is answered or withdrawn); none for a trust administrator or anyone signed out."""
    requests = Request.objects.filter(school=school)
    if not _signed_in(user) or access.school.pk != school.pk:
        return requests.none()
    if access.can("requests.view"):
        return requests.exclude(_hidden_from(user))
    if access.can("requests.search"):
        tasks = SearchTask.objects.filter(request_id=OuterRef("pk"), assignee_id=user.pk)
        return (requests.filter(Exists(tasks), status=Status.OPEN)
                .exclude(_hidden_from(user)))
    return requests.none()


def request_for_handler_or_404(*, school: School, user: Any, access: SchoolAccess,
                               public_id: UUID | str) -> Request:
    """The request for its own page: only for ``requests.view`` holders it is not hidden
    from. Anyone else, another school's request, and an unknown id: 404."""
    if not access.can("requests.view") or not _signed_in(user) \
            or access.school.pk != school.pk:
        raise Http404("Not found")
    try:
        return (Request.objects.filter(school=school).exclude(_hidden_from(user))
                .select_related("logged_by", "identity_checked_by").get(public_id=public_id))
    except (Request.DoesNotExist, ValueError):
        raise Http404("Not found") from None


def may_see_request(*, access: SchoolAccess, user: Any, request: Request) -> bool:
    """Whether this user may see this request at all (its page for ``requests.view``
    holders, a task's page for an assignee): never when it is hidden from them."""
    if not _signed_in(user) or request.school_id != access.school.pk:
        return False
    if request.hidden_from.filter(pk=user.pk).exists():
        return False
    if access.can("requests.view"):
        return True
    return access.can("requests.search") and SearchTask.objects.filter(
        request=request, assignee_id=user.pk).exists()


def request_list(*, school: School, user: Any, access: SchoolAccess, kind: str = "",
                 status: str = "", today: date) -> QuerySet[Request]:
    """The visible requests for the handlers' list: the open ones first, soonest deadline
    first, then the open ones whose clock stopped (an acknowledged complaint), then the
    others, newest first. ``status`` is open, answered, withdrawn or "overdue" (open, its
    clock running and past its deadline)."""
    requests = requests_visible(school=school, user=user, access=access)
    if kind in Kind.values:
        requests = requests.filter(kind=kind)
    if status == OVERDUE:
        requests = requests.filter(status=Status.OPEN, due_on__lt=today).exclude(
            ACKNOWLEDGED_COMPLAINT)
    elif status in Status.values:
        requests = requests.filter(status=status)
    # Running clocks first (soonest deadline first), then the open requests whose clock has
    # stopped (an acknowledged complaint, followed to its outcome), then the closed ones.
    rank = Case(When(ACKNOWLEDGED_COMPLAINT, then=Value(1)),
                When(status=Status.OPEN, then=Value(0)), default=Value(2),
                output_field=IntegerField())
    running_due = Case(When(Q(status=Status.OPEN) & ~ACKNOWLEDGED_COMPLAINT, then=F("due_on")),
                       default=None)
    return requests.annotate(open_rank=rank, open_due=running_due).order_by(
        "open_rank", F("open_due").asc(nulls_last=True), "-received_at", "-pk",
    ).only(*LIST_COLUMNS)


@dataclass(frozen=True)
class Countdown:
    """The time left in words: "12 days left", "due today", "3 days overdue"."""

    days: int

    @property
    def overdue(self) -> bool:
        return self.days < 0

    @property
    def words(self) -> str:
        if self.days == 0:
            return "due today"
        count = abs(self.days)
        unit = "day" if count == 1 else "days"
        return f"{count} {unit} overdue" if self.days < 0 else f"{count} {unit} left"

    @property
    def colour(self) -> str:
        """Red when overdue or in its last five days, yellow in its last fortnight."""
        if self.days <= 5:
            return "red"
        return "yellow" if self.days <= 14 else "blue"


def requests_hidden_from(school: School, user: Any) -> set[tuple[str, str]]:
    """The records of ``school`` hidden from ``user`` as the audit trail names them (the
    requests: their holds, extensions, searches and schedule items are audited on the
    request), for ``audit.concealment``. One query."""
    label = Request._meta.label_lower
    ids = Request.objects.filter(school=school, hidden_from=user).values_list("public_id",
                                                                             flat=True)
    return {(label, str(public_id)) for public_id in ids}

"""Reads about loans: the loans of one item (its page), the school's list of loans (open
first, by the day each is due back), one loan for its page, and the loans of leavers (their
checklist's "return equipment" step).

A loan is due back on its expected return, or on its borrower's leaving date when that is
earlier (``due_on``, worked out in SQL so that lists sort and filter by it); it is overdue
once that day has passed without a return.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.core.paginator import Page, Paginator
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce, Least

from schoolkeep.equipment.models import Item, Loan
from schoolkeep.tenancy.selectors import get_for_school_or_404

OPEN, OVERDUE, RETURNED = "open", "overdue", "returned"
STATUSES = [("", "Every loan"), (OPEN, "Out on loan"), (OVERDUE, "Overdue"),
            (RETURNED, "Returned")]


def due_on(prefix: str = "") -> Least:
    """The day a loan is due back, as SQL: the earlier of its expected return and its
    borrower's leaving date (a NULL leaving date does not count)."""
    expected = F(f"{prefix}expected_return_on")
    return Least(expected, Coalesce(F(f"{prefix}person__leaving_date"), expected))


def open_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}returned_on__isnull": True})


def loans_of_item(item: Item) -> list[Loan]:
    """The item's loans, newest first, with each borrower: one query."""
    return list(Loan.objects.filter(item=item, school_id=item.school_id)
                .select_related("person", "incident").order_by("-issued_on", "-id"))


def loan_list(*, school: Any, today: date, status: str = "", search: str = "",
              person: Any = None, item: Any = None) -> QuerySet[Loan]:
    """The school's loans with their items, borrowers and incidents (annotated ``due_on``):
    open loans first, soonest due first, then returned loans, latest returned first."""
    loans = (Loan.objects.filter(school=school).annotate(due_on=due_on())
             .select_related("item", "person", "incident"))
    if status == OPEN:
        loans = loans.filter(open_q())
    elif status == OVERDUE:
        loans = loans.filter(open_q(), due_on__lt=today)
    elif status == RETURNED:
        loans = loans.filter(returned_on__isnull=False)
    if person is not None:
        loans = loans.filter(person=person)
    if item is not None:
        loans = loans.filter(item=item)
    for word in search.split()[:5]:
        loans = loans.filter(
            Q(item__asset_tag__icontains=word) | Q(item__serial_number__icontains=word)
            | Q(item__make__icontains=word) | Q(item__model_name__icontains=word)
            | Q(person__full_name__icontains=word) | Q(purpose__icontains=word))
    return loans.order_by(F("returned_on").desc(nulls_first=True), "due_on", "-issued_on",
                          "-id")


@dataclass(frozen=True)
class LoanRow:
    loan: Loan
    overdue: bool


def loan_page(loans: QuerySet[Loan], *, number: Any, today: date,
              per_page: int = 50) -> tuple[Page, list[LoanRow]]:
    """One page of ``loan_list`` (two queries: the count, the rows), each marked overdue or
    not."""
    page = Paginator(loans, per_page).get_page(number)
    rows = [LoanRow(loan, loan.returned_on is None
                    and loan.due_on < today)  # type: ignore[attr-defined]
            for loan in page.object_list]
    return page, rows


def loan_for_page(*, school: Any, public_id: UUID | str) -> Loan:
    """One loan of the school with its item, borrower and incident; another school's: 404."""
    return get_for_school_or_404(
        Loan.objects.annotate(due_on=due_on()).select_related("item", "person", "incident"),
        school=school, public_id=public_id)


def loans_of_people(person_ids: list[int], *, returned_since: date) -> list[Loan]:
    """The open loans of these people, and those returned on or after ``returned_since``,
    with their items: one query."""
    if not person_ids:
        return []
    return list(Loan.objects.filter(person_id__in=person_ids)
                .filter(Q(returned_on__isnull=True) | Q(returned_on__gte=returned_since))
                .select_related("item").order_by("issued_on", "id"))

"""Reads about loans: the loans of one item (its page), the school's list of loans, and
the open loans of leavers (their checklist's "return equipment" step)."""

from __future__ import annotations

from django.db.models import QuerySet

from schoolkeep.equipment.models import Item, Loan


def loans_of_item(item: Item) -> list[Loan]:
    """The item's loans, newest first, with each borrower: one query."""
    return list(Loan.objects.filter(item=item, school_id=item.school_id)
                .select_related("person", "incident").order_by("-issued_on", "-id"))


def loan_base(*, school) -> QuerySet[Loan]:  # type: ignore[no-untyped-def]
    return (Loan.objects.filter(school=school)
            .select_related("item", "person", "incident"))

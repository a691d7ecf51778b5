"""The demo's loans at Larkspur, after its inventory (360), through the loans' services:

- Tom Whitfield, the assistant headteacher, borrowed a laptop for marking at home; it was due
  back ten days ago (``loans.overdue`` for the business manager);
- Peter Gray, the Year 6 teacher who left 60 days ago, borrowed a laptop before he left and
  has not returned it: his leaver checklist's "return equipment" step lists it, and it was
  due back on his leaving date.

Each takes the first laptop (by asset tag) that may be lent: in use or in store, not on
loan, and encrypted or recorded as never holding personal data. Running the step again
changes nothing: a person with a loan already gets no other. People are fictional.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from schoolkeep.demo.builder import DemoContext
from schoolkeep.equipment.loans.services import LENDABLE, encryption_refusal, loan_issue
from schoolkeep.equipment.models import Item, Loan
from schoolkeep.lib.text import fold
from schoolkeep.people.models import Person

SCHOOL = "larkspur"
OVERDUE_BORROWER = "Tom Whitfield"
LEAVER = "Peter Gray"  # leavers/demo.py's leaver


def _lendable_laptop(school: Any) -> Item | None:
    items = (Item.objects.filter(school=school, status__in=sorted(LENDABLE))
             .exclude(pk__in=Loan.objects.filter(returned_on__isnull=True).values("item_id"))
             .order_by("kind", "asset_tag_key", "serial_key", "id"))
    laptops = [item for item in items if not encryption_refusal(item)]
    preferred = [item for item in laptops if item.kind == Item.Kind.LAPTOP
                 and item.assigned_to_id is None]
    chosen = preferred or laptops
    return chosen[0] if chosen else None


def build_demo_loans(ctx: DemoContext) -> None:
    school = ctx.schools.get(SCHOOL)
    if school is None:
        return
    people = {person.name_key: person for person in Person.objects.filter(
        school=school, name_key__in=[fold(OVERDUE_BORROWER), fold(LEAVER)])}
    today = timezone.localdate()
    borrower = people.get(fold(OVERDUE_BORROWER))
    if borrower is not None and not Loan.objects.filter(person=borrower).exists():
        item = _lendable_laptop(school)
        if item is not None:
            loan_issue(school=school, actor=None, item=item, person=borrower,
                       issued_on=today - timedelta(days=45),
                       expected_return_on=today - timedelta(days=10),
                       purpose="Marking at home over half term")
    leaver = people.get(fold(LEAVER))
    if leaver is not None and leaver.leaving_date is not None and \
            not Loan.objects.filter(person=leaver).exists():
        item = _lendable_laptop(school)
        if item is not None:
            loan_issue(school=school, actor=None, item=item, person=leaver,
                       issued_on=leaver.leaving_date - timedelta(days=200),
                       expected_return_on=leaver.leaving_date + timedelta(days=30),
                       purpose="Class teacher's laptop for planning and reports")

"""Writes of equipment loans: lend an item, change a loan, take it back, and report a loan
as an incident. Pages, the API and the demo call these functions; each runs in one
transaction, checks that the acting member may manage equipment, and audits the loan.

The rules a loan keeps:

- an item is out on one loan at a time, and is lent only while it is in use or in store
  (not lost, stolen, awaiting disposal or disposed of);
- an item that holds personal data, or of which it is not known whether it does, is lent
  only when it is recorded as encrypted (the policy: portable equipment holding personal
  data is encrypted). Nothing is assumed: "not known" is treated as "yes";
- the borrower is one of the school's people who had not left on the day of the loan;
- it comes back on or after the day it went out, never in the future.

A loan long overdue, or an item lost while on loan, is reported as an incident in one step
(``loan_report_incident``): the incident is made and linked in the same transaction, once.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from schoolkeep.audit.services import audit_record, diff, snapshot
from schoolkeep.equipment.models import Item, Loan
from schoolkeep.incidents.models import Channel
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.stale import stale_error
from schoolkeep.lib.text import tidy
from schoolkeep.lib.validation import full_clean_or_error
from schoolkeep.lib.values import as_date
from schoolkeep.people.models import Person
from schoolkeep.tenancy.guards import actor_label, require_permission
from schoolkeep.tenancy.models import School

ACTION_LABELS = {
    "equipment.loan.issued": "Equipment lent",
    "equipment.loan.updated": "Equipment loan changed",
    "equipment.loan.returned": "Equipment on loan returned",
    "equipment.loan.incident_reported": "Equipment loan reported as an incident",
}

# What loan_update accepts besides ``version``. A return (``returned_on``, with
# ``condition_on_return``) is recorded as loan_return records it.
UPDATE_FIELDS = ("expected_return_on", "purpose", "notes", "returned_on",
                 "condition_on_return")
AUDITED_FIELDS = ["purpose", "issued_on", "expected_return_on", "returned_on",
                  "condition_on_return", "notes"]

# Statuses an item may be lent in.
LENDABLE = {Item.Status.IN_USE, Item.Status.IN_STORE}
# Statuses in which an item cannot come back: lost or stolen (its incident follows it up).
LOST_OR_STOLEN = {Item.Status.LOST, Item.Status.STOLEN}
# Statuses in which an item will not come back: lost, stolen or disposed of. Its loan's
# leaver step is done and its loan raises no duty.
GONE = LOST_OR_STOLEN | {Item.Status.DISPOSED}


# ---------------------------------------------------------------------------- helpers


def _require_manager(*, school: School | int, actor: Any) -> None:
    require_permission(school=school, actor=actor, permission="equipment.manage",
                       message="You may not lend or take back this school's equipment.")


def due_back_on(loan: Loan) -> date:
    """When the loan is due back: its expected return, or the borrower's leaving date if
    that is earlier (equipment comes back before its borrower leaves)."""
    leaving = loan.person.leaving_date
    if leaving is not None and leaving < loan.expected_return_on:
        return leaving
    return loan.expected_return_on


def is_overdue(loan: Loan, today: date) -> bool:
    return loan.returned_on is None and due_back_on(loan) < today


def encryption_refusal(item: Item) -> str:
    """Why the item may not be lent for want of encryption ("" when it may)."""
    if item.personal_data is False or item.is_encrypted:
        return ""
    holds = ("holds or has held personal data" if item.personal_data
             else "may hold personal data (nobody has said it does not)")
    return (f"{item.label} {holds} and is not recorded as encrypted, so it cannot be lent. "
            "Turn on its encryption (BitLocker, FileVault or other) and record it on the "
            "item's page; or, if it has never held personal data, record that there. Then "
            "lend it.")


def _text(name: str, value: Any, limit: int, *, line: bool = True) -> str:
    text = tidy(str(value or "")) if line else str(value or "").strip()
    if len(text) > limit:
        raise DomainError(f"Keep this to {limit} characters.", field=name)
    return text


def _returned_on(loan: Loan, value: Any) -> date:
    when = as_date("returned_on", value) or timezone.localdate()
    if when < loan.issued_on:
        raise DomainError(f"It cannot come back before it was lent, on "
                          f"{loan.issued_on:%d/%m/%Y}.", field="returned_on")
    if when > timezone.localdate():
        raise DomainError("Record the return when the item is back: the date cannot be in "
                          "the future.", field="returned_on")
    return when


def _snapshot(loan: Loan) -> dict[str, Any]:
    values = snapshot(loan, AUDITED_FIELDS)
    values["item"] = loan.item.label
    values["person"] = loan.person.full_name
    return values


def _locked(loan: Loan) -> Loan:
    return (Loan.objects.select_for_update(of=("self",))
            .select_related("item", "person", "incident").get(pk=loan.pk))


def _mark_returned(current: Loan, *, actor: Any, returned_on: Any, condition: Any) -> None:
    if current.returned_on is not None:
        raise DomainError(f"This loan was returned on {current.returned_on:%d/%m/%Y} "
                          "already.", field="returned_on")
    current.returned_on = _returned_on(current, returned_on)
    current.condition_on_return = _text("condition_on_return", condition, 300)
    current.returned_by_label = actor_label(actor)


# ---------------------------------------------------------------------------- writes


def loan_issue(*, school: School, actor: Any, item: Item, person: Person,
               expected_return_on: Any, issued_on: Any = None, purpose: str = "",
               notes: str = "") -> Loan:
    """Lend ``item`` to ``person`` from ``issued_on`` (today unless given) until
    ``expected_return_on``. Raises DomainError naming the field when a rule is broken."""
    with transaction.atomic():
        _require_manager(school=school, actor=actor)
        if not isinstance(item, Item) or item.school_id != school.pk:
            raise DomainError("Choose an item of this school's inventory.", field="item")
        if not isinstance(person, Person) or person.school_id != school.pk:
            raise DomainError("Choose a person from the people of this school.", field="person")
        current = Item.objects.select_for_update().get(pk=item.pk)
        if current.status not in LENDABLE:
            raise DomainError(f"{current.label} is {current.get_status_display().lower()}: "
                              "it cannot be lent.", field="item")
        refusal = encryption_refusal(current)
        if refusal:
            raise DomainError(refusal, field="item")
        open_loan = (Loan.objects.filter(item=current, returned_on__isnull=True)
                     .select_related("person").first())
        if open_loan is not None:
            raise DomainError(f"{current.label} is on loan to {open_loan.person.full_name} "
                              f"since {open_loan.issued_on:%d/%m/%Y}: record its return "
                              "first.", field="item")
        today = timezone.localdate()
        issued = as_date("issued_on", issued_on) or today
        if issued > today:
            raise DomainError("Record the loan when the item is handed over: the date cannot "
                              "be in the future.", field="issued_on")
        if person.leaving_date is not None and person.leaving_date <= issued:
            raise DomainError(f"{person.full_name} left the school on "
                              f"{person.leaving_date:%d/%m/%Y}: lend it to someone who is "
                              "still at the school.", field="person")
        expected = as_date("expected_return_on", expected_return_on)
        if expected is None:
            raise DomainError("Enter the date it is due back.", field="expected_return_on")
        if expected < issued:
            raise DomainError("It cannot be due back before it is lent.",
                              field="expected_return_on")
        loan = Loan(school=school, item=current, person=person, issued_on=issued,
                    expected_return_on=expected, purpose=_text("purpose", purpose, 300),
                    notes=_text("notes", notes, 5000, line=False),
                    issued_by_label=actor_label(actor))
        full_clean_or_error(loan, exclude=["school", "item", "person", "incident"])
        try:
            with transaction.atomic():
                loan.save()
        except IntegrityError:
            raise DomainError(f"{current.label} is already on loan: record its return first.",
                              field="item") from None
        audit_record(action="equipment.loan.issued", school=school, actor=actor, target=loan,
                     changes=diff(None, _snapshot(loan)))
    return loan


def loan_return(*, loan: Loan, actor: Any, returned_on: Any = None,
                condition_on_return: str = "") -> Loan:
    """Record that the item came back (today unless ``returned_on`` says when), in what
    condition."""
    with transaction.atomic():
        _require_manager(school=loan.school_id, actor=actor)
        current = _locked(loan)
        before = _snapshot(current)
        _mark_returned(current, actor=actor, returned_on=returned_on,
                       condition=condition_on_return)
        current.version += 1
        current.save(update_fields=["returned_on", "condition_on_return",
                                    "returned_by_label", "version"])
        audit_record(action="equipment.loan.returned", school=current.school_id,
                     actor=actor, target=current, changes=diff(before, _snapshot(current)))
    return current


def loan_update(*, loan: Loan, actor: Any, version: int, **changes: Any) -> Loan:
    """Change a loan: its expected return, purpose or notes. ``version`` is the one the
    editor read (a newer one raises StaleVersion). ``returned_on`` (with
    ``condition_on_return``) records the return in the same step. Changing nothing saves
    nothing."""
    for name in changes:
        if name not in UPDATE_FIELDS:
            raise DomainError(f"A loan has no field {name!r} to change.", field=name)
    with transaction.atomic():
        _require_manager(school=loan.school_id, actor=actor)
        current = _locked(loan)
        if current.version != version:
            raise stale_error(school=current.school_id, target=current, what="this loan")
        before = _snapshot(current)
        action = "equipment.loan.updated"
        if "expected_return_on" in changes:
            expected = as_date("expected_return_on", changes["expected_return_on"])
            if expected is None:
                raise DomainError("Enter the date it is due back.", field="expected_return_on")
            if expected != current.expected_return_on and current.returned_on is not None:
                raise DomainError("This loan is returned: its due date stays.",
                                  field="expected_return_on")
            if expected < current.issued_on:
                raise DomainError("It cannot be due back before it was lent.",
                                  field="expected_return_on")
            current.expected_return_on = expected
        if "purpose" in changes:
            current.purpose = _text("purpose", changes["purpose"], 300)
        if "notes" in changes:
            current.notes = _text("notes", changes["notes"], 5000, line=False)
        if changes.get("returned_on") not in (None, ""):
            _mark_returned(current, actor=actor, returned_on=changes["returned_on"],
                           condition=changes.get("condition_on_return", ""))
            action = "equipment.loan.returned"
        elif "condition_on_return" in changes:
            if current.returned_on is None:
                raise DomainError("Record the return's date with its condition.",
                                  field="returned_on")
            current.condition_on_return = _text("condition_on_return",
                                                changes["condition_on_return"], 300)
        full_clean_or_error(current, exclude=["school", "item", "person", "incident"])
        recorded = diff(before, _snapshot(current))
        if not recorded:
            return current
        current.version += 1
        current.save()
        audit_record(action=action, school=current.school_id, actor=actor, target=current,
                     changes=recorded)
    return current


def loan_report_incident(*, loan: Loan, actor: Any, lost: bool = False,
                         note: str = "") -> Loan:
    """Report the loan as an incident in one step, and keep the link on the loan.

    ``lost``: the borrower says the item is lost; it is recorded lost in the inventory with
    the incident (the inventory's ``item_mark_lost``), or, when the item was reported lost
    already, its incident is linked. Otherwise the loan must be overdue: an incident "not
    returned" is reported with the loan's facts (the item, its encryption, the borrower,
    the dates). Refused when the loan is already linked to an incident."""
    from schoolkeep.incidents.report.services import incident_report

    with transaction.atomic():
        _require_manager(school=loan.school_id, actor=actor)
        current = _locked(loan)
        if current.incident is not None:
            raise DomainError(f"This loan is already reported as "
                              f"{current.incident.reference}.", field="loan")
        item = current.item
        text = str(note or "").strip()
        if lost:
            if current.returned_on is not None:
                raise DomainError("This loan is returned: report a loss from the item's page.",
                                  field="loan")
            if item.status in LOST_OR_STOLEN and item.incident_id is not None:
                current.incident = item.incident
            else:
                from schoolkeep.equipment.inventory.services import item_mark_lost

                marked = item_mark_lost(
                    item=item, actor=actor, stolen=False, holder_checked=True,
                    note=text or f"{current.person.full_name} reported it lost while it was "
                                 f"on loan to them (lent on {current.issued_on:%d/%m/%Y}).")
                current.incident = marked.incident
        else:
            today = timezone.localdate()
            if not is_overdue(current, today):
                raise DomainError("Only a loan that is overdue, or an item lost on loan, can "
                                  "be reported as an incident.", field="loan")
            due = due_back_on(current)
            facts = [
                f"{item.label} was lent to {current.person.full_name} on "
                f"{current.issued_on:%d/%m/%Y}"
                + (f" ({current.purpose})" if current.purpose else "")
                + f" and was due back on {due:%d/%m/%Y}. It has not been returned.",
                f"Encryption: {item.get_encryption_display()}.",
                "Holds or has held personal data: "
                + {True: "Yes", False: "No", None: "Not known"}[item.personal_data] + ".",
            ]
            if current.person.leaving_date and current.person.leaving_date <= today:
                facts.append(f"The borrower left the school on "
                             f"{current.person.leaving_date:%d/%m/%Y}.")
            incident, _ = incident_report(
                school=current.school, actor=actor, channel=Channel.APP,
                title=f"{item.label} on loan not returned"[:200],
                description=((text + "\n\n") if text else "") + "\n".join(facts),
                data_involved=f"Data on the {item.get_kind_display().lower()}",
                personal_data=item.personal_data is not False)
            current.incident = incident
        reference = current.incident.reference if current.incident else ""
        current.version += 1
        current.save(update_fields=["incident", "version"])
        audit_record(action="equipment.loan.incident_reported", school=current.school_id,
                     actor=actor, target=current,
                     changes=diff({"incident": None}, {"incident": reference}))
    return current

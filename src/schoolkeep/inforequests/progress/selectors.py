"""What a request's page shows of its progress: the pauses, the extensions and the response.

``progress_context(request)`` is merged into the context of the request's page (handling's
view) and read by the partials ``inforequests/progress/_holds.html`` and
``inforequests/progress/_response.html``. It costs two queries whatever the request holds
(its holds, its extensions), and works out what may be done next with the same rules the
services apply, so that a link is offered only when the form can succeed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from schoolkeep.inforequests.clocks.deadline import closed_on, runs_rights_clock
from schoolkeep.inforequests.models import (
    REFUSALS,
    Extension,
    Hold,
    Kind,
    Request,
    Status,
)
from schoolkeep.inforequests.progress.services import (
    RECIPIENT_KINDS,
    extension_decide_by,
    extension_room,
    extension_unit,
    hold_reasons_for,
    today,
)


@dataclass(frozen=True)
class HoldRow:
    hold: Hold
    reason: str
    asked_on: date
    answered_on: date | None
    note: str
    days: int  # days waited so far (both ends counted), or in all once answered
    # Closed on the day the request was answered or withdrawn, not by the requester's answer.
    closed_with_request: bool = False

    @property
    def waiting(self) -> bool:
        return self.answered_on is None


@dataclass(frozen=True)
class ExtensionRow:
    extension: Extension
    amount: str  # "2 months", "20 working days"
    decided_on: date
    told_on: date | None
    reason: str


@dataclass(frozen=True)
class Progress:
    request: Request
    today: date
    holds: list[HoldRow] = field(default_factory=list)
    extensions: list[ExtensionRow] = field(default_factory=list)
    hold_reasons: tuple[str, ...] = ()
    extension_unit: str = ""
    extension_room: int = 0
    extension_decide_by: date | None = None

    @property
    def is_open(self) -> bool:
        return self.request.status == Status.OPEN

    @property
    def waiting(self) -> list[HoldRow]:
        return [row for row in self.holds if row.waiting]

    @property
    def may_pause(self) -> bool:
        return self.is_open and bool(self.hold_reasons)

    @property
    def may_extend(self) -> bool:
        if not (self.is_open and self.extension_unit and self.extension_room):
            return False
        return self.extension_decide_by is None or self.today <= self.extension_decide_by

    @property
    def extension_words(self) -> str:
        """What the law allows, in a sentence for the page."""
        kind = self.request.kind
        if runs_rights_clock(self.request):
            return ("The deadline may be extended by up to two further months in all, when "
                    "the request is complex or there are several from the same person. The "
                    "requester must be told, with the reason, within the first month.")
        if kind == Kind.FOI:
            return ("The deadline may be extended by up to 20 working days in all to consider "
                    "the public interest. The requester must be told, with the reason, "
                    "within the first 20 working days.")
        if kind == Kind.EIR:
            return ("The deadline may be extended once, by 20 working days, when the "
                    "request is complex and voluminous. The requester must be told within "
                    "the first 20 working days.")
        return "This kind of request cannot be extended."

    @property
    def untold(self) -> list[ExtensionRow]:
        return [row for row in self.extensions if row.told_on is None]

    @property
    def may_acknowledge(self) -> bool:
        return (self.is_open and self.request.kind == Kind.COMPLAINT
                and self.request.acknowledged_on is None)

    @property
    def needs_recipients(self) -> bool:
        return self.request.kind in RECIPIENT_KINDS

    @property
    def refused(self) -> bool:
        return self.request.outcome in REFUSALS

    @property
    def late(self) -> bool:
        return bool(self.request.late_reason)

    @property
    def days_taken(self) -> int | None:
        """Calendar days from receipt to the response (the day received is day 0)."""
        end = self.request.responded_on
        return (end - self.request.received_on).days if end else None


def _hold_row(hold: Hold, today: date, closed: date | None) -> HoldRow:
    # A pause still open on a closed request (recorded another way) stops when it closed.
    end = hold.answered_on or closed or today
    return HoldRow(hold=hold, reason=hold.get_reason_display(), asked_on=hold.asked_on,
                   answered_on=hold.answered_on, note=hold.note,
                   days=max((end - hold.asked_on).days + 1, 0),
                   closed_with_request=closed is not None and hold.answered_on in (None,
                                                                                   closed))


def _extension_row(extension: Extension, unit: str) -> ExtensionRow:
    amount = extension.amount
    words = unit[:-1] if amount == 1 and unit.endswith("s") else unit
    return ExtensionRow(extension=extension, amount=f"{amount} {words}",
                        decided_on=extension.decided_on, told_on=extension.told_on,
                        reason=extension.reason)


def progress_context(request: Request) -> dict[str, Any]:
    """``{"progress": Progress}`` for the request's page: two queries."""
    day = today()
    holds = list(Hold.objects.filter(request=request).order_by("asked_on", "id"))
    extensions = list(Extension.objects.filter(request=request).order_by("decided_on", "id"))
    unit = extension_unit(request)
    closed = closed_on(request)
    return {"progress": Progress(
        request=request, today=day,
        holds=[_hold_row(hold, day, closed) for hold in holds],
        extensions=[_extension_row(extension, unit) for extension in extensions],
        hold_reasons=hold_reasons_for(request.kind),
        extension_unit=unit,
        extension_room=extension_room(request, extensions),
        extension_decide_by=extension_decide_by(request))}

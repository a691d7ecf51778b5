"""Searches for a request and the schedule of what was found.

The checklist of places to search comes from the school's asset register: every current
asset whose data subjects include the kind of person the request is about (a pupil's request
lists the pupil records, CPOMS, the e-mail archive...), each with the systems that hold it,
one task per asset. A freedom of information or environmental request is about
information, not a person, so its checklist is every current asset (the handler marks the
places that cannot hold the information "not needed"). Making the checklist again adds only
the assets not on it yet. The handler can add any other place, and asks a member to search
one by a date: that open search is then the member's duty until they record it.

The schedule of items is what the response is built from: each item's source, whether it
was disclosed, disclosed with redactions or withheld, the exemption relied on, and what was
redacted. Schoolkeep keeps no disclosed document, only this schedule.

Every write runs in one transaction with the request's row locked, is refused for anyone
who may not make it (the command line and the demo are trusted) and once the request is
answered or withdrawn, and writes one audit event targeting the request, so that the
request's history shows it. Text typed in may name people: the place of a search, its note,
an item's source, description and redactions appear there only as "changed" (the members
asked and who recorded a search are staff, named). Nothing here moves the clock: searching
is the school's work inside the time it has.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils import timezone

from schoolkeep.assets.models import Asset, DataSubject
from schoolkeep.audit.services import audit_record, diff
from schoolkeep.inforequests.models import (
    PUBLIC_INFORMATION_KINDS,
    Exemption,
    Kind,
    Request,
    ScheduleItem,
    SearchTask,
    Status,
    SubjectType,
)
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.lib.validation import clean_text
from schoolkeep.lib.values import as_date
from schoolkeep.systems.models import System
from schoolkeep.tenancy.guards import is_user, user_holds

ACTION_LABELS = {
    "requests.search.generated": "Search checklist made from the asset register",
    "requests.search.added": "Place to search added",
    "requests.search.assigned": "Search asked of a member",
    "requests.search.recorded": "Search recorded",
    "requests.item.added": "Item added to the schedule",
    "requests.item.changed": "Item of the schedule changed",
    "requests.item.removed": "Item removed from the schedule",
}

PLACE_MAX = SearchTask._meta.get_field("place").max_length or 200
SOURCE_MAX = ScheduleItem._meta.get_field("source").max_length or 200
TEXT_MAX = 10_000
# Text typed in (it may name people): recorded in the audit trail only as "changed".
ITEM_SECRET_FIELDS = ["source", "description", "redactions"]
SEARCH_SECRET_FIELDS = ["place", "note"]

# Whose data the request is about -> the register's kinds of data subject that may hold it
# (any one of them puts an asset on the checklist). "Someone else" may be a visitor or a
# contractor as well as the register's "others".
SUBJECT_TO_DATA_SUBJECT: dict[str, tuple[str, ...]] = {
    SubjectType.PUPIL: (DataSubject.PUPILS,),
    SubjectType.FORMER_PUPIL: (DataSubject.PUPILS,),
    SubjectType.PARENT: (DataSubject.PARENTS,),
    SubjectType.STAFF: (DataSubject.STAFF,),
    SubjectType.FORMER_STAFF: (DataSubject.STAFF,),
    SubjectType.GOVERNOR: (DataSubject.GOVERNORS,),
    SubjectType.VOLUNTEER: (DataSubject.VOLUNTEERS,),
    SubjectType.OTHER: (DataSubject.OTHERS, DataSubject.VISITORS, DataSubject.CONTRACTORS),
}

# The exemptions of each law: the Freedom of Information Act's sections for FOI, the
# Environmental Information Regulations' exceptions for EIR (environmental information is
# exempt from FOI), the Data Protection Act's for every request about a person. "Another"
# fits every kind.
FOI_EXEMPTIONS = frozenset(value for value in Exemption.values if value.startswith("foi_"))
EIR_EXEMPTIONS = frozenset(value for value in Exemption.values if value.startswith("eir_"))
DATA_PROTECTION_EXEMPTIONS = frozenset(
    value for value in Exemption.values
    if value and value != Exemption.OTHER and value not in FOI_EXEMPTIONS | EIR_EXEMPTIONS)
NEEDS_EXEMPTION = frozenset({ScheduleItem.Decision.REDACTED, ScheduleItem.Decision.WITHHELD})
RECORDED_STATES = frozenset({SearchTask.State.FOUND, SearchTask.State.NOTHING,
                             SearchTask.State.NOT_NEEDED})
# The foreign keys a generated search is built with, just loaded from the school's
# registers: checking each one's row exists again would cost a query per search.
GENERATED_LOADED_FIELDS = ["request", "asset", "system"]


def exemptions_for(kind: str) -> list[str]:
    """The exemptions that may be relied on for a request of this kind, in the list's
    order: FOI's sections for FOI, the EIR's exceptions for EIR, the Data Protection Act's
    for the others; "another exemption" for every kind."""
    if kind == Kind.FOI:
        allowed = FOI_EXEMPTIONS
    elif kind == Kind.EIR:
        allowed = EIR_EXEMPTIONS
    else:
        allowed = DATA_PROTECTION_EXEMPTIONS
    return [value for value in Exemption.values if value in allowed or value == Exemption.OTHER]


# ---------------------------------------------------------------------------- shared


def may_handle(*, school: Any, actor: Any, request: Request) -> bool:
    """True when the actor may handle this request: a trusted caller (no user), or a
    member holding ``requests.handle`` from whom the request is not hidden."""
    if not is_user(actor):
        return True
    if not user_holds(school=school, user=actor, permission="requests.handle"):
        return False
    return not request.hidden_from.filter(pk=actor.pk).exists()


def _require_handler(*, school: Any, actor: Any, request: Request) -> None:
    if not may_handle(school=school, actor=actor, request=request):
        raise NotAllowed("You may not handle this request's searches and schedule.")


def closed_reason(request: Request) -> str:
    """Why the request's searches and schedule can no longer change (answered or
    withdrawn), in words; empty while it is open."""
    if request.status == Status.OPEN:
        return ""
    if request.status == Status.WITHDRAWN:
        when = f" on {request.withdrawn_on:%-d %B %Y}" if request.withdrawn_on else ""
        return (f"This request was withdrawn{when}: its searches and schedule can no longer "
                "change.")
    when = f" on {request.responded_on:%-d %B %Y}" if request.responded_on else ""
    return (f"This request was answered{when}: its searches and schedule can no longer "
            "change.")


def _lock(*, school: Any, request: Request) -> Request:
    """The request, row-locked; refused when it belongs to another school, or is answered
    or withdrawn (as it is now, not as the caller read it)."""
    school_id = getattr(school, "pk", school)
    if request.school_id != school_id:
        raise NotAllowed("This request belongs to another school.")
    current = Request.objects.select_for_update().get(pk=request.pk)
    reason = closed_reason(current)
    if reason:
        raise DomainError(reason)
    return current


def _audit(*, action: str, request: Request, actor: Any, changes: dict[str, Any]) -> None:
    audit_record(action=action, school=request.school_id, actor=actor, target=request,
                 target_label=request.reference, changes=changes)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def place_for(asset: Asset, systems: list[System]) -> str:
    """"Pupil records (in SIMS, CPOMS)": the asset's name with the systems that hold it,
    within the place's length (the systems that do not fit are counted)."""
    name = _clip(asset.name, PLACE_MAX)
    if not systems:
        return name
    names = [system.name for system in systems]
    for shown in range(len(names), 0, -1):
        rest = len(names) - shown
        listed = ", ".join(names[:shown]) + (f" and {rest} more" if rest else "")
        place = f"{name} (in {listed})"
        if len(place) <= PLACE_MAX:
            return place
    return name


def checklist_assets(request: Request) -> list[Asset]:
    """The current assets of the school's register to search for this request, by name,
    with their current systems as ``current_systems`` (two queries; an archived system is
    never named nor linked). Data subjects are a list in a JSON column, which SQLite cannot
    search inside, so the match is made here on the school's register."""
    systems = System.objects.filter(archived_at__isnull=True).order_by("name_key", "pk")
    assets = list(Asset.objects.filter(school_id=request.school_id, archived_at__isnull=True)
                  .only("pk", "public_id", "name", "name_key", "data_subjects")
                  .prefetch_related(Prefetch("systems", queryset=systems,
                                             to_attr="current_systems"))
                  .order_by("name_key", "pk"))
    return [asset for asset in assets if on_checklist(request, asset.data_subjects)]


def on_checklist(request: Request, data_subjects: list[str] | None) -> bool:
    """True when an asset holding data about these kinds of people belongs on the request's
    checklist: every asset for FOI and EIR (about information, not a person), and for a
    request about a person those whose data subjects include one of the kinds that person
    may be. A request whose person's kind is not recorded lists every asset rather than
    forget one."""
    if request.kind in PUBLIC_INFORMATION_KINDS:
        return True
    wanted = SUBJECT_TO_DATA_SUBJECT.get(request.subject_type)
    return wanted is None or not set(wanted).isdisjoint(data_subjects or [])


# ---------------------------------------------------------------------------- searches


def searches_generate(*, school: Any, actor: Any, request: Request) -> list[SearchTask]:
    """Add to the request's checklist one search per asset of the register that may hold
    the information and is not on the checklist yet; the searches added (none when the
    checklist already has them all)."""
    _require_handler(school=school, actor=actor, request=request)
    with transaction.atomic():
        current = _lock(school=school, request=request)
        listed = set(SearchTask.objects.filter(request=current, asset__isnull=False)
                     .values_list("asset_id", flat=True))
        added: list[SearchTask] = []
        for asset in checklist_assets(current):
            if asset.pk in listed:
                continue
            systems: list[System] = asset.current_systems  # type: ignore[attr-defined]
            task = SearchTask(request=current, asset=asset, place=place_for(asset, systems),
                              system=systems[0] if len(systems) == 1 else None)
            # The request, the asset and the system were just read from the school's own
            # rows: the other fields are checked, without a query per search.
            task.full_clean(exclude=GENERATED_LOADED_FIELDS)
            added.append(task)
        if not added:
            return []
        SearchTask.objects.bulk_create(added)
        _audit(action="requests.search.generated", request=current, actor=actor,
               changes={"places_added": {"before": None, "after": len(added)},
                        "assets": {"before": None,
                                   "after": [task.asset for task in added]}})
    return added


def search_add(*, school: Any, actor: Any, request: Request, place: str = "",
               asset: Asset | None = None, system: System | None = None) -> SearchTask:
    """Add a place to search: typed in, or an asset or a system of the registers (its name
    is the place when none is typed)."""
    _require_handler(school=school, actor=actor, request=request)
    school_id = getattr(school, "pk", school)
    if asset is not None and (asset.school_id != school_id or asset.archived_at is not None):
        raise DomainError("Choose an asset of the school's current register.", field="asset")
    if system is not None and (system.school_id != school_id
                               or system.archived_at is not None):
        raise DomainError("Choose one of the school's current systems.", field="system")
    typed = clean_text(place, field="place", label="where to search", limit=PLACE_MAX)
    if not typed:
        if asset is not None:
            typed = place_for(asset, [system] if system is not None else [])
        elif system is not None:
            typed = _clip(system.name, PLACE_MAX)
        else:
            raise DomainError("Enter where to search, or choose an asset or a system.",
                              field="place")
    with transaction.atomic():
        current = _lock(school=school, request=request)
        task = SearchTask(request=current, asset=asset, system=system, place=typed)
        task.full_clean()
        task.save()
        _audit(action="requests.search.added", request=current, actor=actor,
               changes=diff(None, {"search": task.pk, "place": task.place, "asset": asset,
                                   "system": system}, secret_fields=SEARCH_SECRET_FIELDS))
    return task


def may_search(*, school: Any, user: Any, request: Request) -> bool:
    """True when the member may be asked to search for this request: they hold
    ``requests.search`` in the school and the request is not hidden from them."""
    return (user_holds(school=school, user=user, permission="requests.search")
            and not request.hidden_from.filter(pk=user.pk).exists())


def search_assign(*, school: Any, actor: Any, request: Request, task: SearchTask,
                  assignee: Any, due_on: date | str | None) -> SearchTask:
    """Ask a member to make a search by a date (or ask another member instead): the open
    search becomes their duty."""
    _require_handler(school=school, actor=actor, request=request)
    if task.request_id != request.pk:
        raise NotAllowed("This search belongs to another request.")
    if assignee is None:
        raise DomainError("Choose the member to ask.", field="assignee")
    due = as_date("due_on", due_on)
    if due is None:
        raise DomainError("Enter the date the search is needed by.", field="due_on")
    with transaction.atomic():
        current = _lock(school=school, request=request)
        if not may_search(school=school, user=assignee, request=current):
            raise DomainError("Choose a member of the school who may search for requests "
                              "and from whom this request is not hidden.", field="assignee")
        if due < current.received_on:
            raise DomainError("The date must be on or after the day the request arrived "
                              f"({current.received_on:%-d %B %Y}).", field="due_on")
        found = SearchTask.objects.select_for_update(of=("self",)).select_related(
            "assignee").get(pk=task.pk)
        if found.state != SearchTask.State.OPEN:
            raise DomainError("This search is recorded already: there is nothing left to "
                              "ask.", field="assignee")
        # Members are told apart by their id: two may share a name.
        previous = found.assignee
        changes = diff({"due_on": found.due_on}, {"due_on": due})
        if found.assignee_id != assignee.pk:
            changes.update(_member_change("assignee", previous, assignee))
        found.assignee = assignee
        found.due_on = due
        found.full_clean()
        if not changes:
            return found
        found.save(update_fields=["assignee", "due_on"])
        _audit(action="requests.search.assigned", request=current, actor=actor,
               changes={"search": {"before": None, "after": found.pk}, **changes})
    return found


def _member_change(name: str, before: Any, after: Any) -> dict[str, Any]:
    """A change of member: their names (staff, named in the history) and their public ids,
    which tell apart two members of the same name."""
    return {name: {"before": str(before) if before is not None else None,
                   "after": str(after) if after is not None else None},
            f"{name}_id": {"before": str(before.public_id) if before is not None else None,
                           "after": str(after.public_id) if after is not None else None}}


def may_record(*, school: Any, user: Any, task: SearchTask) -> bool:
    """True when the member may record this search: its assignee (still allowed to search
    and not hidden from the request), or a handler of the request."""
    if task.assignee_id is not None and task.assignee_id == getattr(user, "pk", None) \
            and may_search(school=school, user=user, request=task.request):
        return True
    return may_handle(school=school, actor=user, request=task.request)


def search_record(*, school: Any, actor: Any, task: SearchTask, state: str,
                  searched_on: date | str | None, note: str = "") -> SearchTask:
    """Record a search: information found, nothing found, or not needed (with the reason in
    the note). The assignee or a handler may record it, and record it again to correct it."""
    if state not in RECORDED_STATES:
        raise DomainError("Choose what the search found.", field="state")
    day = as_date("searched_on", searched_on)
    why = clean_text(note, field="note", label="a note",
                     required=state == SearchTask.State.NOT_NEEDED, limit=TEXT_MAX)
    if day is None and state != SearchTask.State.NOT_NEEDED:
        raise DomainError("Enter the date of the search.", field="searched_on")
    if day is not None and day > timezone.localdate():
        raise DomainError("The date of the search must be today or in the past.",
                          field="searched_on")
    with transaction.atomic():
        current = _lock(school=school, request=task.request)
        found = SearchTask.objects.select_for_update(of=("self",)).get(pk=task.pk)
        found.request = current
        # The row as it is now: the member asked may have changed since the page was read.
        if is_user(actor) and not may_record(school=school, user=actor, task=found):
            raise NotAllowed("Only the member asked to make this search, or the DPO, may "
                             "record it.")
        if day is not None and day < current.received_on:
            raise DomainError("The date of the search must be on or after the day the "
                              f"request arrived ({current.received_on:%-d %B %Y}).",
                              field="searched_on")
        before = {"state": found.state, "searched_on": found.searched_on, "note": found.note}
        by = actor if is_user(actor) else None
        changes = diff(before, {"state": state, "searched_on": day, "note": why},
                       secret_fields=SEARCH_SECRET_FIELDS)
        # Members are told apart by their id: two may share a name.
        if found.searched_by_id != getattr(by, "pk", None):
            changes.update(_member_change("searched_by", found.searched_by, by))
        found.state = state
        found.searched_on = day
        found.note = why
        found.searched_by = by
        found.full_clean()
        if not changes:
            return found
        found.save(update_fields=["state", "searched_on", "note", "searched_by"])
        _audit(action="requests.search.recorded", request=current, actor=actor,
               changes={"search": {"before": None, "after": found.pk}, **changes})
    return found


# ---------------------------------------------------------------------------- the schedule


def _item_values(request: Request, *, source: str, description: str, decision: str,
                 exemption: str, redactions: str,
                 search: SearchTask | None) -> dict[str, Any]:
    if search is not None and search.request_id != request.pk:
        raise DomainError("Choose one of this request's searches.", field="search")
    where = clean_text(source, field="source", label="where the item came from",
                       limit=SOURCE_MAX)
    if not where:
        if search is None:
            raise DomainError("Enter where the item came from.", field="source")
        where = _clip(search.place, SOURCE_MAX)
    what = clean_text(description, field="description", label="what the item is", required=True,
                      limit=TEXT_MAX)
    if decision not in ScheduleItem.Decision.values:
        raise DomainError("Choose whether the item was disclosed, disclosed with "
                          "redactions, or withheld.", field="decision")
    exemption = str(exemption or "")
    if decision == ScheduleItem.Decision.DISCLOSED:
        exemption = ""
    elif not exemption:
        raise DomainError("Choose the exemption relied on to withhold or redact it.",
                          field="exemption")
    if exemption not in Exemption.values:
        raise DomainError("Choose an exemption from the list.", field="exemption")
    if exemption and exemption not in exemptions_for(request.kind):
        raise DomainError("This exemption does not apply to this kind of request: choose "
                          "one from the list.", field="exemption")
    removed = clean_text(redactions, field="redactions", label="what was redacted", limit=TEXT_MAX)
    if decision == ScheduleItem.Decision.REDACTED and not removed:
        raise DomainError("Say what was redacted, and why.", field="redactions")
    if exemption == Exemption.OTHER and not removed:
        raise DomainError("Name the exemption relied on, in the notes.", field="redactions")
    return {"source": where, "description": what, "decision": decision,
            "exemption": exemption, "redactions": removed, "search": search}


def _item_snapshot(item: ScheduleItem) -> dict[str, Any]:
    return {"number": item.number, "search": item.search_id, "source": item.source,
            "description": item.description, "decision": item.decision,
            "exemption": item.exemption, "redactions": item.redactions}


def item_add(*, school: Any, actor: Any, request: Request, source: str = "",
             description: str, decision: str, exemption: str = "", redactions: str = "",
             search: SearchTask | None = None) -> ScheduleItem:
    """Add an item to the schedule, numbered after the last number ever given on the
    request (the request's counter, under its row lock): a number is never given twice,
    even after the last item is removed."""
    _require_handler(school=school, actor=actor, request=request)
    with transaction.atomic():
        current = _lock(school=school, request=request)
        values = _item_values(current, source=source, description=description,
                              decision=decision, exemption=exemption,
                              redactions=redactions, search=search)
        # The items' highest number too, should the counter lag behind items written
        # before it existed.
        last = ScheduleItem.objects.filter(request=current).aggregate(last=Max("number"))
        number = max(current.last_item_number, last["last"] or 0) + 1
        item = ScheduleItem(request=current, number=number, **values)
        item.full_clean()
        item.save()
        current.last_item_number = number
        Request.objects.filter(pk=current.pk).update(last_item_number=number)
        _audit(action="requests.item.added", request=current, actor=actor,
               changes=diff(None, _item_snapshot(item), secret_fields=ITEM_SECRET_FIELDS))
    return item


def _own_item(request: Request, item: ScheduleItem) -> ScheduleItem:
    found = ScheduleItem.objects.select_for_update().filter(pk=item.pk,
                                                            request=request).first()
    if found is None:
        raise NotAllowed("This item belongs to another request.")
    return found


def item_update(*, school: Any, actor: Any, request: Request, item: ScheduleItem,
                source: str = "", description: str, decision: str, exemption: str = "",
                redactions: str = "", search: SearchTask | None = None) -> ScheduleItem:
    """Change an item of the schedule (its number stays)."""
    _require_handler(school=school, actor=actor, request=request)
    with transaction.atomic():
        current = _lock(school=school, request=request)
        found = _own_item(current, item)
        values = _item_values(current, source=source, description=description,
                              decision=decision, exemption=exemption,
                              redactions=redactions, search=search)
        before = _item_snapshot(found)
        for name, value in values.items():
            setattr(found, name, value)
        found.full_clean()
        changes = diff(before, _item_snapshot(found), secret_fields=ITEM_SECRET_FIELDS)
        if not changes:
            return found
        found.save()
        _audit(action="requests.item.changed", request=current, actor=actor,
               changes={"item": {"before": None, "after": found.number}, **changes})
    return found


def item_remove(*, school: Any, actor: Any, request: Request,
                item: ScheduleItem) -> ScheduleItem:
    """Take an item off the schedule. The other items keep their numbers (the history and
    any letter already sent refer to them)."""
    _require_handler(school=school, actor=actor, request=request)
    with transaction.atomic():
        current = _lock(school=school, request=request)
        found = _own_item(current, item)
        before = _item_snapshot(found)
        found.delete()
        _audit(action="requests.item.removed", request=current, actor=actor,
               changes=diff(before, {}, secret_fields=ITEM_SECRET_FIELDS))
    return found

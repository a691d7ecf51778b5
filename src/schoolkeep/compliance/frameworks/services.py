"""A school's own wording of a framework: it edits a published requirement, adds a clause,
withdraws one its policy does not have, or puts one back as published.

Published rows (``school`` NULL) are never changed here. A school's edit is a row of its own
with ``replaces_code`` the published code, holding the school's wording and controls only (the
advice, its source and the order stay the published row's: ``state.requirements`` reads them
from the current version); a withdrawal is the same row marked ``withdrawn``
(a copy of the published wording when the school had not edited it); a clause the school
adds has ``school`` set and no ``replaces_code``. Putting a published requirement back
deletes the school's row for its code; putting back a clause the school added and withdrew
clears ``withdrawn``. A later version of the published framework keeps all of these (they
belong to the framework's code: ``state.requirements``).

Every function needs ``compliance.manage`` in the school (the command line and the demo are
trusted), runs in one transaction, checks the row with ``full_clean`` and records an audit
event. Edits carry the version the person read: a newer one is refused as stale.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max, Q

from schoolkeep.audit.services import audit_record, diff
from schoolkeep.compliance.models import Control, Framework, Requirement
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.stale import stale_error
from schoolkeep.lib.validation import full_clean_or_error
from schoolkeep.tenancy.guards import require_permission
from schoolkeep.tenancy.models import School

ACTION_LABELS = {
    "compliance.requirement.edited": "Compliance requirement reworded for the school",
    "compliance.requirement.added": "Compliance requirement added by the school",
    "compliance.requirement.withdrawn": "Compliance requirement withdrawn for the school",
    "compliance.requirement.restored": "Compliance requirement put back as published",
}

PERMISSION = "compliance.manage"
MAX_TEXT = 5_000  # characters of a clause, or of what "met" means
FIELDS = ["section", "title", "text", "met_means"]


def _require_manager(school: School, actor: Any) -> None:
    require_permission(school=school, actor=actor, permission=PERMISSION,
                       message="You may not change the school's requirements.")


def _clean(value: Any, *, field: str, limit: int, what: str, required: bool = False) -> str:
    text = str(value or "").replace("\r\n", "\n").strip()
    if "\x00" in text:
        raise DomainError(f"{what} cannot hold a NUL character.", field=field)
    if required and not text:
        raise DomainError(f"Enter {what.lower()}.", field=field)
    if len(text) > limit:
        raise DomainError(f"{what} must be at most {limit:,} characters.", field=field)
    return text


def _wording(*, section: Any, title: Any, text: Any, met_means: Any, text_required: bool = True
             ) -> dict[str, str]:
    return {
        "section": _clean(section, field="section", limit=200, what="The section"),
        "title": _clean(title, field="title", limit=300, what="A short title", required=True),
        "text": _clean(text, field="text", limit=MAX_TEXT, what="The wording",
                       required=text_required),
        "met_means": _clean(met_means, field="met_means", limit=MAX_TEXT,
                            what="What met means"),
    }


def choosable_controls(school: School) -> Any:
    """The controls a school may map its requirements to: the built-in ones and its own,
    not archived (a queryset, in order)."""
    return Control.objects.filter(Q(school__isnull=True) | Q(school=school),
                                  archived_at__isnull=True).order_by("order", "title", "pk")


def _controls(school: School, controls: Iterable[Control]) -> list[Control]:
    wanted = {control.pk for control in controls}
    found = list(choosable_controls(school).filter(pk__in=wanted))
    if len(found) != len(wanted):
        raise DomainError("Choose controls from this school's controls.", field="controls")
    return found


def _codes(controls: Iterable[Control]) -> list[str]:
    return sorted(control.code or str(control.public_id) for control in controls)


def _state_of(row: Requirement, controls: list[Control]) -> dict[str, Any]:
    return {**{name: getattr(row, name) for name in FIELDS}, "controls": _codes(controls)}


def _own_row(school: School, published: Requirement) -> Requirement | None:
    """The school's row standing for a published code (an edit or a withdrawal), locked."""
    return (Requirement.objects.select_for_update()
            .filter(school=school, framework__code=published.framework.code,
                    replaces_code=published.code).first())


def published_for(row: Requirement) -> Requirement | None:
    """The current published row a school's edit stands for (None: an added clause, or a
    code the current version no longer has); a published row is its own. Its advice and
    advice source are the ones to show beside the school's words."""
    if row.school_id is None:
        return row
    if not row.replaces_code:
        return None
    return (Requirement.objects.select_related("framework")
            .filter(school__isnull=True, framework__code=row.framework.code,
                    framework__is_current=True, code=row.replaces_code).first())


def text_required(row: Requirement, published: Requirement | None) -> bool:
    """Whether the wording must be given when changing ``row`` (``published``: what
    ``published_for(row)`` gives): always for a clause the school added; for a published
    requirement, only when the published one quotes a wording (the RPA's conditions quote
    none, so changing only their controls asks for no words)."""
    if row.school_id is not None and not row.replaces_code:
        return True
    return bool((published or row).text)


def _check_school(school: School, requirement: Requirement) -> None:
    if requirement.school_id is not None and requirement.school_id != school.pk:
        raise DomainError("This requirement belongs to another school.", field="requirement")


def requirement_edit(*, school: School, actor: Any, requirement: Requirement, version: int,
                     section: str, title: str, text: str, met_means: str = "",
                     controls: Iterable[Control] = ()) -> Requirement:
    """Word a requirement as the school's policy has it, mapped to ``controls``.

    ``requirement`` is the row the person read: a published one (the school's own row is
    made, standing for its code) or the school's own (changed in place). ``version`` is
    that row's version as read; a row changed since, or an edit made meanwhile by someone
    else for the same published requirement, is refused as stale."""
    _require_manager(school, actor)
    _check_school(school, requirement)
    wording = _wording(section=section, title=title, text=text, met_means=met_means,
                       text_required=text_required(requirement, published_for(requirement)))
    chosen = _controls(school, controls)
    with transaction.atomic():
        if requirement.school_id is None:
            if requirement.version != version:
                raise stale_error(school=school, target=requirement, what="this requirement")
            own = _own_row(school, requirement)
            if own is not None:
                raise stale_error(school=school, target=own, what="this requirement")
            before = _state_of(requirement, list(requirement.controls.all()))
            row = Requirement(framework=_current(requirement.framework), school=school,
                              code=requirement.code, replaces_code=requirement.code,
                              **wording)
        else:
            row = Requirement.objects.select_for_update().get(pk=requirement.pk)
            if row.version != version:
                raise stale_error(school=school, target=row, what="this requirement")
            if row.withdrawn:
                raise DomainError("This requirement is withdrawn: put it back before "
                                  "changing it.", field="requirement")
            before = _state_of(row, list(row.controls.all()))
            for name, value in wording.items():
                setattr(row, name, value)
            row.version += 1
        full_clean_or_error(row)
        row.save()
        row.controls.set(chosen)
        changes = diff(before, _state_of(row, chosen))
        if changes:
            audit_record(action="compliance.requirement.edited", school=school, actor=actor,
                         target=row, changes={**changes, "code": {"before": None,
                                                                  "after": row.code}})
    return row


def _current(framework: Framework) -> Framework:
    """The current version of a framework's code (a school's rows join it), read afresh:
    a new version may have arrived since ``framework`` was read."""
    current = Framework.objects.filter(code=framework.code, is_current=True).first()
    if current is None:
        raise DomainError("This framework is no longer in use.", field="framework")
    return current


def _next_order(school: School, framework: Framework) -> int:
    """After every requirement of the framework, published and the school's own."""
    found = Requirement.objects.filter(
        Q(framework=framework, school__isnull=True)
        | Q(framework__code=framework.code, school=school)).aggregate(last=Max("order"))
    return int(found["last"] or 0) + 1


def requirement_add(*, school: School, actor: Any, framework: Framework, section: str,
                    title: str, text: str, met_means: str = "",
                    controls: Iterable[Control] = ()) -> Requirement:
    """Add a clause the school's policy has and the published framework does not; it goes
    after the others, in the section named."""
    _require_manager(school, actor)
    wording = _wording(section=section, title=title, text=text, met_means=met_means)
    chosen = _controls(school, controls)
    with transaction.atomic():
        current = _current(framework)
        row = Requirement(framework=current, school=school,
                          code=f"{current.code}.school-{uuid.uuid4().hex[:12]}",
                          order=_next_order(school, current), **wording)
        full_clean_or_error(row)
        row.save()
        row.controls.set(chosen)
        audit_record(action="compliance.requirement.added", school=school, actor=actor,
                     target=row, changes=diff(None, {**_state_of(row, chosen),
                                                     "framework": current.code}))
    return row


def requirement_withdraw(*, school: School, actor: Any, requirement: Requirement
                         ) -> Requirement:
    """Take a requirement out of the school's copy of the framework: its policy does not
    have it. The published row stays as it is; the school's row says withdrawn. Withdrawing
    one already withdrawn changes nothing."""
    _require_manager(school, actor)
    _check_school(school, requirement)
    with transaction.atomic():
        if requirement.school_id is None:
            row = _own_row(school, requirement)
            if row is None:
                row = Requirement(
                    framework=_current(requirement.framework), school=school,
                    code=requirement.code, replaces_code=requirement.code,
                    **{name: getattr(requirement, name) for name in FIELDS})
        else:
            row = Requirement.objects.select_for_update().get(pk=requirement.pk)
        if row.withdrawn:
            return row
        row.withdrawn = True
        if row.pk is not None:
            row.version += 1
        full_clean_or_error(row)
        row.save()
        audit_record(action="compliance.requirement.withdrawn", school=school, actor=actor,
                     target=row, changes={"withdrawn": {"before": False, "after": True},
                                          "code": {"before": None,
                                                   "after": row.replaces_code or row.code}})
    return row


def requirement_restore(*, school: School, actor: Any, requirement: Requirement
                        ) -> Requirement | None:
    """Put a requirement back: a published one (edited or withdrawn) back to its published
    wording and controls, by deleting the school's row for its code; a clause the school
    added and withdrew, back in its copy. Returns the row now shown (None when nothing of
    the school's stood for it: nothing changes)."""
    _require_manager(school, actor)
    _check_school(school, requirement)
    with transaction.atomic():
        if requirement.school_id is not None and not requirement.replaces_code:
            row = Requirement.objects.select_for_update().get(pk=requirement.pk)
            if not row.withdrawn:
                return row
            row.withdrawn = False
            row.version += 1
            full_clean_or_error(row)
            row.save()
            audit_record(action="compliance.requirement.restored", school=school,
                         actor=actor, target=row,
                         changes={"withdrawn": {"before": True, "after": False}})
            return row
        published = published_for(requirement)
        if requirement.school_id is None:
            own = _own_row(school, requirement)
        else:
            own = Requirement.objects.select_for_update().filter(pk=requirement.pk).first()
        if own is None:
            return published
        before = _state_of(own, list(own.controls.all()))
        label, code, public_id, withdrawn = (str(own), own.replaces_code, own.public_id,
                                             own.withdrawn)
        own.delete()
        after = (_state_of(published, list(published.controls.all()))
                 if published is not None else {})
        audit_record(action="compliance.requirement.restored", school=school, actor=actor,
                     target_type="compliance.requirement", target_id=str(public_id),
                     target_label=label,
                     changes={**diff(before, after),
                              "withdrawn": {"before": withdrawn, "after": False},
                              "code": {"before": None, "after": code}})
    return published

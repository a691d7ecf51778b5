"""What other modules hear when a person arrives, leaves or changes post.

A leaver checklist starts when a leaving date is set, a starter checklist when someone is
added, a mover's when their job title changes: whichever way the change came (the person's
page, the API or an import). Each writer of people (``person_create``, ``person_update``,
``person_mark_leaver`` and the people import, once per chunk) calls ``person_changes_notify``
inside its own transaction with one ``PersonChange`` per person whose leaving date, start
date or job title changed, or who was added; a hook that raises undoes the whole write.

A hook is ``fn(*, school, changes, actor)``: ``changes`` is a list of ``PersonChange`` of
that school (never empty), ``actor`` the user, or None for the command line and the system.
Registering the same function again does nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

# The fields whose change is heard, as named on Person.
WATCHED = ("leaving_date", "start_date", "job_title")

PersonChangeHook = Callable[..., object]


@dataclass(frozen=True)
class PersonChange:
    """One person's change: their ids, whether they were just added, and the old and new
    values of the watched fields (for a person just added the old ones are None/"")."""

    person_id: int
    school_id: int
    created: bool
    old_leaving_date: date | None
    new_leaving_date: date | None
    old_start_date: date | None
    new_start_date: date | None
    old_job_title: str
    new_job_title: str

    @property
    def leaving_date_changed(self) -> bool:
        return self.old_leaving_date != self.new_leaving_date

    @property
    def start_date_changed(self) -> bool:
        return self.old_start_date != self.new_start_date

    @property
    def job_title_changed(self) -> bool:
        return self.old_job_title != self.new_job_title

    @property
    def matters(self) -> bool:
        """Worth telling the hooks: the person was added, or a watched field changed."""
        return (self.created or self.leaving_date_changed or self.start_date_changed
                or self.job_title_changed)


def person_change(*, person_id: int, school_id: int, old: dict[str, Any] | None,
                  new: dict[str, Any]) -> PersonChange:
    """A change from the watched values before (None: a person just added) and after."""
    before = old or {}
    return PersonChange(
        person_id=person_id, school_id=school_id, created=old is None,
        old_leaving_date=before.get("leaving_date"), new_leaving_date=new.get("leaving_date"),
        old_start_date=before.get("start_date"), new_start_date=new.get("start_date"),
        old_job_title=before.get("job_title") or "", new_job_title=new.get("job_title") or "",
    )


_hooks: list[PersonChangeHook] = []


def register_person_change_hook(fn: PersonChangeHook) -> PersonChangeHook:
    """Call ``fn(*, school, changes, actor)`` after every write that adds people or changes
    a watched field, in the writer's transaction. Returns ``fn`` (usable as a decorator)."""
    if fn not in _hooks:
        _hooks.append(fn)
    return fn


def person_changes_notify(*, school: Any, changes: Sequence[PersonChange], actor: Any) -> None:
    """Tell every hook about the changes that matter (none: no call)."""
    heard = [change for change in changes if change.matters]
    if not heard:
        return
    for fn in list(_hooks):
        fn(school=school, changes=heard, actor=actor)

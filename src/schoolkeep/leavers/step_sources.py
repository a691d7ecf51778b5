"""Steps that other modules add to a checklist: equipment on loan, say (issue 16's loans).

A module registers one source per kind of step (``register_step_source``); each source
answers, for some checklists of one school, the steps it knows about: their subject, a
label, whether they are done and a link to where they are done. With no source registered
for a kind, the checklist shows nothing for it (never a placeholder). Registering a kind
again replaces its source, so a module imported twice never lists its steps twice.

A source runs a constant number of queries (one, typically), whatever the number of
checklists and steps: the API lists many leavers' checklists at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from schoolkeep.leavers.models import Checklist


@dataclass(frozen=True)
class SourceStep:
    subject_id: str  # the public id of the record it is about
    label: str  # what it is, in plain words ("Laptop HP-0142")
    done: bool
    url: str = ""  # where the step is done (its register's page)


# Given checklists of one school, their steps by checklist pk (checklists without any may be
# left out).
StepSource = Callable[[list["Checklist"]], dict[int, list[SourceStep]]]

_sources: dict[str, StepSource] = {}


def register_step_source(kind: str, fn: StepSource) -> StepSource:
    """Add (or replace) the source of steps of ``kind`` (a ``StepRecord.Kind`` value, such
    as ``return_equipment``). Returns ``fn``, so it can decorate."""
    from schoolkeep.leavers.models import StepRecord

    if kind not in StepRecord.Kind.values:
        raise ValueError(f"{kind!r} is not a kind of checklist step.")
    _sources[kind] = fn
    return fn


def unregister_step_source(kind: str) -> None:
    _sources.pop(kind, None)


def steps_from_sources(checklists: list[Checklist]) -> dict[int, list[tuple[str, SourceStep]]]:
    """Every registered source's steps for the checklists (of one school), as
    {checklist pk: [(kind, step)]}."""
    found: dict[int, list[tuple[str, SourceStep]]] = {}
    for kind, source in _sources.items():
        for checklist_id, steps in source(checklists).items():
            found.setdefault(checklist_id, []).extend((kind, step) for step in steps)
    return found

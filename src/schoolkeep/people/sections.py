"""Sections that later modules add to a person's page (signatures, training, equipment,
accounts, ownerships...).

A module registers a function, usually from its ``AppConfig.ready``::

    from schoolkeep.people.sections import PersonSection, register_person_section

    def training_section(*, request, person, level):
        if level < Level.DETAILS:
            return None
        return PersonSection(title="Training", template_name="training/_person.html",
                             context={"records": ...}, order=40)

    register_person_section(training_section)

The function receives the request (with ``request.school`` and ``request.access``), the
person (of the current school) and what the viewer may see of them (a
``schoolkeep.people.visibility.Level``); it returns a ``PersonSection`` or None to show
nothing. The section's template is included with the section's context plus ``person``,
``level`` and ``section``; its heading is printed by the page, so the template starts below
it (use ``h3`` for sub-headings). Keep each section to a constant number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.http import HttpRequest

from schoolkeep.people.visibility import Level


@dataclass(frozen=True)
class PersonSection:
    title: str
    template_name: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100  # lower comes first
    key: str = ""  # an id for the section's heading; made from the title when empty

    @property
    def anchor(self) -> str:
        raw = self.key or self.title
        return "section-" + "".join(c if c.isalnum() else "-" for c in raw.lower()).strip("-")


class SectionProvider(Protocol):
    def __call__(self, *, request: HttpRequest, person: Any,
                 level: Level) -> PersonSection | None: ...


_PROVIDERS: list[SectionProvider] = []


def register_person_section(fn: SectionProvider) -> SectionProvider:
    """Add a section provider (once; registering the same function again does nothing).
    Returns the function, so it can be used as a decorator."""
    if fn not in _PROVIDERS:
        _PROVIDERS.append(fn)
    return fn


def unregister_person_section(fn: Callable[..., Any]) -> None:
    """Remove a provider (for tests)."""
    if fn in _PROVIDERS:
        _PROVIDERS.remove(fn)


def person_sections(*, request: HttpRequest, person: Any, level: Level) -> list[PersonSection]:
    """The sections every registered module shows for this person and viewer, in order."""
    sections = []
    for provider in list(_PROVIDERS):
        section = provider(request=request, person=person, level=level)
        if section is not None:
            sections.append(section)
    return sorted(sections, key=lambda s: (s.order, s.title))

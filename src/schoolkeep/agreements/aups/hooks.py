"""The section "Acceptable use policies" on a person's page: the person's signatures, shown
to members who see every AUP record, and to the person themself."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from schoolkeep.agreements.aups.selectors import person_signatures
from schoolkeep.people.sections import PersonSection, register_person_section
from schoolkeep.people.visibility import Level


def aup_signatures_section(*, request: HttpRequest, person: Any,
                           level: Level) -> PersonSection | None:
    access = getattr(request, "access", None)
    records = access is not None and access.can("aups.records")
    own = person.user_id is not None and person.user_id == getattr(request.user, "pk", None)
    if not (records or own):
        return None
    return PersonSection(title="Acceptable use policies",
                         template_name="agreements/signature_section.html",
                         context={"aup_signatures": person_signatures(person=person)},
                         order=30, key="aup-signatures")


def register() -> None:
    register_person_section(aup_signatures_section)

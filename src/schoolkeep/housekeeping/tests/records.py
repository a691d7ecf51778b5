"""Records the housekeeping tests share (no tests here): people through the people
services, a member's person record linked to their account, and a launched campaign."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from schoolkeep.housekeeping.campaigns.services import DEFAULT_CHECKLIST, campaign_launch
from schoolkeep.housekeeping.models import Campaign
from schoolkeep.people.models import Person
from schoolkeep.people.services import person_create
from schoolkeep.tenancy.models import School


def make_person(school: School, name: str, kind: str = "teaching", *, user: Any = None,
                email: str | None = None, **fields: Any) -> Person:
    address = f"{name.split()[0].lower()}@example.org" if email is None else email
    person = person_create(school=school, actor=None, full_name=name, kind=kind,
                           email=address, **fields)
    if user is not None:
        Person.objects.filter(pk=person.pk).update(user=user)
        person.refresh_from_db()
    return person


def launch(school: School, *, actor: Any = None, days: int = 14, **fields: Any) -> Campaign:
    today = timezone.localdate()
    return campaign_launch(school=school, actor=actor, title="Digital housekeeping",
                           closes_on=today + timedelta(days=days), checklist=DEFAULT_CHECKLIST,
                           **fields)

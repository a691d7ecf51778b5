"""The demo's leaver past retention at Larkspur: the dry run would erase them, and only them
(whatever the day the demo is built)."""

from __future__ import annotations

from typing import Any

from schoolkeep.people.models import Person
from schoolkeep.privacy.erasure.runner import run_erasure


def test_the_dry_run_would_erase_larkspurs_leaver_past_retention(shared_demo: Any) -> None:
    larkspur = shared_demo.schools["larkspur"]
    report = run_erasure(larkspur, dry_run=True)
    people = [item for each in report.schools for item in each.due
              if item.model_label == "people.person"]
    assert len(people) == 1
    person = Person.objects.get(pk=people[0].pk)
    assert person.full_name == "Morwenna Tregothnan"
    assert people[0].description.startswith("A leaver who left on ")

"""The demo's requests at Larkspur: Ellie Morgan's marking laptop approved for the school
year, and her paper request awaiting Tom Whitfield's decision (his duty); building it again
adds nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from schoolkeep.duties.selectors import duties_for_school
from schoolkeep.tenancy.models import School
from schoolkeep.transfers.models import Removal
from schoolkeep.transfers.removals.demo import build_demo_removals
from schoolkeep.transfers.removals.duties import AWAITING

# Each test finds the demo built once (tests/fixtures_demo.py) and rolls back its own writes.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_demo")]


def test_the_demo_has_a_standing_laptop_and_a_request_awaiting_its_owner() -> None:
    larkspur = School.objects.get(slug="larkspur")
    removals = {r.form: r for r in Removal.objects.filter(school=larkspur)
                .select_related("person", "item", "asset__owner_person__user")}
    laptop, paper = removals[Removal.Form.DEVICE], removals[Removal.Form.PAPER]
    assert laptop.person.full_name == "Ellie Morgan" and laptop.standing
    assert laptop.status == Removal.Status.APPROVED
    assert laptop.item is not None and laptop.item.is_encrypted
    assert laptop.starts_on <= timezone.localdate() <= laptop.ends_on
    assert paper.status == Removal.Status.REQUESTED and paper.carried_how
    awaiting = [d for d in duties_for_school(larkspur, timezone.now())
                if d.key.startswith(AWAITING)]
    assert [d.owner_user_id for d in awaiting] == [paper.asset.owner_person.user_id]
    assert paper.asset.owner_person.full_name == "Tom Whitfield"

    class Context:
        schools = {"larkspur": larkspur}

    build_demo_removals(Context())  # type: ignore[arg-type]
    assert Removal.objects.filter(school=larkspur).count() == 2

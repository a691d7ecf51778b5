"""The inventory's duty (``equipment.unencrypted-personal-data``, the IT lead's) and measure
(``equipment.encrypted``): the same rule (personal data yes, not encrypted, still at the
school: not disposed of, lost or stolen; not known is neither), counts in one query for any
number of schools equal to the listed duties (the list bounded), titles naming nothing, due
on the day added and overdue after; and the demo's forty devices, which raise the duty twice
and build again to nothing new."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from tests.factories import SchoolFactory
from tests.personas import Personas

from schoolkeep.demo.builder import DemoContext
from schoolkeep.duties.registry import provider_for
from schoolkeep.duties.types import DUE, OVERDUE, DutyCounts
from schoolkeep.equipment.inventory import duties as duties_module
from schoolkeep.equipment.inventory import selectors, services
from schoolkeep.equipment.inventory.demo import DISPOSAL_SERIALS, build_demo_inventory
from schoolkeep.equipment.inventory.duties import KIND, TITLE, provider
from schoolkeep.equipment.inventory.measures import ENCRYPTED_KEY
from schoolkeep.equipment.inventory.measures import provider as measures
from schoolkeep.equipment.keys import serial_key
from schoolkeep.equipment.models import Item
from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def add(school: School, serial: str, **fields: Any) -> Item:
    fields.setdefault("kind", "laptop")
    return services.item_create(school=school, actor=None, serial_number=serial, **fields)


def every_case(school: School) -> list[Item]:
    """Two items raising the duty (one added yesterday), and one of each that does not."""
    raising = [add(school, "A1", personal_data=True, encryption="none", asset_tag="HP-1"),
               add(school, "A2", personal_data=True, encryption="unknown")]
    Item.objects.filter(pk=raising[0].pk).update(
        created_at=timezone.now() - timedelta(days=2))
    add(school, "B1", personal_data=True, encryption="bitlocker")
    add(school, "B2", personal_data=None, encryption="none")
    add(school, "B3", personal_data=False, encryption="none")
    disposed = add(school, "B4", personal_data=True, encryption="none")
    Item.objects.filter(pk=disposed.pk).update(status=Item.Status.DISPOSED)
    # Lost or stolen: no longer at the school, their incident follows them up.
    lost = add(school, "B5", personal_data=True, encryption="none", kind="usb_stick")
    services.item_mark_lost(item=lost, actor=None, stolen=False, note="Dropped in town.")
    stolen = add(school, "B6", personal_data=True, encryption="unknown")
    services.item_mark_lost(item=stolen, actor=None, stolen=True, note="Taken from a car.")
    return raising


def test_counts_in_one_query_equal_the_listed_duties(personas: Personas,
                                                     django_assert_num_queries) -> None:
    other = SchoolFactory(slug="elmwood")
    raising = every_case(personas.school)
    add(other, "C1", personal_data=True, encryption="none")
    now = timezone.now()
    horizon = now + timedelta(days=14)
    empty = SchoolFactory()
    with django_assert_num_queries(1):
        counts = provider.counts([personas.school.pk, other.pk, empty.pk],
                                 now=now, horizon=horizon)
    assert counts == {personas.school.pk: DutyCounts(due=1, overdue=1),
                      other.pk: DutyCounts(due=1)}
    with django_assert_num_queries(1):
        duties = provider.for_school(personas.school.pk, now=now, horizon=horizon)
    assert {duty.key for duty in duties} == {f"{KIND}:{item.public_id}" for item in raising}
    assert [duty.status for duty in duties].count(OVERDUE) == 1
    assert [duty.status for duty in duties].count(DUE) == 1
    for duty in duties:
        assert duty.title == TITLE and duty.owner_role == Role.IT_LEAD
        assert duty.url.startswith("/equipment/")
    assert "Laptop HP-1: holds personal data, not encrypted" in {d.subject for d in duties}


def test_lost_and_stolen_items_carry_no_unencrypted_flag(personas: Personas) -> None:
    lost = add(personas.school, "L1", personal_data=True, encryption="none")
    here = add(personas.school, "L2", personal_data=True, encryption="none")
    services.item_mark_lost(item=lost, actor=None, stolen=True, note="Taken from a car.")
    assert selectors.flags(Item.objects.get(pk=lost.pk)) == []
    assert selectors.flags(here) == [selectors.FLAG_WORDS[selectors.UNENCRYPTED]]
    flagged = selectors.item_list(school=personas.school, flag=selectors.UNENCRYPTED)
    assert list(flagged) == [here]


def test_the_list_of_duties_is_bounded(personas: Personas,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(3):
        add(personas.school, f"M{n}", personal_data=True, encryption="none")
    monkeypatch.setattr(duties_module, "LIMIT", 2)
    now = timezone.now()
    assert len(provider.for_school(personas.school.pk, now=now, horizon=now)) == 2
    assert provider.counts([personas.school.pk], now=now, horizon=now)[
        personas.school.pk].total == 3


def test_recording_the_encryption_clears_the_duty(personas: Personas) -> None:
    item = add(personas.school, "A1", personal_data=True, encryption="none")
    now = timezone.now()
    assert provider.counts([personas.school.pk], now=now, horizon=now)[
        personas.school.pk].total == 1
    services.item_update(item=item, actor=personas.it_lead, version=1, encryption="bitlocker")
    assert provider.counts([personas.school.pk], now=now, horizon=now) == {}
    assert provider_for("equipment") is provider


def test_the_measure_follows_the_duty_rule(personas: Personas,
                                           django_assert_num_queries) -> None:
    every_case(personas.school)
    empty = SchoolFactory()
    with django_assert_num_queries(1):
        figures = measures.figures([personas.school.pk, empty.pk],
                                   now=timezone.now())
    # Met: B1 (bitlocker); all: A1, A2 and B1; disposed, lost, stolen and not known left
    # out (the devices still at the school).
    assert figures == {personas.school.pk: {ENCRYPTED_KEY: (1, 3)}}
    assert {spec.area for spec in measures.specs} == {"transfers"}


@pytest.mark.usefixtures("shared_demo")  # built once: tests/fixtures_demo.py
def test_the_demo_devices() -> None:
    school = School.objects.get(slug="larkspur")
    items = list(Item.objects.filter(school=school).select_related("assigned_to"))
    assert len(items) == 40
    assert {item.kind for item in items} >= {"laptop", "desktop", "server", "tablet", "phone",
                                             "external_drive", "usb_stick", "backup_tape"}
    now = timezone.now()
    duties = provider.for_school(school.pk, now=now, horizon=now + timedelta(days=14))
    assert sorted(duty.subject for duty in duties) == [
        "External drive LS-X002: holds personal data, not encrypted",
        "Laptop LS-L012: holds personal data, not encrypted"]
    drives = [item for item in items if item.serial_key in map(serial_key, DISPOSAL_SERIALS)]
    assert len(drives) == 6
    assert all(item.status in (Item.Status.AWAITING_DISPOSAL, Item.Status.DISPOSED)
               for item in drives)
    ellie = [item for item in items if item.assigned_to is not None
             and item.assigned_to.full_name == "Ellie Morgan" and item.kind == "laptop"]
    assert len(ellie) == 1 and ellie[0].is_encrypted
    assert sum(1 for item in items if item.assigned_to is not None) >= 8
    assert all(item.systems.exists() for item in items if item.kind == "laptop")
    build_demo_inventory(DemoContext(schools={"larkspur": school}))
    assert Item.objects.filter(school=school).count() == 40

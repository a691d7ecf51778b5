"""Taking data off site in the demo (Larkspur, step "removals", order 395): Ellie Morgan's
marking laptop has a standing approval for this school year (from "Pupil information",
decided by its owner), and her request to take printed support plans to a meeting (from
"Special educational needs records") awaits its owner's decision, so that Tom Whitfield has
a ``removals.awaiting-approval`` duty. Both go through the services; the step does nothing
when Larkspur already has a request.

The laptop is the encrypted laptop the inventory step assigns to her; when the inventory
has none, the step adds it (through the inventory's service)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from schoolkeep.assets.models import Asset
from schoolkeep.demo.builder import DemoContext
from schoolkeep.equipment.models import Item
from schoolkeep.people.models import Person
from schoolkeep.transfers.models import Removal
from schoolkeep.transfers.removals.services import removal_decide, removal_request

SCHOOL = "larkspur"
ORDER = 395
TEACHER = "Ellie Morgan"
LAPTOP_SERIAL = "5CG2417MRK"


def _school_year(today: date) -> tuple[date, date]:
    first = today.year if today.month >= 9 else today.year - 1
    return date(first, 9, 1), date(first + 1, 8, 31)


def _laptop(school_id: int, teacher: Person) -> Item:
    found = [item for item in Item.objects.filter(
        school_id=school_id, kind=Item.Kind.LAPTOP, assigned_to=teacher,
        status=Item.Status.IN_USE).order_by("pk") if item.is_encrypted]
    if found:
        return found[0]
    from schoolkeep.equipment.inventory.services import item_create

    return item_create(
        school=teacher.school, actor=None, kind=Item.Kind.LAPTOP, make="HP",
        model_name="ProBook 450 G9", serial_number=LAPTOP_SERIAL, personal_data=True,
        encryption=Item.Encryption.BITLOCKER,
        encryption_verified_on=timezone.localdate() - timedelta(days=60),
        assigned_to=teacher, location="Year 4 classroom")


def build_demo_removals(ctx: DemoContext) -> None:
    school = ctx.schools[SCHOOL]
    if Removal.objects.filter(school=school).exists():
        return
    teacher = Person.objects.filter(school=school, full_name=TEACHER).first()
    assets = {asset.name: asset for asset in Asset.objects.filter(
        school=school, archived_at__isnull=True,
        name__in=["Pupil information", "Special educational needs records"])}
    if teacher is None or len(assets) < 2:  # pragma: no cover - earlier steps make them
        return
    today = timezone.localdate()
    starts_on, ends_on = _school_year(today)
    laptop = removal_request(
        school=school, actor=None, person=teacher, asset=assets["Pupil information"],
        form=Removal.Form.DEVICE, item=_laptop(school.pk, teacher),
        description="Marking laptop (Year 4)",
        reason="Marking and planning at home in the evenings.", standing=True,
        starts_on=starts_on, ends_on=ends_on, notify=False)
    removal_decide(removal=laptop, actor=None, approve=True,
                   note="Approved for the school year: keep it locked when not in use.")
    meeting = today + timedelta(days=2)
    removal_request(
        school=school, actor=None, person=teacher,
        asset=assets["Special educational needs records"], form=Removal.Form.PAPER,
        description="Printed support plans for two pupils",
        reason="The annual review meeting is held at the local authority's office.",
        carried_how="In a sealed envelope in a locked bag; straight to the meeting and back.",
        standing=False, starts_on=meeting, ends_on=meeting, notify=False)

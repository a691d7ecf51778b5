"""The duty ``disposals.without-certificate`` (IT lead; a disposed item holding or maybe
holding personal data with no matched certificate; due 30 days after collection), the
measure ``disposals.certified``, and the demo step (a batch whose certificate names all but
one drive)."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.duties.types import DUE, OVERDUE, DutyCounts
from schoolkeep.equipment.disposals import demo, duties, measures, services
from schoolkeep.equipment.models import Disposal, DisposalItem, Item
from schoolkeep.equipment.tests.test_disposal_helpers import (
    certificate_pdf,
    make_disposal,
    make_item,
    upload,
)
from schoolkeep.tenancy.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def uploads_dir(settings, tmp_path: Path) -> Path:
    settings.UPLOADS_DIR = tmp_path / "uploads"
    return settings.UPLOADS_DIR


def test_the_duty_counts_and_lists_agree(personas: Personas) -> None:
    now = timezone.now()
    horizon = now + timedelta(days=14)
    make_item(personas.school, "NOPD000001", personal_data=False)
    make_item(personas.school, "UNKNOWN001", personal_data=None)
    old = make_disposal(personas.school, ["OLDPD00001", "NOPD000001", "UNKNOWN001"],
                        days_ago=45)
    make_disposal(personas.school, ["SOON000001"], days_ago=20)  # due in 10 days
    make_disposal(personas.school, ["LATER00001"], days_ago=2)  # due after the horizon
    make_disposal(personas.other_school, ["OTHER00001"], days_ago=45)
    ids = [personas.school.pk, personas.other_school.pk]
    with CaptureQueriesContext(connection) as queries:
        counts = duties.provider.counts(ids, now=now, horizon=horizon)
    assert len(queries) == 1
    assert counts[personas.school.pk] == DutyCounts(due=1, overdue=2)
    assert counts[personas.other_school.pk] == DutyCounts(overdue=1)
    listed = duties.provider.for_school(personas.school.pk, now=now, horizon=horizon)
    assert sorted(d.status for d in listed) == [DUE, OVERDUE, OVERDUE]
    assert {d.owner_role for d in listed} == {Role.IT_LEAD}
    assert all(d.kind if hasattr(d, "kind") else d.key.startswith(duties.KIND) for d in listed)
    assert all("Desktop" not in d.title for d in listed)  # the subject names the item
    assert any("Desktop computer OLDPD00001" in d.subject for d in listed)
    # A matched certificate settles it.
    services.document_upload(disposal=old, actor=None, kind="certificate",
                             uploaded_file=upload(certificate_pdf(["OLDPD00001",
                                                                   "UNKNOWN001"])))
    assert duties.provider.counts(ids, now=now, horizon=horizon)[personas.school.pk] == (
        DutyCounts(due=1))


def test_the_measure_counts_certified_items_in_one_query(personas: Personas) -> None:
    make_item(personas.school, "NOPD000001", personal_data=False)
    disposal = make_disposal(personas.school, ["CERT000001", "CERT000002", "NOPD000001"])
    services.document_upload(disposal=disposal, actor=None, kind="certificate",
                             uploaded_file=upload(certificate_pdf(["CERT000001"])))
    with CaptureQueriesContext(connection) as queries:
        figures = measures.provider.figures([personas.school.pk, personas.other_school.pk],
                                            now=timezone.now())
    assert len(queries) == 1
    assert figures == {personas.school.pk: {measures.CERTIFIED: (1, 2)}}


def test_the_demo_step_makes_a_batch_matching_all_but_one(
        personas: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    serials = [f"DEMO{n:06d}X" for n in range(6)]
    for serial in serials:
        make_item(personas.school, serial)
    fake = ModuleType("schoolkeep.equipment.inventory.demo")
    fake.DISPOSAL_SERIALS = serials  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "schoolkeep.equipment.inventory.demo", fake)
    monkeypatch.setattr(demo, "SCHOOL", personas.school.slug)

    class Ctx:
        schools: dict[str, Any] = {personas.school.slug: personas.school}

    demo.build_demo_disposals(Ctx())  # type: ignore[arg-type]
    demo.build_demo_disposals(Ctx())  # type: ignore[arg-type]  # again: nothing new
    disposal = Disposal.objects.get()
    assert disposal.note_stored_name and disposal.certificate_has_text is True
    unmatched = DisposalItem.objects.filter(matched_by="").values_list("item__serial_number",
                                                                       flat=True)
    assert list(unmatched) == [serials[-1]]
    assert Item.objects.filter(status=Item.Status.DISPOSED).count() == 6
    counts = duties.provider.counts([personas.school.pk], now=timezone.now(),
                                    horizon=timezone.now() + timedelta(days=14))
    assert counts[personas.school.pk] == DutyCounts(overdue=1)

"""The destruction log's one service: what it checks, what it writes, what it audits."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.privacy.destruction.models import Destruction, DestructionMethod
from schoolkeep.privacy.destruction.services import destruction_record
from schoolkeep.privacy.schedule.models import RecordType, RetentionEvent


def record_type(**owner: object) -> RecordType:
    return RecordType.objects.create(name="Pupil records", event=RetentionEvent.LEAVING,
                                     years=6, **owner)


def good(personas: Personas, **changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "school": personas.school, "actor": personas.business_manager,
        "description": "Year 6 leavers' files, 2017", "method": DestructionMethod.SHREDDING,
        "destroyed_on": date(2026, 11, 2), "destroyed_by_label": "J. Smith",
        "witnessed_by_label": "A. Jones", "records_from": "2016-09-01",
        "records_to": "2017-07-20", "quantity": 3, "record_type": record_type()}
    values.update(changes)
    return values


def test_a_destruction_is_recorded_and_audited_without_names(personas: Personas) -> None:
    row = destruction_record(**good(personas))
    row.refresh_from_db()
    assert (row.quantity, row.records_from, row.recorded_by_label) == (
        3, date(2016, 9, 1), str(personas.business_manager))
    event = AuditEvent.objects.get(action="destructions.recorded")
    assert event.target_label == "Pupil records, destroyed 2 Nov 2026"
    assert event.changes["destroyed_by_label"]["after"] == "changed"
    assert event.changes["description"]["after"] == "changed"
    assert event.changes["quantity"]["after"] == 3
    assert "Smith" not in str(event.changes) and "Jones" not in str(event.changes)


@pytest.mark.parametrize(("changes", "field"), [
    ({"description": "  "}, "description"),
    ({"description": "x" * 301}, "description"),
    ({"method": "burning"}, "method"),
    ({"destroyed_on": None}, "destroyed_on"),
    ({"destroyed_on": "2026-02-30"}, "destroyed_on"),
    ({"destroyed_on": timezone.localdate() + timedelta(days=1)}, "destroyed_on"),
    ({"destroyed_by_label": ""}, "destroyed_by_label"),
    ({"quantity": 0}, "quantity"),
    ({"quantity": "many"}, "quantity"),
    ({"records_from": "2018-01-01"}, "records_from"),
    ({"records_to": "2026-12-01", "destroyed_on": "2026-11-02"}, "records_to"),
    ({"method": DestructionMethod.DISPOSAL_COMPANY}, "certificate_reference"),
    ({"source": "elsewhere"}, "source"),
])
def test_bad_input_names_the_field_and_writes_nothing(personas: Personas,
                                                      changes: dict[str, object],
                                                      field: str) -> None:
    with pytest.raises(DomainError) as caught:
        destruction_record(**good(personas, **changes))
    assert caught.value.field == field
    assert not Destruction.objects.exists()
    assert not AuditEvent.objects.filter(action="destructions.recorded").exists()


def test_another_schools_record_type_is_refused(personas: Personas) -> None:
    theirs = record_type(school=personas.other_school)
    with pytest.raises(DomainError) as caught:
        destruction_record(**good(personas, record_type=theirs))
    assert caught.value.field == "record_type"


def test_the_trusts_and_shipped_record_types_may_be_used(personas: Personas) -> None:
    trusts = record_type(organisation=personas.school.organisation)
    assert destruction_record(**good(personas, record_type=trusts)).record_type == trusts
    assert destruction_record(**good(personas)).record_type.school_id is None


def test_a_member_without_the_permission_is_refused(personas: Personas) -> None:
    with pytest.raises(NotAllowed):
        destruction_record(**good(personas, actor=personas.staff))
    with pytest.raises(NotAllowed):
        destruction_record(**good(personas, actor=personas.outsider))


def test_the_system_may_record(personas: Personas) -> None:
    row = destruction_record(**good(personas, actor=None, source="schoolkeep",
                                    method=DestructionMethod.SCHOOLKEEP_ERASURE))
    assert row.recorded_by_label == "system"

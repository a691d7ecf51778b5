"""Records the training rules' tests share, made directly (the courses and records have
their own services in another part; these tests are about the rules that read them)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from schoolkeep.people.models import Person
from schoolkeep.people.services import person_create
from schoolkeep.tenancy.models import School
from schoolkeep.training.models import Course, TrainingRecord


def make_person(school: School, name: str, kind: str = "teaching", **fields: Any) -> Person:
    return person_create(school=school, actor=None, full_name=name, kind=kind, **fields)


def make_course(school: School, name: str = "Cyber security training", *,
                topic: str = Course.Topic.CYBER, months: int = 12,
                catalogue_key: str = "") -> Course:
    return Course.objects.create(school=school, name=name, name_key=name.lower(), topic=topic,
                                 valid_for_months=months, catalogue_key=catalogue_key)


def make_record(person: Person, course: Course, completed_on: date, *,
                confirmed: bool = True, withdrawn: bool = False,
                certificate: bool = False) -> TrainingRecord:
    now = timezone.now()
    return TrainingRecord.objects.create(
        school_id=person.school_id, person=person, course=course, completed_on=completed_on,
        source=TrainingRecord.Source.ENTERED if confirmed else TrainingRecord.Source.SELF,
        confirmed_at=now if confirmed else None, withdrawn_at=now if withdrawn else None,
        withdrawn_reason="Entered by mistake" if withdrawn else "",
        certificate_stored_name="certificate-abc.pdf" if certificate else "",
        certificate_original_name="certificate.pdf" if certificate else "",
        recorded_by_label="Test")

"""The demo's training at Larkspur (order 420, after its people), through the services:

- the usual courses (the NCSC's cyber security training, data protection, safeguarding);
- most staff who use the network have done the NCSC's training this year; Tom Whitfield's
  and Mateo Silva's are more than a year old, so expired;
- Martin Hughes, the chair of governors, is trained (the DfE asks for at least one governor);
- Daniel Price, a teaching assistant who started ten days ago, is not trained yet: he is
  still within the induction period;
- Ellie Morgan recorded her cyber training herself three days ago: it awaits the business
  manager's confirmation (``training_confirm.unconfirmed``);
- a safeguarding session for the teaching staff forty days ago, and data protection for the
  office (Sofia Novak's has expired).

Running the step again changes nothing: a school with training records gets no more.
People are fictional.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from schoolkeep.demo.builder import DemoContext
from schoolkeep.lib.text import fold
from schoolkeep.people.models import Person
from schoolkeep.training.defaults import ensure_default_courses
from schoolkeep.training.models import Course, TrainingRecord
from schoolkeep.training.records.services import (
    own_record_create,
    record_create,
    session_record,
)

SCHOOL = "larkspur"
# (name, course's catalogue key, days ago)
RECORDS = [
    ("Amara Osei", "ncsc_cyber", 200),
    ("Sofia Novak", "ncsc_cyber", 120),
    ("Hannah Brooks", "ncsc_cyber", 60),
    ("Grace Adeyemi", "ncsc_cyber", 30),
    ("Peter Gray", "ncsc_cyber", 250),
    ("Leah Turner", "ncsc_cyber", 90),
    ("Tom Whitfield", "ncsc_cyber", 420),
    ("Mateo Silva", "ncsc_cyber", 500),
    ("Martin Hughes", "ncsc_cyber", 150),
    ("Grace Adeyemi", "data_protection", 200),
    ("Sofia Novak", "data_protection", 800),
]
SESSION = ("safeguarding", 40, ["Amara Osei", "Hannah Brooks", "Ellie Morgan",
                                "Tom Whitfield", "Mateo Silva"])
SELF_RECORDED = ("Ellie Morgan", "ncsc_cyber", 3)


def build_demo_training(ctx: DemoContext) -> None:
    school = ctx.schools.get(SCHOOL)
    if school is None:
        return
    ensure_default_courses(school)
    if TrainingRecord.objects.filter(school=school).exists():
        return
    courses = {course.catalogue_key: course for course in Course.objects.filter(
        school=school, archived_at__isnull=True).exclude(catalogue_key="")}
    people = {person.name_key: person for person in Person.objects.filter(school=school)}
    today = timezone.localdate()

    def person(name: str) -> Person | None:
        return people.get(fold(name))

    for name, key, days in RECORDS:
        found = person(name)
        day = today - timedelta(days=days)
        if found is None or key not in courses or (
                found.leaving_date is not None and found.leaving_date < day):
            continue
        record_create(school=school, actor=None, person=found, course=courses[key],
                      completed_on=day)
    key, days, names = SESSION
    day = today - timedelta(days=days)
    attended = [p for p in map(person, names)
                if p is not None and (p.leaving_date is None or p.leaving_date >= day)]
    if attended and key in courses:
        session_record(school=school, actor=None, course=courses[key], completed_on=day,
                       people=attended, notes="Whole-staff INSET, led by the DSL")
    name, key, days = SELF_RECORDED
    found = person(name)
    if found is not None and key in courses:
        own_record_create(school=school, actor=None, person=found, course=courses[key],
                          completed_on=today - timedelta(days=days))

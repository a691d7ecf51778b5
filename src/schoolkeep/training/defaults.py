"""The usual courses a school starts with, and the one call that adds those it lacks.

``catalogue_key`` ties a school's course to its default here: the training rules look for the
NCSC's cyber security training by the key "ncsc_cyber", whatever the school named it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from schoolkeep.audit.services import audit_record_many, diff
from schoolkeep.lib.text import fold
from schoolkeep.training.models import Course


@dataclass(frozen=True)
class DefaultCourse:
    catalogue_key: str
    name: str
    topic: str
    provider: str
    link: str
    valid_for_months: int
    description: str


DEFAULT_COURSES: list[DefaultCourse] = [
    DefaultCourse(
        catalogue_key="ncsc_cyber",
        name="Cyber security training for school staff",
        topic=Course.Topic.CYBER,
        provider="NCSC",
        link="https://www.ncsc.gov.uk/information/cyber-security-training-schools",
        valid_for_months=12,
        description="The National Cyber Security Centre's free training for everyone who "
        "works in a school: phishing, passwords, devices and reporting.",
    ),
    DefaultCourse(
        catalogue_key="data_protection",
        name="Data protection (UK GDPR) awareness",
        topic=Course.Topic.DATA_PROTECTION,
        provider="",
        link="",
        valid_for_months=24,
        description="How the school keeps personal data safe and what to do when "
        "something goes wrong.",
    ),
    DefaultCourse(
        catalogue_key="safeguarding",
        name="Safeguarding and child protection",
        topic=Course.Topic.SAFEGUARDING,
        provider="",
        link="",
        valid_for_months=12,
        description="The yearly safeguarding update, including online safety.",
    ),
]

COURSE_FIELDS = [
    "name",
    "topic",
    "catalogue_key",
    "provider",
    "link",
    "description",
    "valid_for_months",
]


def ensure_default_courses(school: Any, *, actor: Any = None) -> int:
    """Add to ``school`` each default course it has no open course for (by catalogue key or
    by name). Running it again adds nothing. Returns how many were added."""
    existing = Course.objects.filter(school=school, archived_at__isnull=True).values_list(
        "catalogue_key", "name_key"
    )
    keys: set[str] = set()
    names: set[str] = set()
    for key, name_key in existing:
        keys.add(key)
        names.add(name_key)
    new = [
        Course(
            school=school,
            name=default.name,
            name_key=fold(default.name),
            topic=default.topic,
            catalogue_key=default.catalogue_key,
            provider=default.provider,
            link=default.link,
            description=default.description,
            valid_for_months=default.valid_for_months,
        )
        for default in DEFAULT_COURSES
        if default.catalogue_key not in keys and fold(default.name) not in names
    ]
    if not new:
        return 0
    try:
        with transaction.atomic():
            Course.objects.bulk_create(new)
            audit_record_many(
                [
                    {
                        "action": "training.course.created",
                        "school": school,
                        "actor": actor,
                        "target": course,
                        "changes": diff(
                            None, {name: getattr(course, name) for name in COURSE_FIELDS}
                        ),
                    }
                    for course in new
                ]
            )
    except IntegrityError:
        # Someone added the same course at the same moment: theirs stands.
        return 0
    return len(new)

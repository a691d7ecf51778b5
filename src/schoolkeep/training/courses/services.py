"""Writes of courses: add one, change one, archive one. Pages, the API and the demo call
these; each runs in one transaction, checks that the acting member may manage training, and
audits the course.

Rules: an open course's name is unique in its school (compared case- and space-blind); a
course is archived rather than deleted, so the records made against it keep their course.
An archived course takes no new records and frees its name.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from schoolkeep.audit.services import audit_record, diff, snapshot
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.stale import stale_error
from schoolkeep.lib.text import fold, tidy
from schoolkeep.lib.validation import full_clean_or_error
from schoolkeep.tenancy.guards import require_permission
from schoolkeep.tenancy.models import School
from schoolkeep.training.defaults import COURSE_FIELDS, ensure_default_courses
from schoolkeep.training.models import Course

ACTION_LABELS = {
    "training.course.created": "Training course added",
    "training.course.updated": "Training course changed",
    "training.course.archived": "Training course archived",
}

EDITABLE = ("name", "topic", "provider", "link", "description", "valid_for_months")


def require_manager(*, school: School | int, actor: Any) -> None:
    require_permission(school=school, actor=actor, permission="training.manage",
                       message="You may not change this school's training.")


def _text(name: str, value: Any, limit: int, *, line: bool = True) -> str:
    text = tidy(str(value or "")) if line else str(value or "").strip()
    if len(text) > limit:
        raise DomainError(f"Keep this to {limit} characters.", field=name)
    return text


def _apply(course: Course, values: dict[str, Any]) -> None:
    if "name" in values:
        course.name = _text("name", values["name"], 200)
        if not course.name:
            raise DomainError("Enter the course's name.", field="name")
        course.name_key = fold(course.name)
    if "topic" in values:
        if values["topic"] not in Course.Topic.values:
            raise DomainError("Choose the course's topic.", field="topic")
        course.topic = values["topic"]
    if "provider" in values:
        course.provider = _text("provider", values["provider"], 200)
    if "link" in values:
        course.link = _text("link", values["link"], 200)
    if "description" in values:
        course.description = _text("description", values["description"], 2000, line=False)
    if "valid_for_months" in values:
        months = values["valid_for_months"]
        if months in (None, ""):
            raise DomainError("Enter how many months the course stays valid.",
                              field="valid_for_months")
        try:
            course.valid_for_months = int(months)
        except (TypeError, ValueError):
            raise DomainError("Enter a whole number of months, such as 12.",
                              field="valid_for_months") from None
        if not 1 <= course.valid_for_months <= 120:
            raise DomainError("Enter a number of months from 1 to 120.",
                              field="valid_for_months")


def _save(course: Course) -> None:
    full_clean_or_error(course, exclude=["school", "name_key", "catalogue_key"])
    clash = Course.objects.filter(school_id=course.school_id, name_key=course.name_key,
                                  archived_at__isnull=True).exclude(pk=course.pk).exists()
    if clash:
        raise DomainError("The school has a course of this name already.", field="name")
    try:
        with transaction.atomic():
            course.save()
    except IntegrityError:
        raise DomainError("The school has a course of this name already.",
                          field="name") from None


def course_create(*, school: School, actor: Any, name: str, topic: str,
                  valid_for_months: Any = 12, provider: str = "", link: str = "",
                  description: str = "") -> Course:
    """Add a course to the school's catalogue."""
    with transaction.atomic():
        require_manager(school=school, actor=actor)
        course = Course(school=school)
        _apply(course, {"name": name, "topic": topic, "provider": provider, "link": link,
                        "description": description, "valid_for_months": valid_for_months})
        _save(course)
        audit_record(action="training.course.created", school=school, actor=actor,
                     target=course, changes=diff(None, snapshot(course, COURSE_FIELDS)))
    return course


def course_update(*, course: Course, actor: Any, version: int, **values: Any) -> Course:
    """Change the fields given (of ``EDITABLE``); ``version`` is the one the change was
    made from (a newer one: StaleVersion)."""
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise DomainError("This field cannot be changed.", field=sorted(unknown)[0])
    with transaction.atomic():
        require_manager(school=course.school_id, actor=actor)
        current = Course.objects.select_for_update().get(pk=course.pk)
        if current.archived_at is not None:
            raise DomainError("This course is archived: it cannot be changed.")
        if current.version != version:
            raise stale_error(school=current.school_id, target=current, what="this course")
        if current.catalogue_key and values.get("topic", current.topic) != current.topic:
            # The rules find a catalogue course by its key and its topic: both must hold.
            raise DomainError(f"{current.name} is from the catalogue: its topic cannot be "
                              "changed. Add a course of your own instead.", field="topic")
        before = snapshot(current, COURSE_FIELDS)
        _apply(current, values)
        changes = diff(before, snapshot(current, COURSE_FIELDS))
        if changes:
            current.version += 1
            _save(current)
            audit_record(action="training.course.updated", school=current.school_id,
                         actor=actor, target=current, changes=changes)
    course.__dict__.update({k: v for k, v in current.__dict__.items() if k != "_state"})
    return course


def course_archive(*, course: Course, actor: Any) -> Course:
    """Take the course out of use: it keeps its records, takes no new ones."""
    with transaction.atomic():
        require_manager(school=course.school_id, actor=actor)
        current = Course.objects.select_for_update().get(pk=course.pk)
        if current.archived_at is not None:
            raise DomainError("This course is archived already.")
        current.archived_at = timezone.now()
        current.version += 1
        current.save(update_fields=["archived_at", "version", "updated_at"])
        audit_record(action="training.course.archived", school=current.school_id,
                     actor=actor, target=current,
                     changes={"archived": {"before": False, "after": True}})
    course.__dict__.update({k: v for k, v in current.__dict__.items() if k != "_state"})
    return course


def usual_courses_add(*, school: School, actor: Any) -> int:
    """Add the default courses the school lacks (the course list's button)."""
    with transaction.atomic():
        require_manager(school=school, actor=actor)
        return ensure_default_courses(school, actor=actor)

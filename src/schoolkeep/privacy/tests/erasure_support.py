"""Shared makers for the erasure tests: leavers written through the people services."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from schoolkeep.people import services as people
from schoolkeep.people.models import Person, PersonKind
from schoolkeep.privacy.erasure import registry


@pytest.fixture
def only_people(monkeypatch: pytest.MonkeyPatch) -> None:
    """The runner's tests test the framework with the people provider alone (the other
    apps' providers have their own tests, and the no-trace test runs them all)."""
    monkeypatch.setattr(registry, "_providers", {"people": registry.provider("people")})


PDF_BYTES = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"


def years_ago(years: int, **more: int) -> date:
    return timezone.localdate() - relativedelta(years=years, **more)


def make_leaver(school: Any, *, name: str = "Bartholomew Quince", left: date | None = None,
                email: str = "", dob: date | None = None, actor: Any = None) -> Person:
    """A leaver who left ``left`` (default: eight years ago, past the six-year period)."""
    left = left or years_ago(8)
    fields: dict[str, Any] = {"leaving_date": left, "start_date": left - relativedelta(years=3),
                              "job_title": "Teaching assistant"}
    if email:
        fields["email"] = email
    if dob:
        fields["date_of_birth"] = dob
    return people.person_create(school=school, actor=actor, full_name=name,
                                kind=PersonKind.SUPPORT, **fields)


def add_dbs(person: Person, *, number: str = "001234567890", actor: Any = None,
            copy_name: str = "dbs.pdf", copy_bytes: bytes = PDF_BYTES) -> Any:
    """A done enhanced DBS check with its certificate number and an uploaded copy."""
    check = people.check_save(person=person, actor=actor, check_type="enhanced_dbs",
                              status="done", done_on=person.start_date,
                              checked_by="R. Office", dbs_certificate_number=number,
                              dbs_issued_on=person.start_date, dbs_with_barred_list=True)
    copy = people.copy_upload(check=check, actor=actor,
                              uploaded_file=SimpleUploadedFile(copy_name, copy_bytes))
    return check, copy

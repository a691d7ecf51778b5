"""The demo's people: each duty of the record shows at the first demo school, accounts are
linked, and building again changes nothing."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from schoolkeep.accounts.models import User
from schoolkeep.duties.selectors import duties_for_school
from schoolkeep.duties.types import HORIZON, DutyCounts
from schoolkeep.people.demo import certificate_pdf
from schoolkeep.people.duties import delete_due_copies, provider
from schoolkeep.people.models import CertificateCopy, Check, Person
from schoolkeep.people.services import copy_path
from schoolkeep.tenancy.models import School

# Each test finds the demo built (tests/fixtures_demo.py) and rolls back its own writes.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_demo")]

PEOPLE_DUTIES = {
    "people.check-missing", "people.right-to-work-expiring", "people.update-service-due",
    "people.agency-confirmation", "people.certificate-copy-due",
}


def build() -> None:
    call_command("demo", "--no-logins", stdout=StringIO(), stderr=StringIO())


def people_duties(slug: str) -> list[Any]:
    school = School.objects.get(slug=slug)
    return [d for d in duties_for_school(school, timezone.now()) if d.module == "people"]


def test_the_first_demo_school_shows_each_duty_of_the_record():
    duties = people_duties("larkspur")
    by_kind = {d.key.split(":")[0]: d for d in duties}
    assert set(by_kind) == PEOPLE_DUTIES
    assert by_kind["people.check-missing"].subject == "Daniel Price"
    assert by_kind["people.right-to-work-expiring"].subject == "Mateo Silva"
    assert by_kind["people.update-service-due"].subject == "Hannah Brooks"
    assert by_kind["people.agency-confirmation"].subject == "Jordan Fraser"
    assert by_kind["people.certificate-copy-due"].subject == "Grace Adeyemi"
    hr_admin = User.objects.get(email="hr.admin@larkspur.example")
    assert all(d.owner_user_ids == (hr_admin.pk,) for d in duties)
    # Counts agree with the lists for both schools, and the second school's records are
    # complete.
    schools = list(School.objects.filter(slug__in=["larkspur", "marsh-lane"]))
    now = timezone.now()
    counts = provider.counts([s.pk for s in schools], now=now, horizon=now + HORIZON)
    for school in schools:
        listed = provider.for_school(school.pk, now=now, horizon=now + HORIZON)
        assert counts.get(school.pk, DutyCounts()).total == len(listed)
    assert people_duties("marsh-lane") == []


def test_demo_people_are_linked_to_the_demo_members_accounts():
    linked = dict(Person.objects.exclude(user=None).values_list("user__email", "full_name"))
    assert linked["siro@larkspur.example"] == "Amara Osei"
    assert linked["teacher@larkspur.example"] == "Ellie Morgan"
    assert linked["hr.admin@larkspur.example"] == "Sofia Novak"
    assert linked["siro@marshlane.example"] == "Jonathan Reid"
    for person in Person.objects.exclude(user=None).select_related("user"):
        assert person.full_name == person.user.full_name
        assert person.user.memberships.filter(school=person.school, is_active=True).exists()
    assert User.objects.filter(is_demo=True).count() == 15  # no account was added
    assert Person.objects.filter(school__slug="marsh-lane").exists()
    # The leaver of the people's demo, and the retention demo's leaver past the schedule's
    # period (whom `schoolkeep retention --dry-run` would erase).
    assert Person.objects.filter(leaving_date__isnull=False).count() == 2


def test_building_again_changes_nothing():
    before = (Person.objects.count(), Check.objects.count(), CertificateCopy.objects.count())
    build()
    assert (Person.objects.count(), Check.objects.count(),
            CertificateCopy.objects.count()) == before


def test_the_demo_copy_is_a_real_pdf_that_the_tick_deletes(django_capture_on_commit_callbacks):
    copy = CertificateCopy.objects.get()
    data = copy_path(copy).read_bytes()
    assert data == certificate_pdf()
    assert copy.content_type == "application/pdf" and copy.size == len(data)
    assert data.startswith(b"%PDF-1.4\n") and data.endswith(b"%%EOF\n")
    # The cross-reference table is where the trailer says, and each object where it says.
    start = int(re.search(rb"startxref\n(\d+)\n", data).group(1))  # type: ignore[union-attr]
    assert data[start:].startswith(b"xref\n0 6\n")
    offsets = [int(o) for o in re.findall(rb"(\d{10}) 00000 n", data)]
    assert [data[o:].split(b" ", 1)[0] for o in offsets] == [b"1", b"2", b"3", b"4", b"5"]
    assert copy.delete_after < timezone.now()
    with django_capture_on_commit_callbacks(execute=True):  # the file goes on commit
        assert delete_due_copies(timezone.now()) == 1
    assert not copy_path(copy).exists()
    assert "people.certificate-copy-due" not in {
        d.key.split(":")[0] for d in people_duties("larkspur")}

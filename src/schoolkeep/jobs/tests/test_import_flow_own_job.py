"""Issue 12, finding 7, in depth: an import's pages (preview, confirm, report) serve a job
only while its maker still holds the permission that made it, as the job's own page does.

Each import's page also asks for its permission (``people.manage`` for the people import),
so through the pages a member who lost it is refused by the page's decorator first; the
tests of ``own_job`` itself show it refuses on its own, for any page that forgets to ask."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse

from schoolkeep.jobs.models import Job
from schoolkeep.jobs.selectors import own_job
from schoolkeep.jobs.services import job_create
from schoolkeep.jobs.tests.test_job_permission import check_people_file
from schoolkeep.people.imports.tasks import CHECK_KIND
from schoolkeep.tenancy.access import SchoolAccess
from schoolkeep.tenancy.models import Membership
from schoolkeep.tenancy.services import membership_set_roles

pytestmark = pytest.mark.django_db


def request_as(user, school, roles: set[str]):
    request = RequestFactory().get("/")
    request.user = user
    request.school = school
    request.access = SchoolAccess(school=school, roles=frozenset(roles))
    return request


def check_job(personas, permission: str = "people.manage") -> Job:
    return job_create(school=personas.school, actor=personas.hr_admin, kind=CHECK_KIND,
                      title="Checking people.csv", permission=permission)


def test_own_job_serves_its_maker_who_holds_the_permission(personas):
    job = check_job(personas)
    request = request_as(personas.hr_admin, personas.school, {"hr_admin"})
    assert own_job(request, job.public_id, CHECK_KIND) == job


def test_own_job_refuses_its_maker_once_they_lost_the_permission(personas):
    job = check_job(personas)
    request = request_as(personas.hr_admin, personas.school, {"staff"})
    with pytest.raises(PermissionDenied):
        own_job(request, job.public_id, CHECK_KIND)


def test_own_job_refuses_a_job_without_a_known_permission(personas):
    job = check_job(personas)
    Job.objects.filter(pk=job.pk).update(permission="")  # stored before jobs named one
    request = request_as(personas.hr_admin, personas.school, {"hr_admin"})
    with pytest.raises(PermissionDenied):
        own_job(request, job.public_id, CHECK_KIND)


def test_another_members_job_is_still_a_404_even_to_a_holder(personas):
    job = check_job(personas)
    request = request_as(personas.siro, personas.school, {"siro", "hr_admin"})
    with pytest.raises(Http404):
        own_job(request, job.public_id, CHECK_KIND)


def test_the_people_import_preview_is_refused_once_its_maker_is_staff(
        personas, login, django_capture_on_commit_callbacks):
    client = login(personas.hr_admin)
    job = check_people_file(client, personas.hr_admin, django_capture_on_commit_callbacks)
    preview = reverse("people:import-preview", args=[job.public_id])
    confirm = reverse("people:import-confirm", args=[job.public_id])
    assert client.get(preview).status_code == 200
    membership = Membership.objects.get(user=personas.hr_admin, school=personas.school)
    membership_set_roles(membership=membership, roles=["staff"], actor=personas.siro)
    assert client.get(preview).status_code == 403
    assert client.post(confirm).status_code == 403
    assert Job.objects.filter(created_by=personas.hr_admin).count() == 1  # nothing started

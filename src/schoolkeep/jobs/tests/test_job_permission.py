"""Issue 12, finding 7: a job's result (its page and its file) is served only while its maker
still holds the permission that made it. The HR administrator's export of the record, with
DBS certificate numbers, is refused (403) once they are plain staff."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from tests.factories import PASSWORD

from schoolkeep.incidents.exports.log import LogFilters, breach_log_export_start
from schoolkeep.jobs.models import Job
from schoolkeep.jobs.services import job_create, job_finish
from schoolkeep.people.imports.tasks import CHECK_KIND
from schoolkeep.people.tests.test_record import CERTIFICATE, complete_employee
from schoolkeep.tenancy.models import Membership
from schoolkeep.tenancy.services import membership_set_roles

EXPORT = "/people/record/export/"


def export_record(client, user, capture) -> Job:
    """The record exported as a spreadsheet through its page, as its member does."""
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    with capture(execute=True):
        response = client.post(EXPORT, {"format": "xlsx"})
    job = Job.objects.get(created_by=user)
    assert response["Location"] == reverse("jobs:job-detail", args=[job.public_id])
    assert job.status == Job.Status.DONE
    return job


def check_people_file(client, user, capture) -> Job:
    """A one-row people file uploaded through the people import's page: its check job."""
    upload = SimpleUploadedFile("people.csv", b"Full name,Kind\nAda,Support staff\n",
                                content_type="text/csv")
    with capture(execute=True):
        client.post(reverse("people:import-upload"), {"file": upload})
    return Job.objects.get(created_by=user, kind=CHECK_KIND)


def urls(job: Job) -> tuple[str, str]:
    return (reverse("jobs:job-detail", args=[job.public_id]),
            reverse("jobs:job-download", args=[job.public_id]))


def set_roles(personas, name: str, roles: list[str]) -> None:
    membership = Membership.objects.get(user=getattr(personas, name), school=personas.school)
    membership_set_roles(membership=membership, roles=roles, actor=personas.siro)


def test_the_export_is_refused_once_its_maker_is_changed_to_staff(
        personas, login, django_capture_on_commit_callbacks):
    complete_employee(personas.school, "Ada Complete")
    client = login(personas.hr_admin)
    job = export_record(client, personas.hr_admin, django_capture_on_commit_callbacks)
    assert job.permission == "scr.sensitive.view"  # the file holds DBS numbers
    page, download = urls(job)
    assert client.get(page).status_code == 200
    content = b"".join(client.get(download).streaming_content)
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    assert any(CERTIFICATE in str(cell) for row in sheet.iter_rows(values_only=True)
               for cell in row)

    set_roles(personas, "hr_admin", ["staff"])
    assert client.get(reverse("people:record")).status_code == 403  # as the review saw
    assert client.get(page).status_code == 403
    assert client.get(download).status_code == 403

    # The permission decides, not a one-way revocation: given the role back, it is theirs.
    set_roles(personas, "hr_admin", ["hr_admin"])
    assert client.get(download).status_code == 200


def test_a_role_that_keeps_the_permission_keeps_the_file(
        personas, login, django_capture_on_commit_callbacks):
    """From HR administrator to designated safeguarding lead: still sees DBS numbers."""
    client = login(personas.hr_admin)
    job = export_record(client, personas.hr_admin, django_capture_on_commit_callbacks)
    set_roles(personas, "hr_admin", ["dsl"])
    assert all(client.get(url).status_code == 200 for url in urls(job))


def test_an_export_without_sensitive_fields_needs_only_the_record(
        personas, login, django_capture_on_commit_callbacks):
    """The trust administrator's export has no sensitive fields: it needs scr.view."""
    client = login(personas.trust_admin)
    job = export_record(client, personas.trust_admin, django_capture_on_commit_callbacks)
    assert job.permission == "scr.view"
    assert all(client.get(url).status_code == 200 for url in urls(job))


def test_the_breach_log_export_needs_incidents_view(personas, login):
    job = breach_log_export_start(school=personas.school, actor=personas.dpo, fmt="csv",
                                  filters=LogFilters())
    assert job.permission == "incidents.view"
    job_finish(job, content=b"a\n", filename="log.csv", content_type="text/csv")
    client = login(personas.dpo)
    assert client.get(urls(job)[1]).status_code == 200
    set_roles(personas, "dpo", ["governor"])
    assert client.get(urls(job)[1]).status_code == 403


def test_an_import_check_job_needs_the_imports_permission(
        personas, login, django_capture_on_commit_callbacks):
    client = login(personas.hr_admin)
    job = check_people_file(client, personas.hr_admin, django_capture_on_commit_callbacks)
    assert job.permission == "people.manage"
    assert client.get(urls(job)[0]).status_code == 200
    set_roles(personas, "hr_admin", ["staff"])
    assert client.get(urls(job)[0]).status_code == 403


def test_a_job_names_a_known_permission(personas):
    with pytest.raises(ValueError, match="known permission"):
        job_create(school=personas.school, actor=personas.siro, kind="test", title="x",
                   permission="no.such.permission")
    with pytest.raises(TypeError):
        job_create(school=personas.school, actor=personas.siro, kind="test",  # type: ignore[call-arg]
                   title="x")


def test_a_job_stored_before_jobs_named_their_permission_is_refused(personas, login):
    """Rows migrated from before the field have none: refused, even to their maker."""
    job = job_create(school=personas.school, actor=personas.siro, kind="test", title="Old",
                     permission="school.view")
    job_finish(job, content=b"x", filename="x.csv", content_type="text/csv")
    Job.objects.filter(pk=job.pk).update(permission="")
    client = login(personas.siro)
    assert all(client.get(url).status_code == 403 for url in urls(job))


def test_another_members_job_is_still_a_404(personas, login):
    job = job_create(school=personas.school, actor=personas.hr_admin, kind="test",
                     title="Export", permission="school.view")
    client = login(personas.siro)  # holds the permission, but it is not their job
    assert all(client.get(url).status_code == 404 for url in urls(job))

"""Finding a job for the member who asks for it: the job's own page and file, and the import
pages (preview, confirm, report) answer the same way."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404

from schoolkeep.jobs.models import Job
from schoolkeep.jobs.services import job_result_allowed
from schoolkeep.tenancy.http import SchoolRequest
from schoolkeep.tenancy.selectors import get_for_school_or_404


def own_job(request: SchoolRequest, public_id: UUID | str, kind: str | None = None) -> Job:
    """The user's own job at this school, of this ``kind`` when one is given (else a 404, as
    if it did not exist), while they still hold the permission that made it (else a 403).
    Each import's page asks for that permission too: this holds even where one forgets to."""
    job = get_for_school_or_404(Job, school=request.school, public_id=public_id)
    if job.created_by_id != request.user.pk or (kind is not None and job.kind != kind):
        raise Http404("Not found")
    if not job_result_allowed(job, request.access):
        raise PermissionDenied
    return job

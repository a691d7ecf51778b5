"""A job's page (progress, then the result) and its file. Only whoever started it sees it
(another member: 404, as if it did not exist), and only while they still hold the permission
that made it (403, as for any permission they lack)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET

from schoolkeep.jobs.selectors import own_job
from schoolkeep.jobs.services import job_as_seen, job_file_path, job_mark_interrupted
from schoolkeep.lib import downloads
from schoolkeep.lib.downloads import download_response
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest


@school_view("school.view")
@require_GET
def job_detail(request: SchoolRequest, public_id: str) -> HttpResponse:
    job = own_job(request, public_id)
    job_mark_interrupted(job)  # a job whose worker died must not wait for ever
    return render(request, "jobs/job_detail.html",
                  {"job": job_as_seen(job), "page_title": job.title})


@school_view("school.view")
@require_GET
def job_download(request: SchoolRequest, public_id: str) -> HttpResponseBase:
    job = own_job(request, public_id)
    path = job_file_path(job)
    if path is None:
        raise Http404("This file is no longer available.")
    return download_response(path.open("rb"), name=job.filename,
                             content_type=job.content_type or downloads.UNKNOWN,
                             fallback="export")

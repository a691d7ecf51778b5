"""The two downloads of a DPIA (GET, ``dpias.view``): made while the member waits, a few
pages of one record."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpResponse
from django.views.decorators.http import require_GET

from schoolkeep.lib.downloads import download_response
from schoolkeep.privacy.dpias.exports.files import DOCX, PDF, dpia_download
from schoolkeep.privacy.dpias.models import Dpia
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest
from schoolkeep.tenancy.selectors import get_for_school_or_404


def _download(request: SchoolRequest, public_id: UUID, fmt: str) -> HttpResponse:
    dpia = get_for_school_or_404(
        Dpia.objects.select_related("school", "asset", "system"),
        school=request.school, public_id=public_id)
    content, content_type, filename = dpia_download(dpia=dpia, actor=request.user, fmt=fmt)
    return download_response(content, name=filename, content_type=content_type,
                             fallback="dpia")


@school_view("dpias.view")
@require_GET
def dpia_docx(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    return _download(request, public_id, DOCX)


@school_view("dpias.view")
@require_GET
def dpia_pdf(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    return _download(request, public_id, PDF)

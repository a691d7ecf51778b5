"""Pages of the policy document: what the generated Online Security Policy holds (read in
full on the page, Appendix 1 counted), the buttons that make it as a Word document or a PDF
(a background job; its page offers the file), and the button that sends it to the policy
register for a governor's approval (a background job too; its page links to the version)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from schoolkeep.compliance.policydoc import services
from schoolkeep.compliance.policydoc.document import policy_document
from schoolkeep.compliance.policydoc.forms import MakeForm
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest


@school_view(services.READ)
@require_GET
def policydoc(request: SchoolRequest) -> HttpResponse:
    doc = policy_document(request.school, today=timezone.localdate(), with_appendix=False)
    return render(request, "compliance/policydoc/page.html", {
        "page_title": "The school's Online Security Policy", "doc": doc,
        "can_manage": request.access.can(services.MANAGE),
        "can_send": services.may_send(school=request.school, access=request.access),
        "can_see_assets": request.access.can("assets.view"),
        "can_see_policies": request.access.can("policies.view")})


@school_view(services.READ)
@require_POST
def policydoc_make(request: SchoolRequest) -> HttpResponse:
    """Start the job that makes the document; its page shows when the file is ready."""
    form = MakeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a Word document or a PDF.")
        return redirect("compliance:policydoc")
    job = services.policydoc_make_start(school=request.school, actor=request.user,
                                        fmt=form.cleaned_data["format"])
    return redirect("jobs:job-detail", job.public_id)


@school_view(services.MANAGE)
@require_POST
def policydoc_send(request: SchoolRequest) -> HttpResponse:
    """Start the job that makes the PDF and sends it; its page links to the new version."""
    try:
        job = services.policydoc_send_start(school=request.school, actor=request.user)
    except NotAllowed:  # the policy register's own right is needed too: a refused write
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("compliance:policydoc")
    return redirect("jobs:job-detail", job.public_id)

"""Pages of the governor pack: the school's packs (and building this term's), one pack (its
progress while it is built, then the PDF to read and the Word document), its two files, and
the form recording that the governing body received it.

Reading needs ``compliance.view``. The files hold the term's breach figures, so opening them
also needs ``overview.breaches`` (the IT lead and the trust's administrator, who do not see
breach figures on the overview, do not see them here either). Building needs
``compliance.manage``; recording the receipt ``compliance.receive``.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolkeep.compliance.models import GovernorPack
from schoolkeep.compliance.pack import selectors, services, status
from schoolkeep.compliance.pack.forms import BuildForm, ReceivedForm
from schoolkeep.jobs.services import job_as_seen
from schoolkeep.lib.downloads import download_response
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.stale import refuse_stale
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted
from schoolkeep.tenancy.models import School

FILES_PERMISSION = "overview.breaches"


def buildable_terms(school: School, today: date) -> list[str]:
    """The terms a pack may be built for today: the term today is in (once it has started)
    and the one before it (unless it ended before the school started using Schoolkeep),
    newest first."""
    current = status.current_term(school, today)
    previous = status.term_by_label(school, services.previous_label(current))
    terms = [current.label] if current.starts_on <= today else []
    if previous is not None and previous.ends_on >= services.first_day(school):
        terms.append(previous.label)
    return terms


@school_view("compliance.view")
@require_GET
def pack_list(request: SchoolRequest) -> HttpResponse:
    today = timezone.localdate()
    can_manage = request.access.can("compliance.manage")
    terms = buildable_terms(request.school, today) if can_manage else []
    return render(request, "compliance/pack/pack_list.html", {
        "page_title": "Governor pack",
        "packs": [(pack, selectors.shown_status(pack))
                  for pack in selectors.pack_list(request.school)],
        "due": status.pack_dues([request.school.pk], today=today).get(request.school.pk),
        "form": BuildForm(terms=terms) if can_manage else None,
        "can_manage": can_manage})


@school_view("compliance.manage")
@require_POST
def pack_build(request: SchoolRequest) -> HttpResponse:
    form = BuildForm(request.POST, terms=buildable_terms(request.school, timezone.localdate()))
    if not form.is_valid():
        messages.error(request, "Choose the term of the pack.")
        return redirect("compliance:pack-list")
    try:
        pack = services.pack_request(school=request.school, actor=request.user,
                                     term=form.cleaned_data["term"] or None)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("compliance:pack-list")
    messages.success(request, f"The governor pack for {pack.term_label} is being built. The "
                              "governors are e-mailed when it is ready.")
    return redirect("compliance:pack-detail", public_id=pack.public_id)


@school_view("compliance.view")
@require_GET
def pack_detail(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    pack = selectors.pack_for_school_or_404(request.school, public_id)
    shown = selectors.shown_status(pack)
    return render(request, "compliance/pack/pack_detail.html", {
        "page_title": f"Governor pack, {pack.term_label}", "pack": pack, "shown": shown,
        "building": shown in (GovernorPack.Status.QUEUED, GovernorPack.Status.BUILDING),
        "job": job_as_seen(pack.job) if pack.job is not None else None,
        "frameworks": (pack.figures or {}).get("frameworks", []),
        "can_read_files": request.access.can(FILES_PERMISSION),
        "can_receive": request.access.can("compliance.receive")})


def _file(request: SchoolRequest, public_id: UUID, fmt: str) -> HttpResponseBase:
    pack = selectors.pack_for_school_or_404(request.school, public_id)
    if not request.access.can(FILES_PERMISSION):
        raise PermissionDenied
    try:
        handle = services.pack_open_file(pack=pack, actor=request.user, fmt=fmt)
    except DomainError:
        raise Http404("Not found") from None
    content_type = services.FORMATS[fmt][0]
    # A name of our making: nothing typed by anyone reaches the header.
    name = f"governor-pack-{request.school.slug}-{pack.term_label.lower().replace(' ', '-')}"
    return download_response(handle, name=name, content_type=content_type,
                             inline=fmt == "pdf")


@school_view("compliance.view")  # type: ignore[arg-type]  # a streamed file
@require_GET
def pack_pdf(request: SchoolRequest, public_id: UUID) -> HttpResponseBase:
    return _file(request, public_id, "pdf")


@school_view("compliance.view")  # type: ignore[arg-type]  # a streamed file
@require_GET
def pack_docx(request: SchoolRequest, public_id: UUID) -> HttpResponseBase:
    return _file(request, public_id, "docx")


@school_view("compliance.receive")
@require_http_methods(["GET", "POST"])
def pack_received(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    pack = selectors.pack_for_school_or_404(request.school, public_id)
    if selectors.shown_status(pack) != GovernorPack.Status.READY:
        messages.info(request, "The pack is not built yet: record its receipt once it is.")
        return redirect("compliance:pack-detail", public_id=pack.public_id)
    form = ReceivedForm(posted(request), initial={
        "version": pack.version, "received_on": pack.received_on or timezone.localdate(),
        "meeting": pack.received_meeting, "minute": pack.received_minute})
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            services.pack_mark_received(school=request.school, actor=request.user, pack=pack,
                                        received_on=form.cleaned_data["received_on"],
                                        meeting=form.cleaned_data["meeting"],
                                        minute=form.cleaned_data["minute"],
                                        version=form.cleaned_data["version"])
        except DomainError as exc:
            stale = refuse_stale(form, exc, school=request.school, target=pack,
                                 what="this governor pack")
        else:
            messages.success(request, f"The governing body's receipt of the {pack.term_label} "
                                      "pack is recorded.")
            return redirect("compliance:pack-detail", public_id=pack.public_id)
    return render(request, "compliance/pack/pack_received.html", {
        "page_title": "Record that the governing body received the pack", "pack": pack,
        "form": form, "stale": stale,
        "earliest": timezone.localdate(pack.built_at) if pack.built_at else None})

"""Pages that send an acceptable use policy to be signed: reminders in bulk, printed letters,
and one personal link for one signer, shown once."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from schoolkeep.agreements.aups.models import LISTED_AUDIENCES, Audience, Aup, Parent
from schoolkeep.agreements.signing.links import services
from schoolkeep.agreements.signing.links.forms import EMAIL, LettersForm, LinkCreateForm
from schoolkeep.agreements.signing.links.letters import qr_data_uri
from schoolkeep.agreements.signing.links.services import ROUTE_LABELS, Route
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.lib.forms import refuse_on_form
from schoolkeep.people.models import Person
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted
from schoolkeep.tenancy.selectors import get_for_school_or_404

ROWS_PER_PAGE = 50


def _listed_aup(request: SchoolRequest, public_id: UUID) -> Aup:
    """The school's AUP of an audience with a list of signers (visitors and pupils have
    none, so these pages do not exist for them)."""
    aup = get_for_school_or_404(Aup.objects.select_related("school"), school=request.school,
                                public_id=public_id)
    if aup.audience not in LISTED_AUDIENCES:
        raise Http404("Not found")
    return aup


def _signer(request: SchoolRequest, aup: Aup, signer_id: UUID) -> Person | Parent:
    model: Any = Parent if aup.audience == Audience.PARENTS else Person
    return get_for_school_or_404(model, school=request.school, public_id=signer_id)  # type: ignore[no-any-return]


@school_view("aups.manage")
@require_http_methods(["GET", "POST"])
def reminders(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    aup = _listed_aup(request, public_id)
    if request.method == "POST":
        try:
            job = services.reminders_send(aup=aup, actor=request.user)
        except NotAllowed:
            raise PermissionDenied from None
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("agreements:reminders", aup.public_id)
        return redirect("jobs:job-detail", job.public_id)
    plan = services.reminders_plan(aup=aup, today=timezone.localdate()) \
        if aup.is_published else None
    rows_to_show: Any = plan.rows if plan else []
    page = Paginator(rows_to_show, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [(row, ROUTE_LABELS[Route(row.route)], row.route != Route.SIGN_IN)
            for row in page.object_list]
    return render(request, "agreements/links_reminders.html", {
        "page_title": f"Reminders: {aup.title}", "aup": aup, "plan": plan, "page": page,
        "rows": rows, "Route": Route, "remind_days": services.REMIND_AGAIN_AFTER.days})


@school_view("aups.manage")
@require_http_methods(["GET", "POST"])
def letters(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    aup = _listed_aup(request, public_id)
    form = LettersForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            job = services.letters_create(aup=aup, actor=request.user,
                                          everyone=form.everyone())
        except DomainError as exc:
            refuse_on_form(form, exc, {"everyone": "who"})
        else:
            return redirect("jobs:job-detail", job.public_id)
    counts = services.letters_counts(aup=aup, today=timezone.localdate()) \
        if aup.is_published else None
    return render(request, "agreements/links_letters.html", {
        "page_title": f"Letters: {aup.title}", "aup": aup, "form": form, "counts": counts})


@school_view("aups.manage")
@require_http_methods(["GET", "POST"])
def link_create(request: SchoolRequest, public_id: UUID, signer_id: UUID) -> HttpResponse:
    aup = _listed_aup(request, public_id)
    signer = _signer(request, aup, signer_id)
    form = LinkCreateForm(posted(request), has_email=bool(signer.email))
    who: dict[str, Any] = {"parent" if isinstance(signer, Parent) else "person": signer}
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["how"] == EMAIL:
                services.link_send(aup=aup, actor=request.user, **who)
            else:
                link, token = services.link_issue(
                    aup=aup, actor=request.user, channel="letter", **who)
        except DomainError as exc:
            refuse_on_form(form, exc, {"channel": "how", "person": "how", "parent": "how"})
        else:
            if form.cleaned_data["how"] == EMAIL:
                messages.success(request, f"A new signing link was e-mailed to {signer}.")
                return redirect("agreements:reminders", aup.public_id)
            url = services.link_url(token)
            return render(request, "agreements/links_created.html", {
                "page_title": f"Signing link for {signer}", "aup": aup, "signer": signer,
                "url": url, "qr": qr_data_uri(url), "expires_at": link.expires_at})
    return render(request, "agreements/links_create.html", {
        "page_title": f"Make a signing link for {signer}", "aup": aup, "signer": signer,
        "form": form})

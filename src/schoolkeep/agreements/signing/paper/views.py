"""Recording a paper signature (with the form's scan) and downloading a scan.

The signer is chosen from the audience's list: a search box (GET) filters a page of radio
choices, so the page works for hundreds of people without JavaScript. Visitors and pupils
have no list: their name and details are typed from the form.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods

from schoolkeep.agreements.aups import audience
from schoolkeep.agreements.aups.models import (
    LISTED_AUDIENCES,
    Audience,
    Aup,
    AupVersion,
    Signature,
)
from schoolkeep.agreements.signing.paper import services
from schoolkeep.agreements.signing.paper.forms import PaperSignatureForm, SignerSearchForm
from schoolkeep.lib.downloads import download_response
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.forms import refuse_on_form
from schoolkeep.lib.text import fold
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted
from schoolkeep.tenancy.selectors import get_for_school_or_404

SIGNERS_PER_PAGE = 20
# Where the services' errors about the signer land on the form.
FIELD_FOR_ERROR = {"person": "signer", "parent": "signer", "user": "signer"}


def _signers(aup: Aup, search: str) -> Any:
    signers = audience.signers(aup=aup, today=timezone.localdate())
    if search:
        signers = signers.filter(name_key__contains=fold(search))
    return signers.order_by("name_key", "pk")


def _signer_label(signer: Any, aup: Aup) -> str:
    details = signer.classes if aup.audience == Audience.PARENTS else signer.job_title
    label = f"{signer.full_name}, {details}" if details else signer.full_name
    return f"{label} (has signed the current version)" if signer.has_signed else label


def _signer_page(request: SchoolRequest, aup: Aup, search: str) -> Page[Any] | None:
    if aup.audience not in LISTED_AUDIENCES:
        return None
    return Paginator(_signers(aup, search), SIGNERS_PER_PAGE).get_page(request.GET.get("page"))


def _chosen(aup: Aup, form: PaperSignatureForm,
            versions: dict[int, AupVersion]) -> dict[str, Any]:
    """The service's arguments from a valid form; the signer is looked up in the whole list
    of who must sign, not only the page shown."""
    data = dict(form.cleaned_data)
    data["aup_version"] = versions.get(data["aup_version"])
    data["scan_file"] = data.pop("scan")
    signer_id = data.pop("signer", None)
    if signer_id is not None:
        signer = _signers(aup, "").filter(public_id=signer_id).first()
        if signer is None:
            raise DomainError("Choose who signed the form from the list.", field="signer")
        data["parent" if aup.audience == Audience.PARENTS else "person"] = signer
    return data


@school_view("aups.manage")
@require_http_methods(["GET", "POST"])
def paper_create(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    aup = get_for_school_or_404(Aup, school=request.school, public_id=public_id)
    if not aup.is_published:
        messages.info(request, "Publish the policy before recording paper signatures of it.")
        return redirect("agreements:aup-detail", aup.public_id)
    search = SignerSearchForm(request.GET or None)
    query = search.cleaned_data.get("q", "") if search.is_valid() else ""
    page = _signer_page(request, aup, query)
    versions = {v.number: v for v in AupVersion.objects.filter(
        aup=aup, published_at__isnull=False).order_by("-number")}
    choices = [(str(s.public_id), _signer_label(s, aup)) for s in (page or [])]
    form = PaperSignatureForm(posted(request), request.FILES or None, audience=aup.audience,
                              versions=list(versions.values()), signer_choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            signature = services.paper_signature_record(
                aup=aup, actor=request.user, **_chosen(aup, form, versions))
        except DomainError as exc:
            refuse_on_form(form, exc, FIELD_FOR_ERROR)
        else:
            messages.success(request, f"The paper form signed by {signature.typed_name} is "
                                      "recorded.")
            return redirect("agreements:paper-create", aup.public_id)
    return render(request, "agreements/paper_form.html", {
        "page_title": f"Record a paper signature: {aup.title}", "aup": aup, "form": form,
        "search": search, "page": page, "searched": query,
        "query": urlencode({"q": query}) if query else ""})


@school_view("aups.records")  # type: ignore[arg-type]  # a streamed file, not HttpResponse
@require_GET
def scan_download(request: SchoolRequest, public_id: UUID) -> HttpResponseBase:
    signature = get_for_school_or_404(Signature, school=request.school, public_id=public_id)
    try:
        handle = services.scan_open(signature=signature, actor=request.user)
    except DomainError:
        raise Http404("Not found") from None
    # A name of our making: nothing typed by anyone reaches the header.
    name = (f"paper-signature-{timezone.localdate(signature.signed_at):%Y-%m-%d}-"
            f"{str(signature.public_id)[:8]}")
    return download_response(handle, name=name, content_type=signature.scan_content_type)

"""The reception kiosk's pages: open it (ends the member's session), the signing form that
clears itself for the next visitor (thanking the last one in a banner), and closing it.

The kiosk's own pages are reached only through a kiosk session (middleware.py sets
``request.kiosk``); nothing of an earlier visitor is ever shown.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from schoolkeep.agreements.aups.markdown import render_markdown
from schoolkeep.agreements.aups.models import Audience, Aup, AupVersion, Kiosk
from schoolkeep.agreements.signing.kiosk.middleware import KIOSK_SESSION_KEY
from schoolkeep.agreements.signing.kiosk.services import (
    KIOSK_LIFETIME,
    kiosk_close,
    kiosk_open,
    kiosk_sign,
)
from schoolkeep.agreements.signing.services import shown_version_number
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.forms import show_domain_error
from schoolkeep.lib.request_id import client_ip
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest
from schoolkeep.tenancy.selectors import get_for_school_or_404

_OFF = {"autocomplete": "off", "autocapitalize": "words", "spellcheck": "false"}


class KioskSignForm(forms.Form):
    typed_name = forms.CharField(
        label="Your full name", max_length=200, widget=forms.TextInput(attrs=_OFF),
        help_text="Typing your name is your signature.",
        error_messages={"required": "Enter your full name."})
    organisation = forms.CharField(label="Your organisation", max_length=200, required=False,
                                   widget=forms.TextInput(attrs=_OFF))
    visiting = forms.CharField(label="Whom you are visiting", max_length=200,
                               widget=forms.TextInput(attrs=_OFF),
                               error_messages={"required": "Enter whom you are visiting."})
    pupil_class = forms.CharField(label="Your class", max_length=100,
                                  widget=forms.TextInput(attrs=_OFF),
                                  error_messages={"required": "Enter your class."})
    agreed = forms.BooleanField(
        label="I have read the policy and I agree to it",
        error_messages={"required": "Tick the box to say you agree to the policy."})

    def __init__(self, *args: Any, audience: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if audience == Audience.PUPILS:
            del self.fields["organisation"], self.fields["visiting"]
        else:
            del self.fields["pupil_class"]


def _kiosk(request: HttpRequest) -> Kiosk | None:
    return getattr(request, "kiosk", None)


def _not_a_kiosk() -> HttpResponse:
    # Only a kiosk session has a kiosk page; anyone else goes to their own start page.
    return redirect("home")


@school_view("aups.kiosk")
@require_http_methods(["GET", "POST"])
def kiosk_start(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    aup = get_for_school_or_404(Aup, school=request.school, public_id=public_id)
    error = ""
    if request.method == "POST":
        try:
            kiosk = kiosk_open(aup=aup, actor=request.user)
        except DomainError as exc:
            error = exc.message
        else:
            logout(request)  # ends the member's own session (flushed, with a new key)
            request.session.cycle_key()
            request.session[KIOSK_SESSION_KEY] = str(kiosk.public_id)
            request.session.set_expiry(int(KIOSK_LIFETIME.total_seconds()))
            return redirect("kiosk:page")
    elif aup.audience not in (Audience.VISITORS, Audience.PUPILS):
        error = "The kiosk is only for the visitors' and pupils' acceptable use policies."
    elif not aup.is_published:
        error = "Publish this acceptable use policy before opening the kiosk."
    return render(request, "agreements/kiosk_start.html",
                  {"page_title": "Open the reception kiosk", "aup": aup, "error": error})


@require_http_methods(["GET", "POST"])
def kiosk_page(request: HttpRequest) -> HttpResponse:
    kiosk = _kiosk(request)
    if kiosk is None:
        return _not_a_kiosk()
    aup = kiosk.aup
    form = KioskSignForm(request.POST if request.method == "POST" else None,
                         audience=aup.audience)
    if request.method == "POST" and form.is_valid():
        try:
            kiosk_sign(kiosk=kiosk, ip_address=client_ip(request) or None,
                       shown_number=shown_version_number(request.POST), **form.cleaned_data)
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            # Straight back to a blank form: nothing of this visitor stays on screen, and
            # no timed refresh is needed (WCAG 2.2.1).
            messages.success(request, "Thank you, your signature is recorded. The form is "
                                      "ready for the next person.")
            return redirect("kiosk:page")
    version = AupVersion.objects.get(aup=aup, number=aup.current_number)
    return render(request, "agreements/kiosk_page.html", {
        "page_title": aup.title, "aup": aup, "version": version, "form": form,
        "text": render_markdown(version.text), "school": kiosk.school})


@require_POST
def kiosk_end(request: HttpRequest) -> HttpResponse:
    kiosk = _kiosk(request)
    if kiosk is None:
        return _not_a_kiosk()
    kiosk_close(kiosk=kiosk)
    request.session.flush()
    messages.info(request, "The kiosk is closed.")
    return redirect("account_login")

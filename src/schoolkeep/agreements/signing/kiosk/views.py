"""The reception kiosk's pages: set its PIN, open it (ends the member's session), the
signing form that clears itself for the next visitor (thanking the last one in a banner), and
closing it with the PIN.

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
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from schoolkeep.agreements.aups.markdown import render_markdown
from schoolkeep.agreements.aups.models import KIOSK_AUDIENCES, Audience, Aup, AupVersion, Kiosk
from schoolkeep.agreements.signing.forms import SignatureFields
from schoolkeep.agreements.signing.kiosk.middleware import KIOSK_SESSION_KEY
from schoolkeep.agreements.signing.kiosk.services import (
    CLOSE_LOCK,
    CLOSE_TRY_LIMIT,
    KIOSK_LIFETIME,
    PIN_RULE,
    kiosk_close_is_locked,
    kiosk_close_with_pin,
    kiosk_open,
    kiosk_pin_is_set,
    kiosk_pin_set,
    kiosk_sign,
)
from schoolkeep.agreements.signing.services import shown_version_number
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.forms import show_domain_error
from schoolkeep.lib.request_id import client_ip
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted
from schoolkeep.tenancy.selectors import get_for_school_or_404

_OFF = {"autocomplete": "off", "autocapitalize": "words", "spellcheck": "false"}
_PIN = {"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}


class KioskSignForm(SignatureFields):
    """The kiosk's form: the same name and agreement (and checks) as every signing form, with
    the visitor's organisation and whom they visit, or the pupil's class."""

    field_order = ["typed_name", "organisation", "visiting", "pupil_class", "agreed"]
    organisation = forms.CharField(label="Your organisation", max_length=200, required=False,
                                   widget=forms.TextInput(attrs=_OFF))
    visiting = forms.CharField(label="Whom you are visiting", max_length=200,
                               widget=forms.TextInput(attrs=_OFF),
                               error_messages={"required": "Enter whom you are visiting."})
    pupil_class = forms.CharField(label="Your class", max_length=100,
                                  widget=forms.TextInput(attrs=_OFF),
                                  error_messages={"required": "Enter your class."})

    def __init__(self, *args: Any, audience: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["typed_name"].widget.attrs.update(_OFF)
        if audience == Audience.PUPILS:
            del self.fields["organisation"], self.fields["visiting"]
        else:
            del self.fields["pupil_class"]


class KioskPinForm(forms.Form):
    pin = forms.CharField(
        label="New kiosk PIN", max_length=8,
        help_text="4 to 8 digits. Avoid ones easy to guess, such as a year or one digit repeated.",
        widget=forms.PasswordInput(attrs=_PIN),
        error_messages={"required": "Enter the new kiosk PIN.", "max_length": PIN_RULE})
    pin_again = forms.CharField(
        label="The same PIN again", max_length=8, widget=forms.PasswordInput(attrs=_PIN),
        error_messages={"required": "Enter the PIN again.", "max_length": PIN_RULE})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("pin") and data.get("pin_again") and data["pin"] != data["pin_again"]:
            self.add_error("pin_again", "The two PINs are not the same: type the PIN again.")
        return data


class KioskCloseForm(forms.Form):
    pin = forms.CharField(label="Kiosk PIN", max_length=100,
                          widget=forms.PasswordInput(attrs=_PIN),
                          error_messages={"required": "Enter the kiosk PIN."})


def _kiosk(request: HttpRequest) -> Kiosk | None:
    return getattr(request, "kiosk", None)


def _not_a_kiosk() -> HttpResponse:
    # Only a kiosk session has a kiosk page; anyone else goes to their own start page.
    return redirect("home")


@school_view("aups.kiosk")
@require_http_methods(["GET", "POST"])
def kiosk_start(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    aup = get_for_school_or_404(Aup, school=request.school, public_id=public_id)
    error, needs_pin = "", not kiosk_pin_is_set(request.school)
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
    elif aup.audience not in KIOSK_AUDIENCES:
        error = "The kiosk is only for the visitors' and pupils' acceptable use policies."
    elif not aup.is_published:
        error = "Publish this acceptable use policy before opening the kiosk."
    return render(request, "agreements/kiosk_start.html", {
        "page_title": "Open the reception kiosk", "aup": aup, "error": error,
        "needs_pin": needs_pin,
        "openable": aup.audience in KIOSK_AUDIENCES and aup.is_published})


@school_view("aups.kiosk")
@sensitive_post_parameters("pin", "pin_again")
@require_http_methods(["GET", "POST"])
def kiosk_pin(request: SchoolRequest) -> HttpResponse:
    # Back to opening this AUP's kiosk when the member came from there.
    aup = None
    if aup_id := request.GET.get("aup", ""):
        try:
            aup = get_for_school_or_404(Aup, school=request.school, public_id=UUID(aup_id))
        except ValueError:
            aup = None
    form = KioskPinForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            kiosk_pin_set(school=request.school, actor=request.user,
                          pin=form.cleaned_data["pin"])
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            messages.success(request, "The kiosk PIN is saved. Staff need it to close the "
                                      "kiosk: keep it away from visitors.")
            if aup is not None:
                return redirect("kiosk:start", aup.public_id)
            return redirect("agreements:aup-list")
    return render(request, "agreements/kiosk_pin.html", {
        "page_title": "Set the kiosk PIN", "form": form, "aup": aup,
        "is_set": kiosk_pin_is_set(request.school)})


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
        "text": render_markdown(version.text, page_title=aup.title), "school": kiosk.school})


def _wrong_pin_message(tries_left: int) -> str:
    if not tries_left:  # the page then says that closing is locked, and until when
        return "The PIN is wrong."
    minutes = int(CLOSE_LOCK.total_seconds() // 60)
    tries = "1 more try" if tries_left == 1 else f"{tries_left} more tries"
    return (f"The PIN is wrong. Check it and try again: {tries} before closing is locked "
            f"for {minutes} minutes.")


@sensitive_post_parameters("pin")
@require_http_methods(["GET", "POST"])
def kiosk_end(request: HttpRequest) -> HttpResponse:
    """Close the kiosk with the school's kiosk PIN: its session ends and the tablet shows
    the sign-in page, with nobody signed in."""
    kiosk = _kiosk(request)
    if kiosk is None:
        return _not_a_kiosk()
    form = KioskCloseForm(posted(request))
    status = 200
    locked = kiosk_close_is_locked(kiosk)
    if request.method == "POST" and form.is_valid():
        attempt = kiosk_close_with_pin(kiosk=kiosk, pin=form.cleaned_data["pin"])
        if attempt.closed:
            request.session.flush()
            messages.info(request, "The kiosk is closed.")
            return redirect("account_login")
        if attempt.checked:
            form.add_error("pin", _wrong_pin_message(attempt.tries_left))
        locked = attempt.locked
        status = 200 if attempt.checked else 429
    return render(request, "agreements/kiosk_end.html", {
        "page_title": "Close the kiosk", "form": form, "locked": locked,
        "lock_minutes": int(CLOSE_LOCK.total_seconds() // 60), "tries": CLOSE_TRY_LIMIT,
        "school": kiosk.school}, status=status)

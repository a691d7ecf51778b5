"""Confines a kiosk session to the kiosk's own pages.

A kiosk session holds only the kiosk's id (views.kiosk_start sets it after ending the
member's session). Any other page, the API and the sign-in pages send it back to the kiosk
page; static files are served. A kiosk that was closed, or opened more than 12 hours ago,
has its session flushed and the tablet lands on the sign-in page.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

from schoolkeep.agreements.aups.models import Kiosk

KIOSK_SESSION_KEY = "schoolkeep_kiosk"
# The only pages a kiosk session may open.
KIOSK_VIEW_NAMES = frozenset({"kiosk:page", "kiosk:end"})


def _view_name(path: str) -> str:
    try:
        return resolve(path).view_name
    except Resolver404:
        return ""


class KioskMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.kiosk = None  # type: ignore[attr-defined]
        if request.path.startswith(settings.STATIC_URL):
            return self.get_response(request)  # without reading the session
        kiosk_id = request.session.get(KIOSK_SESSION_KEY)
        if kiosk_id is None:
            return self.get_response(request)
        from schoolkeep.agreements.signing.kiosk.services import kiosk_close, kiosk_is_open

        kiosk = (Kiosk.objects.select_related("aup", "school")
                 .filter(public_id=kiosk_id).first())
        if kiosk is None or not kiosk_is_open(kiosk):
            if kiosk is not None and kiosk.closed_at is None:
                kiosk_close(kiosk=kiosk, reason="Open for 12 hours")
            request.session.flush()
            messages.info(request, "The kiosk is closed. Sign in to open it again.")
            return redirect("account_login")
        if _view_name(request.path_info) not in KIOSK_VIEW_NAMES:
            return redirect("kiosk:page")
        request.kiosk = kiosk  # type: ignore[attr-defined]
        return self.get_response(request)

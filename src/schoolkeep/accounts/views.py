"""The member's own account pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def mfa_required(request: HttpRequest) -> HttpResponse:
    """Explains why two-factor is needed and links to enrolment."""
    return render(request, "accounts/mfa_required.html")

"""Accepting an invitation: the one page a person without an account can use (/join/)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from schoolkeep.lib.errors import DomainError
from schoolkeep.tenancy import selectors, services
from schoolkeep.tenancy.forms import AcceptInvitationForm, JoinForm
from schoolkeep.tenancy.http import posted
from schoolkeep.tenancy.roles import requires_mfa


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.invitation_check(selectors.invitation_for_token(token))
    except services.InvitationNotFound as exc:
        return _unusable(request, exc, status=404)
    except services.InvitationUnusable as exc:
        return _unusable(request, exc, status=410)
    account = get_user_model().objects.filter(email__iexact=invitation.email).first()
    has_account = account is not None and account.is_active
    form: Form = (JoinForm if has_account else AcceptInvitationForm)(
        posted(request), initial={"full_name": invitation.full_name}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.invitation_accept(token=token, full_name=data.get("full_name", ""),
                                       password=data.get("password1", ""))
        except (services.InvitationNotFound, services.InvitationUnusable) as exc:
            return _unusable(request, exc, status=410)
        except DomainError as exc:
            # The service names the password "password"; this form calls it "password1".
            field = "password1" if exc.field == "password" else exc.field
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            messages.success(request, f"You have joined {invitation.school.name}. Sign in with "
                                      f"{invitation.email} and your password.")
            return redirect("account_login")
    return render(request, "tenancy/invitation_accept.html", {
        "page_title": f"Join {invitation.school.name}", "invitation": invitation,
        "form": form, "has_account": has_account,
        "needs_mfa": requires_mfa(set(invitation.roles),
                                  school_requires_all=invitation.school.require_mfa_for_all),
    })


def _unusable(request: HttpRequest, error: DomainError, *, status: int) -> HttpResponse:
    return render(request, "tenancy/invitation_unusable.html",
                  {"page_title": "This invitation cannot be used", "message": error.message},
                  status=status)

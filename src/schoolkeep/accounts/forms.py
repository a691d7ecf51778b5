"""Forms of the account pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.core import context, ratelimit
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from django import forms

from schoolkeep.accounts.services import TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS, TOKEN_MIN_DAYS


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=100,
        help_text="What will use this token, so that you can recognise it later.",
    )
    days = forms.IntegerField(
        label="Days until it expires", min_value=TOKEN_MIN_DAYS, max_value=TOKEN_MAX_DAYS,
        initial=TOKEN_DEFAULT_DAYS,
        help_text=f"Between {TOKEN_MIN_DAYS} and {TOKEN_MAX_DAYS} days.",
    )
    read_only = forms.BooleanField(
        label="Read-only: this token may look but not change anything", required=False,
    )


# --- Second-factor codes -------------------------------------------------------------------
# allauth.mfa limits wrong codes with the "login_failed" rate, which Schoolkeep switches off so
# that django-axes owns password lockout. Codes get their own limit ("mfa_code_failed" in
# ACCOUNT_RATE_LIMITS): without it a stolen password would allow unlimited guesses at the code.

MFA_CODE_RATE_ACTION = "mfa_code_failed"


def _limit_code_attempts(user: Any, check: Callable[[], str]) -> str:
    key = f"mfa-code-{user.pk}"
    if not ratelimit.consume(context.request, action=MFA_CODE_RATE_ACTION, key=key):
        raise get_account_adapter().validation_error("too_many_login_attempts")
    code = check()
    ratelimit.clear(context.request, action=MFA_CODE_RATE_ACTION, key=key)
    return code


class MFAAuthenticateForm(AuthenticateForm):
    def clean_code(self) -> str:
        return _limit_code_attempts(self.user, super().clean_code)


class MFAReauthenticateForm(ReauthenticateForm):
    def clean_code(self) -> str:
        return _limit_code_attempts(self.user, super().clean_code)

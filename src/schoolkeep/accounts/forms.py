"""Forms of the account pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from django import forms

from schoolkeep.accounts.services import TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS, TOKEN_MIN_DAYS
from schoolkeep.throttles.services import Throttle, throttle_hit, throttle_reset


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
# that django-axes owns password lockout. Codes get their own limit: without it a stolen
# password would allow unlimited guesses at the code. allauth's own rate limits read and then
# write a cache entry, so codes sent in parallel all passed its check (issue 12, finding 3):
# the attempt is counted and checked in one statement in the throttle table instead.

MFA_CODES = Throttle("mfa-code", limit=10, window=timedelta(minutes=15))


def _limit_code_attempts(user: Any, check: Callable[[], str]) -> str:
    account = f"account:{user.pk}"  # per account, whatever address the guesses come from
    if not throttle_hit(throttle=MFA_CODES, address=account):
        raise get_account_adapter().validation_error("too_many_login_attempts")
    code = check()
    throttle_reset(throttle=MFA_CODES, address=account)
    return code


class MFAAuthenticateForm(AuthenticateForm):
    def clean_code(self) -> str:
        return _limit_code_attempts(self.user, super().clean_code)


class MFAReauthenticateForm(ReauthenticateForm):
    def clean_code(self) -> str:
        return _limit_code_attempts(self.user, super().clean_code)

"""Forms of the account pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.forms import LoginForm
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from django import forms
from django.contrib.auth.signals import user_login_failed

from schoolkeep.accounts.lockout import (
    sign_in_address,
    sign_in_attempt_allowed,
    sign_in_attempts_reset,
)
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


# --- Signing in with a password --------------------------------------------------------------
# django-axes refuses a locked account before the password is checked but records a failure
# only after it, so passwords posted together all got past its check (issue 12 review, see
# accounts/lockout.py). Each attempt is counted first, in one atomic statement.


class SignInForm(LoginForm):
    """allauth's sign-in form (ACCOUNT_FORMS["login"]), counting each attempt per account
    and client address before the password is checked."""

    def clean(self) -> dict[str, Any]:
        login = self.cleaned_data.get("login")
        if self._errors or not login or not self.cleaned_data.get("password"):
            return super().clean()  # allauth's own answer to an incomplete form
        # Every address alike, whether an account has it or not (nothing tells them apart).
        key = {"email": str(login), "address": sign_in_address(self.request)}
        if not sign_in_attempt_allowed(**key):
            self._refuse_as_locked(str(login))
        cleaned = super().clean()  # raises on a wrong password, an unknown or closed account
        sign_in_attempts_reset(**key)
        return cleaned

    def _refuse_as_locked(self, login: str) -> None:
        """Exactly django-axes' answer to a locked account: the attempt is reported failed,
        as Django's ``authenticate`` reports it when axes refuses (so axes records it and the
        audit trail has it), and axes' middleware shows the lockout page."""
        user_login_failed.send(sender=__name__, credentials={"email": login},
                               request=self.request)
        self.request.axes_locked_out = True
        raise get_account_adapter(self.request).validation_error("email_password_mismatch")


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

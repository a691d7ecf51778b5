"""Forms of the account pages."""

from __future__ import annotations

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

"""The form of an administrator's DBS exception. It checks input only; the rules live in
``access.coverage.services``."""

from __future__ import annotations

from django import forms

from schoolkeep.access.coverage.services import REASON_MAX


class DbsExceptionForm(forms.Form):
    reason = forms.CharField(
        label="Why this administrator needs no DBS check of their own",
        max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example: a supplier's remote support engineer, covered by the "
                  "supplier's contract, who works only while a member of staff watches.",
        error_messages={"required": "Enter why this administrator needs no DBS check of "
                                    "their own.",
                        "max_length": f"Keep the reason under {REASON_MAX:,} characters."})

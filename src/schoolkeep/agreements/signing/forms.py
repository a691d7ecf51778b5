"""The fields every signing form shares (in Schoolkeep, by a personal link, at the kiosk):
the typed name that is the signature and the agreement. Both are checked by the form, so a
signer sees every problem at once in the error summary, never one after another."""

from __future__ import annotations

from django import forms

from schoolkeep.agreements.signing.services import AGREE_MESSAGE


class SignatureFields(forms.Form):
    typed_name = forms.CharField(
        label="Your full name", max_length=200,
        help_text="Typing your name is your signature.",
        error_messages={"required": "Enter your full name.",
                        "max_length": "Your full name must be 200 characters or fewer."})
    agreed = forms.BooleanField(
        label="I have read this acceptable use policy and I agree to follow it",
        error_messages={"required": AGREE_MESSAGE})

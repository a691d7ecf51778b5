"""Forms for members, invitations and the school's settings. They validate input only;
the rules live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import password_validators_help_texts

from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.roles import SCHOOL_ROLES

ROLE_CHOICES = [(role.value, role.label) for role in SCHOOL_ROLES]


class RolesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("choices", ROLE_CHOICES)
        kwargs.setdefault("label", "Roles")
        kwargs.setdefault(
            "help_text",
            "Choose every role this person holds. Every role except Staff must sign in with "
            "two-factor.",
        )
        kwargs.setdefault("error_messages", {"required": "Choose at least one role."})
        super().__init__(**kwargs)


class MemberFilterForm(forms.Form):
    q = forms.CharField(label="Name or e-mail", required=False, max_length=200)
    role = forms.ChoiceField(
        label="Role", required=False, choices=[("", "Any role"), *ROLE_CHOICES]
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Active members"), ("deactivated", "Deactivated members")],
    )


class InvitationForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=200)
    email = forms.EmailField(
        label="E-mail address",
        help_text="The invitation link is sent here. It works once and expires after 7 days.",
        error_messages={"invalid": "Enter an e-mail address like name@example.org."},
    )
    roles = RolesField()

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()


class MemberRolesForm(forms.Form):
    # The membership's version when the form was opened: a save made meanwhile by another
    # SIRO is not overwritten silently.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    roles = RolesField()


class SchoolSettingsForm(forms.Form):
    idle_timeout_minutes = forms.IntegerField(
        label="Sign members out after this many idle minutes",
        min_value=2,
        max_value=240,
        help_text="Between 2 and 240 minutes. Shorter is safer on shared computers in offices "
        "and classrooms.",
    )
    require_mfa_for_all = forms.BooleanField(
        label="Require two-factor sign-in for every member",
        required=False,
        help_text="Two-factor is always required for every role except plain staff. Tick this "
        "to require it of staff too.",
    )
    incident_reporting_instructions = forms.CharField(
        label="How to report an incident",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Shown to every member on the key contacts page. Leave it empty to show the "
        "standard text.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    @classmethod
    def initial_for(cls, school: School) -> dict[str, Any]:
        return {
            "idle_timeout_minutes": school.idle_timeout_minutes,
            "require_mfa_for_all": school.require_mfa_for_all,
            "incident_reporting_instructions": school.incident_reporting_instructions,
            "version": school.version,
        }


class ContactNumbersForm(forms.Form):
    """The key contacts' telephone numbers, shown beside "tell the DPO by phone"."""

    dpo_phone = forms.CharField(
        label="Data protection officer's telephone number", required=False, max_length=32,
        help_text="A UK number, such as 01632 960 001.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}))
    siro_phone = forms.CharField(
        label="SIRO's telephone number", required=False, max_length=32,
        help_text="A UK number, such as 07700 900 982.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}))
    contact_hours = forms.CharField(
        label="When and how to reach them", required=False, max_length=300,
        help_text="For example: school days 8am to 5pm; in the holidays, e-mail and the DPO "
        "rings back the same day.")
    version = forms.IntegerField(widget=forms.HiddenInput)

    @classmethod
    def initial_for(cls, school: School) -> dict[str, Any]:
        return {"dpo_phone": school.dpo_phone, "siro_phone": school.siro_phone,
                "contact_hours": school.contact_hours, "version": school.version}


class AcceptInvitationForm(forms.Form):
    """For someone without an account (or whose account was deactivated)."""

    full_name = forms.CharField(label="Your full name", max_length=200)
    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Type the password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = " ".join(password_validators_help_texts())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords are not the same.")
        return data


class JoinForm(forms.Form):
    """For someone who already has an active account: joining needs no password."""

"""Forms for people and their checks. They validate input only; the rules live in
services. Field names are the services' argument names, so a DomainError lands on its
field."""

from __future__ import annotations

from typing import Any

from django import forms

from schoolkeep.lib.date_input import UKDateField
from schoolkeep.lib.widgets import PlainSelect
from schoolkeep.people import services
from schoolkeep.people.models import Check, Person, PersonKind
from schoolkeep.people.selectors import CURRENT, LEAVERS
from schoolkeep.tenancy.models import School, Site


def date_field(label: str, *, required: bool = False, help_text: str = "",
               birthday: bool = False) -> UKDateField:
    # The services refuse dates in the future where a date is something already done.
    return UKDateField(label=label, required=required, help_text=help_text,
                       birthday=birthday,
                       error_messages={"required": f"Enter the {label.lower()}"})


def yes_no_unknown(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, required=False, widget=forms.RadioSelect,
        choices=[("yes", "Yes"), ("no", "No"), ("", "Not recorded")],
        coerce=lambda value: {"yes": True, "no": False}.get(value), empty_value=None,
    )


def as_yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")



class PersonFilterForm(forms.Form):
    q = forms.CharField(label="Name or post", required=False, max_length=200)
    kind = forms.ChoiceField(label="Kind", required=False, widget=PlainSelect,
                             choices=[("", "Any kind"), *PersonKind.choices])
    site = forms.TypedChoiceField(label="Site", required=False, coerce=int, empty_value=None,
                                  widget=PlainSelect)
    status = forms.ChoiceField(
        label="Show", required=False, widget=PlainSelect,
        choices=[(CURRENT, "Current people"), (LEAVERS, "Leavers (archive)")],
    )

    def __init__(self, *args: Any, sites: list[Site], details: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        site_field = self.fields["site"]
        assert isinstance(site_field, forms.ChoiceField)
        site_field.choices = [("", "Any site"), *((s.pk, s.name) for s in sites)]
        if not sites:
            del self.fields["site"]
        if details:
            self.fields["q"].label = "Name, post, e-mail or staff number"
        else:
            del self.fields["status"]


class PersonForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    full_name = forms.CharField(label="Full name", max_length=200,
                                error_messages={"required": "Enter the person's full name."})
    preferred_name = forms.CharField(label="Preferred name", max_length=200, required=False)
    kind = forms.ChoiceField(label="Kind", choices=PersonKind.choices, widget=forms.RadioSelect,
                             error_messages={"required": "Choose what kind of person this is."})
    job_title = forms.CharField(label="Job title or role", max_length=200, required=False)
    is_management_post = forms.BooleanField(label="The post is a management post",
                                            required=False)
    does_teaching_work = forms.BooleanField(label="Does teaching work", required=False,
                                            help_text="Teaching assistants often do.")
    post_needs_qualifications = forms.BooleanField(label="The post needs qualifications",
                                                   required=False)
    lived_or_worked_abroad = forms.BooleanField(label="Has lived or worked outside the UK",
                                                required=False)
    childcare_disqualification_applies = forms.BooleanField(
        label="Childcare disqualification applies", required=False,
        help_text="For work in early years or later years childcare provision.")
    uses_school_network = forms.BooleanField(
        label="Uses the school's network, Wi-Fi or systems", required=False, initial=True,
        help_text="People who do must sign the acceptable use policy.")
    sites = forms.TypedMultipleChoiceField(label="Sites", required=False, coerce=int,
                                           widget=forms.CheckboxSelectMultiple)
    date_of_birth = date_field("Date of birth", birthday=True)
    start_date = date_field("Start date")
    leaving_date = date_field("Leaving date")
    email = forms.EmailField(label="E-mail address", required=False, error_messages={
        "invalid": "Enter an e-mail address like name@example.org."})
    staff_number = forms.CharField(label="Staff number", max_length=50, required=False)

    def __init__(self, *args: Any, school: School, sites: list[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        site_field = self.fields["sites"]
        assert isinstance(site_field, forms.ChoiceField)
        site_field.choices = [(s.pk, s.name) for s in sites]
        if not sites:
            del self.fields["sites"]

    @staticmethod
    def initial_for(person: Person) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(person, name)
                                   for name in services.PERSON_FIELDS}
        initial["sites"] = [site.pk for site in person.sites.all()]
        initial["version"] = person.version
        return initial

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        if "sites" not in self.fields:
            data.pop("sites", None)
        return data


def version_field() -> forms.IntegerField:
    """The version of the record when the form was opened (0: not recorded yet), so that a
    save made meanwhile by someone else is not overwritten silently."""
    return forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class VersionForm(forms.Form):
    """A button that changes a record: it carries the record's version."""

    version = version_field()


class LeaverForm(forms.Form):
    version = version_field()
    leaving_date = date_field("Leaving date", required=True,
                              help_text="They leave the current list on this day.")


class LinkAccountForm(forms.Form):
    version = version_field()
    user = forms.ChoiceField(label="Schoolkeep account", required=False)

    def __init__(self, *args: Any, members: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = {str(user.public_id): user for user in members}
        user_field = self.fields["user"]
        assert isinstance(user_field, forms.ChoiceField)
        user_field.choices = [("", "No account"), *(
            (key, f"{user.full_name or user.email} ({user.email})")
            for key, user in self.members.items())]

    def chosen_user(self) -> Any | None:
        return self.members.get(self.cleaned_data.get("user") or "")


class CheckForm(forms.Form):
    """One check of one type: the common fields and that type's own."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    status = forms.ChoiceField(label="Status", choices=Check.Status.choices,
                               widget=forms.RadioSelect,
                               error_messages={"required": "Choose pending or done."})
    done_on = date_field("Date done")
    checked_by = forms.CharField(label="Checked by", max_length=200, required=False,
                                 help_text="Who carried out the check.")
    evidence = forms.CharField(label="Evidence seen", required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))
    notes = forms.CharField(label="Notes", required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    # Right to work
    right_to_work_expires_on = date_field(
        "Permission expires on",
        help_text="Only for time-limited permission to work in the UK.")
    # Enhanced DBS
    dbs_with_barred_list = yes_no_unknown("Includes the children's barred list")
    dbs_certificate_number = forms.CharField(label="Certificate number", max_length=40,
                                             required=False, help_text="12 digits.")
    dbs_issued_on = date_field("Issue date")
    on_update_service = forms.BooleanField(label="The person is on the DBS Update Service",
                                           required=False)
    update_service_checked_on = date_field("Last Update Service status check")
    # Agency confirmation
    agency_certificate_provided = yes_no_unknown("The DBS certificate was provided")

    def __init__(self, *args: Any, check_type: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.check_type = check_type
        keep = {"version", *services.check_fields_for(check_type)}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]

    @staticmethod
    def initial_for(check: Check | None, check_type: str) -> dict[str, Any]:
        if check is None:
            return {"version": 0, "status": Check.Status.PENDING}
        initial = {name: getattr(check, name) for name in services.check_fields_for(check_type)}
        for name in ("dbs_with_barred_list", "agency_certificate_provided"):
            if name in initial:
                initial[name] = as_yes_no(initial[name])
        initial["version"] = check.version
        return initial

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class OverrideForm(forms.Form):
    version = version_field()
    required = forms.TypedChoiceField(
        label="For this person, this check is", widget=forms.RadioSelect,
        choices=[("yes", "Required"), ("no", "Not required")],
        coerce=lambda value: value == "yes",
        error_messages={"required": "Choose required or not required."},
    )
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=2000,
                             help_text="Recorded with the exception and shown on the record.",
                             error_messages={"required": "Enter the reason for the exception."})


class CopyUploadForm(forms.Form):
    file = forms.FileField(
        label="Copy of the DBS certificate", help_text="A PDF, PNG or JPEG file, at most 10 MB.",
        error_messages={"required": "Choose a file to upload.",
                        "empty": "The file is empty."},
    )


class CopyDeleteForm(forms.Form):
    reason = forms.CharField(label="Why are you deleting this copy?", max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "Enter why you are deleting the copy."})


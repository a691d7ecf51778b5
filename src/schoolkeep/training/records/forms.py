"""Forms of training records. They check input only; the rules (a person still at the school,
a course in use, one record a day, a certificate checked by its content) live in the
services, whose argument names the fields share so that a DomainError lands on its field."""

from __future__ import annotations

from typing import Any

from django import forms

from schoolkeep.lib.date_input import UKDateField
from schoolkeep.people.models import Person, PersonKind
from schoolkeep.training.models import Course
from schoolkeep.training.records.selectors import STATES

KINDS = [("", "Every kind of person"), *PersonKind.choices]
CERTIFICATE_HELP = "Optional. A PDF, or a photo or scan as PNG or JPEG, of at most 10 MB."


def _course_choices(courses: list[Course], empty: str) -> list[tuple[str, str]]:
    return [("", empty), *((str(course.public_id), course.name) for course in courses)]


class _CourseChoice(forms.Form):
    """A form whose ``course`` is chosen among ``courses`` (by public id)."""

    course = forms.ChoiceField(label="Course",
                               error_messages={"required": "Choose the course."})

    def __init__(self, *args: Any, courses: list[Course], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.courses = {str(course.public_id): course for course in courses}
        field = self.fields["course"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _course_choices(courses, "Choose a course")

    def clean_course(self) -> Course:
        return self.courses[self.cleaned_data["course"]]


class RecordFilterForm(forms.Form):
    course = forms.ChoiceField(label="Course", required=False)
    person = forms.CharField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label="Kind of person", required=False, choices=KINDS)
    state = forms.ChoiceField(label="Show", required=False, choices=STATES)

    def __init__(self, *args: Any, courses: list[Course], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["course"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _course_choices(courses, "Every course")


class RecordForm(_CourseChoice):
    field_order = ["person", "course", "completed_on", "certificate", "notes"]
    person = forms.ChoiceField(label="Person",
                               error_messages={"required": "Choose who completed it."})
    completed_on = UKDateField(label="Completed on", what="the day it was completed",
                               past=True)
    certificate = forms.FileField(label="Certificate", required=False,
                                  help_text=CERTIFICATE_HELP)
    notes = forms.CharField(label="Notes", required=False, max_length=500)

    def __init__(self, *args: Any, people: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {str(person.public_id): person for person in people}
        field = self.fields["person"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Choose a person"),
                         *((key, person.full_name) for key, person in self.people.items())]

    def clean_person(self) -> Person:
        return self.people[self.cleaned_data["person"]]


class SessionForm(_CourseChoice):
    """A session: the course, the day, and the people who attended (ticked in a list)."""

    field_order = ["course", "completed_on", "notes"]
    completed_on = UKDateField(label="Day of the session", what="the day of the session",
                               past=True)
    notes = forms.CharField(label="Notes", required=False, max_length=500,
                            help_text="Such as who ran it, or where.")
    people = forms.MultipleChoiceField(
        label="Who attended", widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose the people who attended.",
                        "invalid_choice": "Choose people from the list."})

    def __init__(self, *args: Any, people: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choosable = {str(person.public_id): person for person in people}
        field = self.fields["people"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(key, person.full_name) for key, person in self.choosable.items()]

    def clean_people(self) -> list[Person]:
        return [self.choosable[key] for key in self.cleaned_data["people"]]


class SessionFilterForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of person", required=False, choices=KINDS)
    course = forms.CharField(required=False, widget=forms.HiddenInput)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="Why is it withdrawn?", max_length=300,
                             help_text="Such as \"Recorded for the wrong person\". The record "
                                       "is kept, marked withdrawn with this reason.",
                             error_messages={"required": "Say why the record is withdrawn."})


class OwnRecordForm(_CourseChoice):
    field_order = ["course", "completed_on", "certificate"]
    completed_on = UKDateField(label="Completed on", what="the day you completed it",
                               past=True)
    certificate = forms.FileField(label="Certificate", required=False,
                                  help_text=CERTIFICATE_HELP)


class CertificateForm(forms.Form):
    """A certificate for a record that has none."""

    certificate = forms.FileField(label="Certificate", help_text=CERTIFICATE_HELP,
                                  error_messages={"required": "Choose the certificate file."})

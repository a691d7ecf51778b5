"""Forms of courses. They check input only; the rules (a name once per school) live in the
services, whose argument names the fields share so a DomainError lands on its field."""

from __future__ import annotations

from typing import Any

from django import forms

from schoolkeep.training.courses.selectors import STATES
from schoolkeep.training.models import Course


class CourseFilterForm(forms.Form):
    state = forms.ChoiceField(label="Show", required=False, choices=STATES)


class CourseForm(forms.Form):
    name = forms.CharField(label="Name of the course", max_length=200,
                           error_messages={"required": "Enter the course's name."})
    topic = forms.ChoiceField(label="Topic", choices=[("", "Choose a topic"),
                                                      *Course.Topic.choices],
                              error_messages={"required": "Choose the course's topic."})
    provider = forms.CharField(label="Who provides it", max_length=200, required=False,
                               help_text="Such as \"NCSC\" or \"The local authority\".")
    link = forms.URLField(label="Where to take it (a link)", max_length=200, required=False,
                          assume_scheme="https",
                          error_messages={"invalid": "Enter a web address, such as "
                                                     "https://www.ncsc.gov.uk/."})
    valid_for_months = forms.IntegerField(
        label="How long it stays valid (months)", min_value=1, max_value=120, initial=12,
        help_text="After this, the person takes it again. 12 for a yearly course.",
        error_messages={"required": "Enter how many months the course stays valid.",
                        "invalid": "Enter a whole number of months, such as 12.",
                        "min_value": "Enter a number of months from 1 to 120.",
                        "max_value": "Enter a number of months from 1 to 120."})
    description = forms.CharField(label="What it covers", max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))


class CourseEditForm(CourseForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    @staticmethod
    def initial_for(course: Course) -> dict[str, Any]:
        return {"version": course.version, "name": course.name, "topic": course.topic,
                "provider": course.provider, "link": course.link,
                "valid_for_months": course.valid_for_months,
                "description": course.description}

"""The short report form (signed in and public).

Field names are ``incident_report``'s argument names, so a DomainError lands on its field.
Times are typed as UK clock time in GOV.UK day, month, year, hour and minute boxes
(``lib.date_input.UKDateTimeField``) and turned into UTC instants. Twice a year the UK clock
is not a plain count: a time in the hour the clocks skip in March is refused, naming the
field; a time in the hour that happens twice in October is read as the first (British Summer
Time) and the reporter is told, rather than adding a question to every report for two hours a
year.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone

from schoolkeep.incidents.clock import LONDON
from schoolkeep.incidents.report.services import TEXT_MAX, TITLE_MAX
from schoolkeep.lib.date_input import UKDateTimeField, date_notes

PERSONAL_DATA_CHOICES = [("yes", "Yes"), ("no", "No"), ("not_sure", "Not sure")]
PERSONAL_DATA_VALUES = {"yes": True, "no": False, "not_sure": None}


def _clock(moment: datetime) -> str:
    return f"{moment:%H:%M}"


def _day(moment: datetime) -> str:
    return f"{moment:%A} {moment.day} {moment:%B %Y}"


class ReportForm(forms.Form):
    """What every way of reporting in a browser asks: one short page."""

    title = forms.CharField(
        label="A short title", max_length=TITLE_MAX,
        help_text="For example: e-mail with pupils' marks sent to the wrong parent.",
        error_messages={"required": "Enter a short title.",
                        "max_length": f"Keep the title to {TITLE_MAX} characters or fewer."})
    description = forms.CharField(
        label="What happened", max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What you saw or did, who noticed, and anything already done about it.",
        error_messages={"required": "Enter what happened.",
                        "max_length": f"Keep what happened to {TEXT_MAX:,} characters or "
                                      "fewer."})
    occurred_at = UKDateTimeField(
        label="When it happened", required=False, what="when it happened",
        help_text="UK time. Your best guess is fine; leave it empty if you do not know.")
    discovered_at = UKDateTimeField(label="When you found out", required=False,
                                    what="when you found out")
    data_involved = forms.CharField(
        label="What data or system is involved, as far as you know", required=False,
        max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: the Year 4 class list, SIMS, a staff laptop.",
        error_messages={"max_length": f"Keep this to {TEXT_MAX:,} characters or fewer."})
    personal_data = forms.ChoiceField(
        label="Could personal data be involved?", choices=PERSONAL_DATA_CHOICES,
        widget=forms.RadioSelect,
        help_text="Anything about a living person: a name, a photo, marks, health, contact "
                  "details.",
        error_messages={"required": "Choose yes, no or not sure: could personal data be "
                                    "involved?"})

    def __init__(self, *args: Any, now: datetime | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        local_now = timezone.localtime(now or timezone.now(), LONDON)
        found_out = self.fields["discovered_at"]
        assert isinstance(found_out, UKDateTimeField)
        found_out.help_text = (
            "UK time. Leave it empty if you found out just now: the time you send this "
            f"report is recorded (it is {_clock(local_now)} on {_day(local_now)}). "
            f"{found_out.hint}")

    def notes(self) -> list[str]:
        """What the reporter should know about how their times were read."""
        return date_notes(self)

    def service_fields(self, *, now: datetime) -> dict[str, Any]:
        """``incident_report``'s arguments; an empty "when you found out" is ``now``."""
        data = dict(self.cleaned_data)
        data["personal_data"] = PERSONAL_DATA_VALUES[data["personal_data"]]
        data["discovered_at"] = data["discovered_at"] or now
        return data


class PublicReportForm(ReportForm):
    """The no-login page adds who is reporting and how to reach them, both optional."""

    reporter_name = forms.CharField(
        label="Your name", required=False, max_length=200,
        error_messages={"max_length": "Keep your name to 200 characters or fewer."})
    reporter_contact = forms.CharField(
        label="How we can contact you", required=False, max_length=200,
        help_text="An e-mail address or phone number, if you would like us to get back to "
                  "you. You can leave both empty and stay anonymous.",
        error_messages={"max_length": "Keep this to 200 characters or fewer."})


class ReplaceAddressForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand that the current address, and every poster printed with it, will "
              "stop working",
        error_messages={"required": "Tick the box to confirm that the current address and "
                                    "its posters will stop working."})

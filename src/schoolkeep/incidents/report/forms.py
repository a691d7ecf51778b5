"""The short report form (signed in and public) and its Europe/London date-and-time field.

Field names are ``incident_report``'s argument names, so a DomainError lands on its field.
Times are typed as UK clock time (``<input type="datetime-local">``) and turned into UTC
instants here. Twice a year the UK clock is not a plain count: when the clocks go forward
(last Sunday of March, 01:00 GMT becomes 02:00 BST) the hour between does not exist, and a
time in it is refused, naming the field; when they go back (last Sunday of October, 02:00
BST becomes 01:00 GMT) the hour from 01:00 happens twice, and we take the first (British
Summer Time, the earlier instant) and say so, rather than add a question to every report
for two hours a year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django import forms
from django.utils import timezone

from schoolkeep.incidents.clock import LONDON
from schoolkeep.incidents.report.services import TEXT_MAX, TITLE_MAX

# What the browser's datetime-local input sends, and what people type where it is a text box.
LOCAL_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M")

PERSONAL_DATA_CHOICES = [("yes", "Yes"), ("no", "No"), ("not_sure", "Not sure")]
PERSONAL_DATA_VALUES = {"yes": True, "no": False, "not_sure": None}


def _clock(moment: datetime) -> str:
    return f"{moment:%H:%M}"


def _day(moment: datetime) -> str:
    return f"{moment:%A} {moment.day} {moment:%B %Y}"


@dataclass(frozen=True)
class LocalTime:
    """A typed UK clock time as an instant, with a note when it happened twice."""

    instant: datetime  # UTC
    note: str = ""


def _transition(start: datetime, end: datetime) -> datetime:
    """The UTC minute at which London's offset changes between ``start`` and ``end``."""
    moment = start
    offset = start.astimezone(LONDON).utcoffset()
    while moment < end:
        moment += timedelta(minutes=1)
        if moment.astimezone(LONDON).utcoffset() != offset:
            return moment
    return end


def london_instant(local: datetime, *, what: str) -> LocalTime:
    """The UTC instant of a naive UK clock time. ``what`` names the field in messages
    ("when it happened"). Raises ValidationError for a time the clocks skipped."""
    first = local.replace(tzinfo=LONDON, fold=0)
    second = local.replace(tzinfo=LONDON, fold=1)
    exists = first.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None) == local
    if not exists:
        # fold=0 reads the gap with the offset from before the change (GMT), fold=1 after.
        change = _transition(second.astimezone(UTC), first.astimezone(UTC))
        before = (change - timedelta(minutes=1)).astimezone(LONDON) + timedelta(minutes=1)
        after = change.astimezone(LONDON)
        raise forms.ValidationError(
            f"There was no {_clock(local)} on {_day(local)} in UK time: the clocks went "
            f"forward from {_clock(before)} to {_clock(after)}. Enter {what} as a time "
            f"before {_clock(before)} or from {_clock(after)}.", code="nonexistent")
    if first.utcoffset() == second.utcoffset():
        return LocalTime(first.astimezone(UTC))
    zone = first.tzname() or "summer time"
    note = (f"{_clock(local)} on {_day(local)} happened twice in UK time, because the clocks "
            f"went back an hour. We recorded {what} as the first {_clock(local)} ({zone}, "
            f"{first.astimezone(UTC):%H:%M} UTC).")
    return LocalTime(first.astimezone(UTC), note)


class LondonDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")

    def format_value(self, value: Any) -> Any:
        if isinstance(value, datetime) and value.tzinfo is not None:
            value = value.astimezone(LONDON).replace(tzinfo=None)
        return super().format_value(value)


class LondonDateTimeField(forms.Field):
    """A UK date and time, cleaned to a UTC instant (``None`` when left empty). The note of
    an ambiguous time is kept on the field (each form has its own copy of its fields)."""

    widget = LondonDateTimeInput

    def __init__(self, *, what: str, **kwargs: Any) -> None:
        self.what = what
        self.note = ""
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> datetime | None:
        self.note = ""
        text = str(value or "").strip()
        if not text:
            return None
        for pattern in LOCAL_FORMATS:
            try:
                local = datetime.strptime(text, pattern)
            except ValueError:
                continue
            result = london_instant(local.replace(second=0), what=self.what)
            self.note = result.note
            return result.instant
        raise forms.ValidationError(
            f"Enter {self.what} as a date and time, such as 25/10/2026 14:30.", code="invalid")


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
    occurred_at = LondonDateTimeField(
        label="When it happened", required=False, what="when it happened",
        help_text="UK time. Your best guess is fine; leave it empty if you do not know.")
    discovered_at = LondonDateTimeField(label="When you found out", required=False,
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
        self.fields["discovered_at"].help_text = (
            "UK time. Leave it empty if you found out just now: the time you send this "
            f"report is recorded (it is {_clock(local_now)} on {_day(local_now)}).")

    def notes(self) -> list[str]:
        """What the reporter should know about how their times were read."""
        return [field.note for field in self.fields.values()
                if isinstance(field, LondonDateTimeField) and field.note]

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

"""Dates and times typed in the GOV.UK pattern: Day, Month and Year boxes (and Hour and
Minute where a time matters), read as British dates whatever the browser's locale.

A browser's own date picker orders its parts by the browser's locale (a US-set browser shows
mm/dd/yyyy), so no form uses ``type="date"``: each part has its own labelled box and the
order is always day, month, year. The boxes are posted as ``<name>_0`` (day), ``<name>_1``
(month), ``<name>_2`` (year) and, for a date and time, ``<name>_3`` (hour, 0 to 23) and
``<name>_4`` (minute). A client that posts one ``<name>`` instead (``2026-03-27``,
``27/3/2026``, ``2026-03-27T14:05``, ``27/3/2026 14:05``) is read the same way.

A date and time is UK clock time (Europe/London) and is cleaned to a UTC instant. Twice a
year the UK clock is not a plain count: when the clocks go forward (last Sunday of March,
01:00 GMT becomes 02:00 BST) the hour between does not exist, and a time in it is refused,
naming the field; when they go back (last Sunday of October, 02:00 BST becomes 01:00 GMT)
the hour from 01:00 happens twice, and the first (British Summer Time, the earlier instant)
is taken and said in the field's ``note``, rather than adding a question to every form for
two hours a year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import capfirst

from schoolkeep.lib.dates_text import LONDON
from schoolkeep.lib.text import listed

DATE_HINT = "For example, 27 3 2026"
DATE_TIME_HINT = "For example, 27 3 2026 14 05"

# (part's name in messages, its box's label, its width in characters: a CSS class)
DATE_PARTS = (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))
TIME_PARTS = (("hour", "Hour", 2), ("minute", "Minute", 2))

# Month names people type instead of a number ("March", "mar", "Sept").
_MONTHS = {name: number for number, names in enumerate((
    (), ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
    ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
    ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
    ("dec", "december")), start=0) for name in names}

# One value posted instead of the boxes: ISO (as the old date inputs sent) or British order.
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::\d{2})?)?$", re.ASCII)
_BRITISH = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:,? (\d{1,2}):(\d{2}))?$", re.ASCII)


def _clock(moment: datetime) -> str:
    return f"{moment:%H:%M}"


def _day(moment: datetime) -> str:
    return f"{moment:%A} {moment.day} {moment:%B %Y}"


@dataclass(frozen=True)
class LocalTime:
    """A typed UK clock time as an instant, with a note when that time happened twice."""

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
    ("when it happened"). Raises ValidationError (code ``nonexistent``) for a time the
    clocks skipped; a time that happened twice is read as the first, with a note."""
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


def _single_value(text: str, size: int) -> list[str] | None:
    """The parts of one posted value (all empty for an empty value), or None when it is not
    a date this module reads."""
    text = text.strip()
    iso, british = _ISO.match(text), _BRITISH.match(text)
    if iso:
        year, month, day, hour, minute = iso.groups()
    elif british:
        day, month, year, hour, minute = british.groups()
    elif text:
        return None
    else:
        return [""] * size
    # Written as the boxes show a stored value: "3" for a day or month, "05" for a minute.
    clock = [f"{int(hour):02d}", minute] if hour else ["", ""]
    return [str(int(day)), str(int(month)), year, *clock][:size]


class UKDateInput(forms.MultiWidget):
    """Day, Month and Year boxes (type text, ``inputmode="numeric"``), each with its own
    label, rendered inside the field's fieldset (``use_fieldset``: the shared field template
    writes the fieldset, legend, hint and errors). The boxes of the parts in error are
    marked ``aria-invalid`` (set by the field when it cleans)."""

    template_name = "forms/date_input.html"
    use_fieldset = True
    parts: tuple[tuple[str, str, int], ...] = DATE_PARTS

    def __init__(self, attrs: dict[str, Any] | None = None, *, birthday: bool = False) -> None:
        widgets = []
        for name, _label, width in self.parts:
            box = {"inputmode": "numeric", "spellcheck": "false",
                   "class": f"date-input-box date-input-width-{width}"}
            if birthday and name in ("day", "month", "year"):
                box["autocomplete"] = f"bday-{name}"
            widgets.append(forms.TextInput(attrs=box))
        self.invalid_parts: set[int] = set()
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, datetime):
            if timezone.is_aware(value):
                value = value.astimezone(LONDON)
            return [str(value.day), str(value.month), str(value.year),
                    f"{value.hour:02d}", f"{value.minute:02d}"][:len(self.parts)]
        if isinstance(value, date):
            return [str(value.day), str(value.month), str(value.year)]
        if isinstance(value, str):
            size = len(self.parts)
            return _single_value(value, size) or [value, *([""] * (size - 1))]
        return [None] * len(self.parts)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        """The boxes' texts, or one posted ``name`` (its parts, or the text itself when it
        is not a date: the field then refuses it)."""
        boxes = [f"{name}_{index}" for index in range(len(self.parts))]
        if not any(box in data for box in boxes) and name in data:
            text = str(data.get(name) or "")
            return _single_value(text, len(self.parts)) or text
        return super().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and super().value_omitted_from_data(data, files, name)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        # Django marks every box of a field in error: keep the mark on the parts in error
        # when the field knows them (all boxes for an error the form or a service added).
        in_error = bool((attrs or {}).get("aria-invalid"))
        marked = self.invalid_parts or (set(range(len(self.parts))) if in_error else set())
        for index, (subwidget, (_part, label, _width)) in enumerate(
                zip(context["widget"]["subwidgets"], self.parts, strict=True)):
            subwidget["label"] = label
            sub_attrs = subwidget["attrs"]
            sub_attrs.pop("aria-invalid", None)
            if in_error and index in marked:
                sub_attrs["aria-invalid"] = "true"
                sub_attrs["class"] = f"{sub_attrs.get('class', '')} date-input-box-error".strip()
        return context


class UKDateTimeInput(UKDateInput):
    """Day, Month, Year, Hour and Minute boxes (24-hour clock, UK time)."""

    parts = DATE_PARTS + TIME_PARTS


class PartError(forms.ValidationError):
    """A refusal that knows which boxes are wrong (0 day, 1 month, 2 year, 3 hour,
    4 minute), so that only those are marked and the error summary links to the first."""

    def __init__(self, message: str, *, code: str, parts: set[int]) -> None:
        super().__init__(message, code=code)
        self.parts = parts


def _widget(field: forms.Field) -> UKDateInput:
    widget = field.widget
    assert isinstance(widget, UKDateInput)
    return widget


class UKDateField(forms.MultiValueField):
    """A date typed as Day, Month and Year; cleaned to a ``date`` (None when left empty).

    ``what`` names the field in messages (default: the label in lower case), ``past=True``
    refuses dates after today ("must be today or in the past"), ``birthday=True`` lets the
    browser fill a date of birth. A form's ``help_text`` comes before the one example hint.
    Messages may be replaced through ``error_messages`` keys ``required``, ``incomplete``,
    ``invalid``, ``year`` and ``past`` (formatted with ``{what}``, ``{What}`` and, for
    ``incomplete``, ``{missing}``: "a month", "a day and year").
    """

    widget_class: type[UKDateInput] = UKDateInput
    hint = DATE_HINT
    default_error_messages = {
        "required": "Enter {what}",
        "incomplete": "{What} must include {missing}",
        "invalid": "{What} must be a real date",
        "year": "{What} must include a year with 4 numbers, such as 2026",
        "past": "{What} must be today or in the past",
    }

    def __init__(self, *, what: str = "", past: bool = False, birthday: bool = False,
                 **kwargs: Any) -> None:
        self.what = what
        self.past = past
        self.note = ""
        help_text = str(kwargs.pop("help_text", "") or "").strip()
        kwargs["help_text"] = f"{help_text} {self.hint}" if help_text else self.hint
        kwargs.setdefault("widget", self.widget_class(birthday=birthday))
        kwargs.pop("require_all_fields", None)
        parts = [forms.CharField(required=False) for _ in self.widget_class.parts]
        super().__init__(parts, require_all_fields=False, **kwargs)

    @property
    def first_error_part(self) -> int:
        """The box the error summary links to: the first part in error (0, the day, when
        the whole field is)."""
        invalid = _widget(self).invalid_parts
        return min(invalid) if invalid else 0

    def _refuse(self, key: str, parts: set[int], **params: str) -> PartError:
        what = self.what or str(self.label or "the date").lower()
        words = {"what": what, "What": capfirst(what), **params}
        return PartError(self.error_messages[key].format(**words), code=key, parts=parts)

    def _texts(self, value: Any) -> list[str]:
        size = len(self.widget_class.parts)
        if isinstance(value, str):
            value = _single_value(value, size)
            if value is None:
                raise self._refuse("invalid", {0})
        texts = [str(part or "").strip() for part in list(value or [])[:size]]
        return texts + [""] * (size - len(texts))

    def _numbers(self, texts: list[str]) -> list[int]:
        """Each part as a number, refusing a missing part, a word, or a year not of 4
        digits, naming the parts."""
        parts = self.widget_class.parts
        missing = [parts[index][0] for index, text in enumerate(texts) if not text]
        if missing:
            article = "an" if missing[0] == "hour" else "a"
            raise self._refuse("incomplete", {i for i, text in enumerate(texts) if not text},
                               missing=f"{article} {listed(missing)}")
        numbers: list[int] = []
        for index, text in enumerate(texts):
            month = text.lower().rstrip(".")
            if index == 1 and month in _MONTHS:
                numbers.append(_MONTHS[month])
            elif text.isdigit() and text.isascii():
                numbers.append(int(text))
            else:
                raise self._refuse("invalid", {index})
        if len(texts[2]) != 4:
            raise self._refuse("year", {2})
        return numbers

    def _date(self, numbers: list[int]) -> date:
        day, month, year = numbers[:3]
        if not 1 <= month <= 12:
            raise self._refuse("invalid", {1})
        try:
            return date(year, month, day)
        except ValueError:
            raise self._refuse("invalid", {0}) from None

    def parse(self, value: Any) -> tuple[Any, str]:
        """The cleaned value of the posted parts and a note for the person ("" or, for a
        time that happened twice, how it was read). Changes nothing on the field."""
        texts = self._texts(value)
        if not any(texts):
            if self.required:
                raise self._refuse("required", set(range(len(texts))))
            return None, ""
        return self.from_numbers(self._numbers(texts))

    def from_numbers(self, numbers: list[int]) -> tuple[Any, str]:
        result = self._date(numbers)
        if self.past and result > timezone.localdate(timezone.now(), LONDON):
            raise self._refuse("past", {0, 1, 2})
        return result, ""

    def clean(self, value: Any) -> Any:
        widget = _widget(self)
        widget.invalid_parts = set()
        self.note = ""
        try:
            result, self.note = self.parse(value)
        except PartError as error:
            widget.invalid_parts = error.parts
            raise
        self.run_validators(result)
        return result

    def compress(self, data_list: list[Any]) -> Any:
        # MultiValueField asks for it; clean() above reads the parts itself, to name the
        # part in error.
        return self.parse(data_list)[0]

    def has_changed(self, initial: Any, data: Any) -> bool:
        if self.disabled:
            return False
        try:
            cleaned = self.parse(data)[0]
            if isinstance(initial, str | list):
                initial = self.parse(initial)[0]
        except forms.ValidationError:
            return True
        return bool(initial != cleaned)


class UKDateTimeField(UKDateField):
    """A UK clock time typed as Day, Month, Year, Hour and Minute (24-hour); cleaned to a
    UTC instant (None when left empty). A time the clocks skipped is refused naming the
    field; a time that happened twice is read as the first, and the field's ``note`` says
    so after cleaning (each form has its own copy of its fields; ``date_notes(form)``
    lists them). ``past=True`` refuses a time after now."""

    widget_class = UKDateTimeInput
    hint = DATE_TIME_HINT
    default_error_messages = {
        "invalid": "{What} must be a real date and time",
        "hour": "{What} must have an hour from 0 to 23",
        "minute": "{What} must have a minute from 0 to 59",
        "past": "{What} must be in the past",
    }

    def from_numbers(self, numbers: list[int]) -> tuple[Any, str]:
        day = self._date(numbers)
        hour, minute = numbers[3:5]
        if hour > 23:
            raise self._refuse("hour", {3})
        if minute > 59:
            raise self._refuse("minute", {4})
        local = datetime(day.year, day.month, day.day, hour, minute)
        what = self.what or str(self.label or "the time").lower()
        try:
            result = london_instant(local, what=what)
        except forms.ValidationError as error:
            raise PartError(error.messages[0], code="nonexistent", parts={3, 4}) from None
        if self.past and result.instant > timezone.now():
            raise self._refuse("past", {0, 1, 2, 3, 4})
        return result.instant, result.note


def date_notes(form: forms.Form) -> list[str]:
    """What the person should know about how the form's times were read (a time that
    happened twice), for the page after a save."""
    return [field.note for field in form.fields.values()
            if isinstance(field, UKDateTimeField) and field.note]

"""Records the user-list tests share: people with names and e-mail addresses, a system, a
user list written as a file."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

from tests.personas import Personas

from schoolkeep.people import derive
from schoolkeep.people.models import Person
from schoolkeep.systems.models import System
from schoolkeep.tenancy.models import School


def person(school: School, full_name: str, *, email: str = "",
           leaving_date: date | None = None, **fields: Any) -> Person:
    return Person.objects.create(school=school, full_name=full_name,
                                 name_key=derive.name_key(full_name), kind="support",
                                 email=email, leaving_date=leaving_date, **fields)


def system(personas: Personas, name: str = "SIMS") -> System:
    return System.objects.create(school=personas.school, name=name, name_key=name.casefold())


def csv_bytes(rows: list[list[Any]]) -> bytes:
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    return text.getvalue().encode("utf-8")


def write_csv(folder: Path, rows: list[list[Any]], name: str = "users.csv") -> Path:
    path = folder / name
    path.write_bytes(csv_bytes(rows))
    return path

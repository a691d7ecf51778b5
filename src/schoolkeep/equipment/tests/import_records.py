"""Records the equipment import tests share: a file written as CSV or XLSX, a person, an
item recorded as the inventory's services would record it."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from schoolkeep.equipment.keys import serial_key, tag_key
from schoolkeep.equipment.models import Item
from schoolkeep.people import derive
from schoolkeep.people.models import Person
from schoolkeep.tenancy.models import School

HEADINGS = ["Asset tag", "Serial number", "Kind", "Make", "Model", "Holds personal data",
            "Encryption", "Location", "Assigned to"]


def csv_bytes(rows: list[list[Any]]) -> bytes:
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    return text.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_file(folder: Path, rows: list[list[Any]], name: str = "equipment.csv") -> Path:
    path = folder / name
    path.write_bytes(xlsx_bytes(rows) if name.endswith(".xlsx") else csv_bytes(rows))
    return path


def person(school: School, full_name: str, *, email: str = "") -> Person:
    return Person.objects.create(school=school, full_name=full_name,
                                 name_key=derive.name_key(full_name), kind="support",
                                 email=email)


def item(school: School, *, serial: str = "", tag: str = "", **fields: Any) -> Item:
    fields.setdefault("kind", Item.Kind.LAPTOP)
    return Item.objects.create(school=school, serial_number=serial, serial_key=serial_key(serial),
                               asset_tag=tag, asset_tag_key=tag_key(tag), **fields)

"""Shapes of the API's answers."""

from __future__ import annotations

from ninja import Schema
from pydantic import BaseModel


class Out(BaseModel):
    """The base of a list item's shape: a plain pydantic model, built from the dict its
    endpoint makes and checked entirely in pydantic's core.

    ninja's ``Schema`` wraps every object it checks in a getter that Python calls once per
    field, to read Django models as well as dicts: for a page of 50 assets that took ten
    times as long as pydantic alone (bench/api_lists.py), more than the rest of the answer.
    A shape built from model instances stays a ``Schema``.
    """


class SchoolOut(Schema):
    slug: str
    name: str
    roles: list[str]


class MeOut(Schema):
    email: str
    full_name: str
    schools: list[SchoolOut]


class ErrorItem(Schema):
    loc: list[str | int]
    msg: str


class ValidationErrorOut(Schema):
    detail: list[ErrorItem]


class MessageOut(Schema):
    detail: str

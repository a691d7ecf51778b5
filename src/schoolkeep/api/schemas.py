"""Shapes of the API's answers."""

from __future__ import annotations

from ninja import Schema


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

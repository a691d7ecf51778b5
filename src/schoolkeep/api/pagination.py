"""Lists in the API: ``?school=<slug>`` (not a member: 404), ``{"items": [...], "count": N}``,
50 a page by default and at most 100 (``limit``, ``offset``); an offset beyond
1,000,000 is refused (422 naming ``offset``): no list is that long, and a database cannot
take an offset of any size (SQLite's integers end at 2**63 - 1).

An endpoint takes ``params: Query[ListParams]``, resolves the school with
``school_access(request, params.school)`` and returns ``paginate(queryset, params)``
with ``response=Page[ItemSchema]``.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Schema

from schoolkeep.api.schemas import Out
from schoolkeep.tenancy.access import SchoolAccess

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
MAX_OFFSET = 1_000_000

T = TypeVar("T")


class ListParams(Schema):
    school: str = Field(..., description="The school's slug.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class Page(Out, Generic[T]):
    items: list[T]
    count: int


def school_access(request: HttpRequest, slug: str, permission: str | None = None) -> SchoolAccess:
    """The caller's access to the school with this slug: 404 when they are not a member,
    403 (ninja's HttpError) when their roles there lack ``permission``."""
    from ninja.errors import HttpError

    for access in getattr(request, "access_list", []):
        if access.school.slug == slug:
            if permission and not access.can(permission):
                raise HttpError(403, "Your role does not allow this.")
            return access
    raise Http404("Not found")


def paginate(queryset: QuerySet[Any], *, limit: int = DEFAULT_LIMIT,
             offset: int = 0, columns: tuple[str, ...] = ()) -> dict[str, Any]:
    """One page of ``queryset`` and the total count (two queries, whatever the size).

    ``columns``: the page's rows as dicts of these values rather than as models (a model
    with its related models is several times the work of the values an answer gives); the
    count stays that of the queryset, without the joins the columns would add to it.
    An offset beyond ``MAX_OFFSET`` (``ListParams`` refuses it) gives an empty page."""
    limit = max(1, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    if offset > MAX_OFFSET:
        return {"items": [], "count": queryset.count()}
    page = queryset[offset:offset + limit]
    return {"items": list(page.values(*columns) if columns else page),
            "count": queryset.count()}

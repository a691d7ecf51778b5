"""Links to many records of one kind, reversed once.

A list page links each of its rows to the row's page; a ``reverse`` per row was 50 a page.
``url_for_each`` reverses the URL once with a placeholder id and puts each record's id in
its place."""

from __future__ import annotations

from uuid import UUID

from django.urls import reverse

_PLACEHOLDER = str(UUID(int=0))


class UrlForEach:
    """``url(public_id)``: the URL named ``name`` for that id, as ``reverse(name,
    args=[public_id])`` gives it."""

    # Given to a template as a value (a tag's argument), not called by the template.
    do_not_call_in_templates = True

    def __init__(self, name: str) -> None:
        self._pattern = reverse(name, args=[_PLACEHOLDER])

    def __call__(self, public_id: UUID | str) -> str:
        return self._pattern.replace(_PLACEHOLDER, str(public_id))


def url_for_each(name: str) -> UrlForEach:
    """The URL named ``name`` (one argument: a record's public id) for any id."""
    return UrlForEach(name)

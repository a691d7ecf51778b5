"""The many-to-many values of one page of a list, read from the link table in one query.

A list answers only a value or two of each related row (an access label's text, a system's
id). ``prefetch_related`` would build a model, and a queryset per row of the page, for
each of them, which costs more than the rest of the answer: this reads the pairs
(row id, value) instead, in the order the answer gives them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db.models import Model


def related_values(
    relation: Any,
    rows: Iterable[Model | int],
    value: str,
    *,
    order_by: Sequence[str] = ("pk",),
    where: Mapping[str, Any] | None = None,
) -> dict[int, list[Any]]:
    """{row pk: [value, ...]} for a many-to-many ``relation`` of ``rows`` (models, or their
    pks): the descriptor of either end (``Asset.systems`` for assets' systems,
    ``System.assets`` for systems' assets).

    ``value``, ``order_by`` and ``where`` (lookups that must hold) name fields of the model
    at the other end; ``order_by``'s "pk" is the link row's, so by default the values come
    in the order they were entered.
    """
    field = relation.field
    through = relation.through
    owner, other = field.m2m_field_name(), field.m2m_reverse_field_name()
    if relation.reverse:  # the rows are the relation's target
        owner, other = other, owner
    ids = [row if isinstance(row, int) else row.pk for row in rows]
    if not ids:
        return {}
    links = through.objects.filter(**{f"{owner}_id__in": ids})
    if where:
        links = links.filter(**{f"{other}__{lookup}": wanted for lookup, wanted in where.items()})
    ordering = [key if key == "pk" else f"{other}__{key}" for key in order_by]
    result: dict[int, list[Any]] = defaultdict(list)
    for row_id, found in links.order_by(*ordering).values_list(f"{owner}_id",
                                                               f"{other}__{value}"):
        result[row_id].append(found)
    return result


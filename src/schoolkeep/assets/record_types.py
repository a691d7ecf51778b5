"""An asset's record-type links read as the schedule in force: a link made to a shipped or a
trust's row shows as the school's adjusted row of the same key (``effective_by_key``), so an
adjustment never leaves the register on the superseded period."""

from __future__ import annotations

from collections.abc import Iterable
from types import SimpleNamespace

from django.db.models import (
    Case,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from schoolkeep.privacy.schedule.models import AssetRecordType, RecordType
from schoolkeep.privacy.schedule.selectors import effective_by_key


def in_force(school, rows: Iterable[RecordType],
             by_key: dict[str, RecordType] | None = None) -> list[RecordType]:
    """``rows`` each replaced by the row of its key in force for ``school`` (one query unless
    ``by_key`` is given), each once, by name."""
    rows = list(rows)
    if not rows:
        return []
    if by_key is None:
        by_key = effective_by_key(school)
    resolved: dict[int, RecordType] = {}
    for row in rows:
        current = by_key.get(row.key, row) if row.key else row
        resolved[current.pk] = current
    return sorted(resolved.values(), key=lambda item: (item.name, item.pk))


# Fields of the row in force that the register's texts need.
IN_FORCE_FIELDS = ("public_id", "name", "years", "months", "days", "event")


def _in_force_rows(link_prefix: str):
    """Rows of the link's key that may be in force for the asset's school, most specific
    first (the school's, the trust's, the shipped one); none for an unkeyed type."""
    def outer(name: str) -> OuterRef:
        return OuterRef(f"{link_prefix}{name}")

    owners = (Q(school_id=outer("asset__school_id"))
              | Q(school__isnull=True, organisation_id=outer("asset__school__organisation_id"))
              | Q(school__isnull=True, organisation__isnull=True))
    return (RecordType.objects.filter(owners, key=outer("record_type__key"),
                                      archived_at__isnull=True)
            .exclude(key="")
            .annotate(rank=Case(When(school__isnull=False, then=Value(0)),
                                When(organisation__isnull=False, then=Value(1)),
                                default=Value(2), output_field=IntegerField()))
            .order_by("rank", "pk"))


def links_in_force(links: QuerySet[AssetRecordType]) -> QuerySet[AssetRecordType]:
    """``links`` with the fields of the row in force of each link's key annotated as
    ``in_force_<field>`` (still one query): the link's own row when nothing replaces it."""
    rows = _in_force_rows("")
    return links.select_related("record_type").annotate(**{
        f"in_force_{name}": Coalesce(Subquery(rows.values(name)[:1]), F(f"record_type__{name}"))
        for name in IN_FORCE_FIELDS})


def in_force_of_link(link: AssetRecordType) -> SimpleNamespace:
    """The row in force of an annotated link (``links_in_force``), as a plain record with
    ``public_id, name, years, months, days, event``."""
    return SimpleNamespace(**{name: getattr(link, f"in_force_{name}") for name in IN_FORCE_FIELDS})

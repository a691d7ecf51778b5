"""Builders shared by the suppliers' tests: systems, assets and suppliers of a school made
through the registers' own services."""

from __future__ import annotations

from datetime import date
from typing import Any

from schoolkeep.assets.models import Asset, AssetGroup, OutsideOrganisation
from schoolkeep.lib.text import fold
from schoolkeep.privacy.suppliers.models import Processor
from schoolkeep.privacy.suppliers.services import processor_create
from schoolkeep.systems.models import System
from schoolkeep.systems.services import system_create
from schoolkeep.tenancy.models import School

# The smallest PDF a reader opens (the header is what the check reads).
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def system(school: School, name: str, **fields: Any) -> System:
    return system_create(school=school, actor=None, name=name, **fields)


def organisation(school: School, name: str) -> OutsideOrganisation:
    return OutsideOrganisation.objects.create(school=school, name=name, name_key=fold(name))


def asset(school: School, name: str, **fields: Any) -> Asset:
    group, _ = AssetGroup.objects.get_or_create(
        school=school, name_key="pupils", defaults={"name": "Pupils", "position": 1})
    return Asset.objects.create(school=school, group=group, name=name, name_key=fold(name),
                                **fields)


def supplier(school: School, name: str, **fields: Any) -> Processor:
    return processor_create(school=school, actor=None, name=name, **fields)


def in_order(school: School, name: str, *, today: date, **fields: Any) -> Processor:
    """A processor with everything in date: agreement, review, UK data."""
    processor = supplier(school, name, data_location="uk",
                         agreement_signed_on=date(today.year - 1, 1, 1),
                         agreement_review_on=date(today.year + 2, 1, 1), **fields)
    Processor.objects.filter(pk=processor.pk).update(agreement_on_file=True,
                                                     last_reviewed_on=today)
    processor.refresh_from_db()
    return processor

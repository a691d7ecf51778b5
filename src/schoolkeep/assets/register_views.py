"""What the register's old fields have become, for an asset's and a system's page: the DPIA
(``privacy.dpias``), the agreement with the organisation handling the data
(``privacy.suppliers``) and, for an asset, the record types it holds (``privacy.schedule``)
with the free text kept from before. A constant number of queries per page."""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import urlencode

from django.urls import reverse

from schoolkeep.assets.models import Asset
from schoolkeep.assets.record_types import in_force
from schoolkeep.privacy.dpias.selectors import dpia_summaries
from schoolkeep.privacy.legacy import LEGACY_NOTE
from schoolkeep.privacy.schedule.models import LegacyRetentionText, RecordType
from schoolkeep.privacy.schedule.rules import describe_period
from schoolkeep.privacy.suppliers.selectors import agreement_states
from schoolkeep.systems.models import System
from schoolkeep.tenancy.http import SchoolRequest


def _with_query(name: str, **query: str) -> str:
    return f"{reverse(name)}?{urlencode(query)}"


def _common(request: SchoolRequest, kind: Literal["asset", "system"],
            obj: Asset | System) -> dict[str, Any]:
    key = (kind, obj.pk)
    access = request.access
    assets, systems = ([obj.pk], []) if kind == "asset" else ([], [obj.pk])
    return {
        "dpia": dpia_summaries(asset_ids=assets, system_ids=systems).get(key)
        if access.can("dpias.view") else None,
        "show_dpia": access.can("dpias.view"),
        "dpia_start_url": _with_query("dpias:dpia-start", **{kind: str(obj.public_id)})
        if access.can("dpias.manage") else "",
        "agreement": agreement_states(asset_ids=assets, system_ids=systems).get(key)
        if access.can("processors.view") else None,
        "show_agreement": access.can("processors.view"),
        "legacy_note": LEGACY_NOTE,
    }


def register_views(request: SchoolRequest, asset: Asset) -> dict[str, Any]:
    """The asset page's DPIA, agreement and retention (record types, old text)."""
    legacy = LegacyRetentionText.objects.filter(asset_id=asset.pk).first()
    return {
        **_common(request, "asset", asset),
        "record_types": [{"name": row.name, "period": describe_period(row)}
                         for row in in_force(request.school, RecordType.objects.filter(
                             asset_links__asset_id=asset.pk))],
        "legacy_retention": legacy.text if legacy else "",
        "can_see_schedule": request.access.can("retention.view"),
        "destruction_url": _with_query("destructions:destruction-record",
                                       asset=str(asset.public_id))
        if request.access.can("destructions.record") and asset.archived_at is None else "",
    }


def system_register_views(request: SchoolRequest, system: System) -> dict[str, Any]:
    """The system page's DPIA and agreement."""
    return _common(request, "system", system)

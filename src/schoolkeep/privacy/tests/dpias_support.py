"""Records the DPIA tests share: an asset of the register and a DPIA through its stages."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from tests.personas import Personas

from schoolkeep.assets.models import Asset, AssetGroup
from schoolkeep.lib.text import fold
from schoolkeep.privacy.dpias import screening, services
from schoolkeep.privacy.dpias.models import Dpia
from schoolkeep.tenancy.models import School


def make_asset(school: School, name: str = "Child protection files", **fields: Any) -> Asset:
    group, _ = AssetGroup.objects.get_or_create(school=school, name_key=fold("Safeguarding"),
                                                defaults={"name": "Safeguarding"})
    return Asset.objects.create(school=school, group=group, name=name, name_key=fold(name),
                                **fields)


def answers(*yes: str) -> dict[str, tuple[bool, str]]:
    """Every screening question answered: the keys given yes, the rest no."""
    return {q.key: (q.key in yes, "") for q in screening.QUESTIONS}


REQUIRED = ("edpb_sensitive", "edpb_vulnerable")  # two criteria: required


def started(personas: Personas, name: str = "Child protection files", **fields: Any) -> Dpia:
    asset = make_asset(personas.school, name, **fields)
    return services.dpia_start(school=personas.school, actor=personas.iao, asset=asset)


def screened(personas: Personas, *yes: str, **fields: Any) -> Dpia:
    dpia = started(personas, **fields)
    return services.dpia_screen(dpia, actor=personas.iao, version=dpia.version,
                                answers=answers(*(yes or REQUIRED)))


def assessed(personas: Personas, dpia: Dpia) -> Dpia:
    """The assessment's text written: the purpose, necessity and the people's views."""
    return services.dpia_update(dpia, actor=personas.iao, version=dpia.version,
                                description={"purpose": "Keeping children safe"},
                                necessity="No other way to keep children safe",
                                consultation_views="Parents agreed at the forum")


def with_risk(personas: Personas, *, residual: tuple[int, int] | None = (1, 2)) -> Dpia:
    dpia = assessed(personas, screened(personas))
    r_l, r_s = residual if residual else (None, None)
    services.risk_add(dpia, actor=personas.iao, version=dpia.version,
                      description="Files seen by staff who should not see them",
                      likelihood=2, severity=3, measures="Locked cabinet; access list",
                      residual_likelihood=r_l, residual_severity=r_s)
    return Dpia.objects.get(pk=dpia.pk)


def advised(personas: Personas, dpia: Dpia) -> Dpia:
    return services.dpia_record_advice(
        dpia, actor=personas.dpo, version=dpia.version, advice="Proceed with the measures.",
        advised_on=timezone.localdate(), followed=True)


def sign_off(personas: Personas, dpia: Dpia, review_on: date | None = None) -> Dpia:
    today = timezone.localdate()
    return services.dpia_sign_off(dpia, actor=personas.siro, version=dpia.version,
                                  signed_off_on=today,
                                  review_on=review_on or today + timedelta(days=365))

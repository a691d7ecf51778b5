# ruff: noqa: E501  (one row per line keeps the table readable)
"""Permission-matrix rows of the DPIA pages (privacy/dpias/urls.py; the downloads are in
privacy_dpias_exports.py).

Reading (``dpias.view``): SIRO, DPO, IAO, business manager, IT lead, DSL and the auditor;
HR, the data administrator, staff, governors and the trust administrator get 403. Writing
the screening, the assessment, risks, the ICO's consultation and archiving
(``dpias.manage``): SIRO, DPO, IAO, business manager, IT lead. The DPO's advice is the
DPO's alone (``dpias.advise``) and the sign-off the SIRO's (``dpias.signoff``). The outsider
(SIRO of another school) gets a 404 for this school's DPIA wherever their own permission
lets them that far; starting a DPIA in their own school works.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from schoolkeep.assets.models import Asset, AssetGroup
from schoolkeep.lib.text import fold
from schoolkeep.privacy.dpias import screening, services
from tests.personas import Personas


def build(personas: Personas) -> dict[str, Any]:
    """A DPIA of an asset, screened as required, its assessment written, with one risk
    scored low after its measures and the DPO's advice recorded: ready for the SIRO's
    sign-off."""
    school = personas.school
    group, _ = AssetGroup.objects.get_or_create(school=school, name_key=fold("Safeguarding"),
                                                defaults={"name": "Safeguarding"})
    asset = Asset.objects.create(school=school, group=group, name="Matrix DPIA asset",
                                 name_key=fold("Matrix DPIA asset"))
    dpia = services.dpia_start(school=school, actor=None, asset=asset)
    dpia = services.dpia_screen(dpia, actor=None, version=dpia.version, answers={
        q.key: (q.key in ("edpb_sensitive", "edpb_vulnerable"), "")
        for q in screening.QUESTIONS})
    dpia = services.dpia_update(dpia, actor=None, version=dpia.version,
                                description={"purpose": "Keeping children safe"},
                                necessity="Required by law", consultation_views="Agreed")
    risk = services.risk_add(dpia, actor=None, version=dpia.version, description="Seen by "
                             "the wrong people", likelihood=2, severity=2,
                             residual_likelihood=1, residual_severity=1)
    dpia.refresh_from_db()
    dpia = services.dpia_record_advice(dpia, actor=None, version=dpia.version,
                                       advice="Proceed", advised_on=timezone.localdate(),
                                       followed=True)
    return {"dpia_id": str(dpia.public_id), "dpia_risk_id": str(risk.public_id),
            "dpia_version": str(dpia.version)}


def _dpia(t: Any) -> dict[str, str]:
    return {"public_id": t.extra["dpia_id"]}


def _risk(t: Any) -> dict[str, str]:
    return {"public_id": t.extra["dpia_id"], "risk_id": t.extra["dpia_risk_id"]}


def _day(name: str, day: date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def _screening(t: Any) -> dict[str, str]:
    return {"version": t.extra["dpia_version"],
            **{q.key: "yes" if q.key in ("ico_tracking", "edpb_vulnerable") else "no"
               for q in screening.QUESTIONS}}


def _risk_body(t: Any) -> dict[str, str]:
    return {"version": t.extra["dpia_version"], "description": "Lost on a bus",
            "likelihood": "1", "severity": "2", "residual_likelihood": "1",
            "residual_severity": "1"}


URL_ARGUMENTS = {
    "dpias:dpia-detail": _dpia,
    "dpias:dpia-screening": _dpia,
    "dpias:dpia-edit": _dpia,
    "dpias:dpia-risk-add": _dpia,
    "dpias:dpia-risk-edit": _risk,
    "dpias:dpia-risk-remove": _risk,
    "dpias:dpia-advice": _dpia,
    "dpias:dpia-ico": _dpia,
    "dpias:dpia-sign-off": _dpia,
    "dpias:dpia-archive": _dpia,
}

FORM_BODIES: dict[tuple[str, str], Any] = {
    ("dpias:dpia-start", "POST"): lambda t: {"asset": "", "system": "",
                                             "project_name": "New reading app"},
    ("dpias:dpia-screening", "POST"): _screening,
    ("dpias:dpia-edit", "POST"): lambda t: {"version": t.extra["dpia_version"],
                                            "necessity": "Needed to keep children safe"},
    ("dpias:dpia-risk-add", "POST"): _risk_body,
    ("dpias:dpia-risk-edit", "POST"): _risk_body,
    ("dpias:dpia-risk-remove", "POST"): lambda t: {"version": t.extra["dpia_version"]},
    ("dpias:dpia-advice", "POST"): lambda t: {
        "version": t.extra["dpia_version"], "advice": "Proceed", "followed": "yes",
        **_day("advised_on", timezone.localdate())},
    ("dpias:dpia-ico", "POST"): lambda t: {
        "version": t.extra["dpia_version"], **_day("consulted_on", timezone.localdate())},
    ("dpias:dpia-sign-off", "POST"): lambda t: {
        "version": t.extra["dpia_version"], **_day("signed_off_on", timezone.localdate()),
        **_day("review_on", timezone.localdate() + timedelta(days=365))},
    ("dpias:dpia-archive", "POST"): lambda t: {"version": t.extra["dpia_version"]},
}

#                                        anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("dpias:dpia-list", "GET"): "302 200 200 200 200 200 200 403 403 403 403 200 403 200",
    ("dpias:dpia-list", "POST"): "302 405 405 405 405 405 405 403 403 403 403 405 403 405",
    ("dpias:dpia-start", "GET"): "302 200 200 200 200 200 403 403 403 403 403 403 403 200",
    ("dpias:dpia-start", "POST"): "302 302 302 302 302 302 403 403 403 403 403 403 403 302",
    ("dpias:dpia-detail", "GET"): "302 200 200 200 200 200 200 403 403 403 403 200 403 404",
    ("dpias:dpia-detail", "POST"): "302 405 405 405 405 405 405 403 403 403 403 405 403 405",
    ("dpias:dpia-screening", "GET"): "302 200 200 200 200 200 403 403 403 403 403 403 403 404",
    ("dpias:dpia-screening", "POST"): "302 302 302 302 302 302 403 403 403 403 403 403 403 404",
    ("dpias:dpia-edit", "GET"): "302 200 200 200 200 200 403 403 403 403 403 403 403 404",
    ("dpias:dpia-edit", "POST"): "302 302 302 302 302 302 403 403 403 403 403 403 403 404",
    ("dpias:dpia-risk-add", "GET"): "302 200 200 200 200 200 403 403 403 403 403 403 403 404",
    ("dpias:dpia-risk-add", "POST"): "302 302 302 302 302 302 403 403 403 403 403 403 403 404",
    ("dpias:dpia-risk-edit", "GET"): "302 200 200 200 200 200 403 403 403 403 403 403 403 404",
    ("dpias:dpia-risk-edit", "POST"): "302 302 302 302 302 302 403 403 403 403 403 403 403 404",
    ("dpias:dpia-risk-remove", "GET"): "302 200 200 200 200 200 403 403 403 403 403 403 403 404",
    ("dpias:dpia-risk-remove", "POST"): "302 302 302 302 302 302 403 403 403 403 403 403 403 404",
    ("dpias:dpia-advice", "GET"): "302 403 200 403 403 403 403 403 403 403 403 403 403 403",
    ("dpias:dpia-advice", "POST"): "302 403 302 403 403 403 403 403 403 403 403 403 403 403",
    ("dpias:dpia-ico", "GET"): "302 200 200 200 200 200 403 403 403 403 403 403 403 404",
    ("dpias:dpia-ico", "POST"): "302 302 302 302 302 302 403 403 403 403 403 403 403 404",
    ("dpias:dpia-sign-off", "GET"): "302 200 403 403 403 403 403 403 403 403 403 403 403 404",
    ("dpias:dpia-sign-off", "POST"): "302 302 403 403 403 403 403 403 403 403 403 403 403 404",
    ("dpias:dpia-archive", "GET"): "302 200 200 200 200 200 403 403 403 403 403 403 403 404",
    ("dpias:dpia-archive", "POST"): "302 302 302 302 302 302 403 403 403 403 403 403 403 404",
}

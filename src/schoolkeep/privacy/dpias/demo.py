"""The demo's DPIAs at Larkspur, written through the DPIA services, dated back from the day
the demo is built so that it builds (and looks current) on any date:

- "Child protection records": half done. Screened 20 days ago (special category data about
  vulnerable people: two of the nine criteria, so required), the processing described, two
  risks with their measures, and the DPO's advice recorded 10 days ago and followed; the
  SIRO has not signed it off yet.
- "CCTV recordings": complete. Screened 45 days ago (monitoring, and children among those
  filmed), assessed, the DPO's advice recorded 40 days ago, signed off by the SIRO 30 days
  ago, with its review due in 11 months.

The dates are in the order the services keep (screened, then advised, then signed off) and
none is after the day the demo is built (the review date is the one date to come).

The screening and the assessment are written as the command line (no signed-in actor), like
the rest of the demo; the DPO's advice and the sign-off are recorded by the demo's DPO and
SIRO, whose roles those steps need.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from schoolkeep.assets.models import Asset
from schoolkeep.demo.builder import DemoContext
from schoolkeep.lib.dates_text import LONDON
from schoolkeep.privacy.dpias import screening, services
from schoolkeep.privacy.dpias.models import Dpia

CHILD_PROTECTION = "Child protection records"
CCTV = "CCTV recordings"
CP_SCREENED_DAYS = 20
CP_ADVICE_DAYS = 10
CCTV_SCREENED_DAYS = 45
CCTV_ADVICE_DAYS = 40
CCTV_SIGNED_DAYS = 30
CCTV_REVIEW_IN_DAYS = 335

CP_YES = {
    "edpb_sensitive": "Safeguarding concerns, health and family circumstances.",
    "edpb_vulnerable": "The records are about children, some of them at risk of harm.",
}
CCTV_YES = {
    "art35_public_monitoring": "The gate camera also covers part of the pavement outside.",
    "edpb_monitoring": "Cameras record the playground, entrances and car park all day.",
    "edpb_vulnerable": "Pupils are filmed, and cannot reasonably object.",
}
CP_RISKS = [
    {"description": "A record is seen by staff who do not need it.",
     "likelihood": 2, "severity": 3,
     "measures": "Access in CPOMS limited to the safeguarding team; two-factor sign-in; "
                 "a termly check of who has access.",
     "residual_likelihood": 1, "residual_severity": 3, "measures_approved": True},
    {"description": "The file is not passed on, or goes to the wrong school, when a pupil "
                    "moves.",
     "likelihood": 2, "severity": 3,
     "measures": "Transfer through CPOMS to the named DSL of the new school within five "
                 "school days, with a confirmation of receipt kept.",
     "residual_likelihood": 1, "residual_severity": 2, "measures_approved": True},
]
CCTV_RISKS = [
    {"description": "Footage is kept longer than needed.", "likelihood": 2, "severity": 2,
     "measures": "The recorder overwrites footage after 30 days; a clip kept for an "
                 "incident is logged with its reason.",
     "residual_likelihood": 1, "residual_severity": 2, "measures_approved": True},
    {"description": "Cameras film neighbours' gardens or more of the street than needed.",
     "likelihood": 2, "severity": 2,
     "measures": "Cameras angled at the site; privacy masking on the gate camera.",
     "residual_likelihood": 1, "residual_severity": 1, "measures_approved": True},
]


def _today() -> date:
    return timezone.localdate(timezone.now(), LONDON)


def _answers(yes: dict[str, str]) -> dict[str, tuple[bool, str]]:
    """Every screening question answered: yes (with its note) for those given, else no."""
    return {question.key: (question.key in yes, yes.get(question.key, ""))
            for question in screening.QUESTIONS}


def _fresh(dpia: Dpia) -> Dpia:
    return Dpia.objects.get(pk=dpia.pk)


def _assessed(school: Any, name: str, yes: dict[str, str], risks: list[dict[str, Any]],
              text: dict[str, str], *, screened_on: date) -> Dpia | None:
    """The asset's DPIA screened and assessed with its risks: the current one when the
    register's old fields made one (a legacy DPIA still in progress), else a new one. None
    when the asset is not in the register or its DPIA is already signed off or assessed."""
    asset = Asset.objects.filter(school=school, name=name, archived_at__isnull=True).first()
    if asset is None:
        return None
    dpia = Dpia.objects.filter(asset=asset, archived_at__isnull=True).first()
    if dpia is None:
        dpia = services.dpia_start(school=school, actor=None, asset=asset)
    elif dpia.signed_off_on is not None or dpia.risks.exists():
        return None
    dpia = services.dpia_screen(dpia, actor=None, version=dpia.version, answers=_answers(yes),
                                screened_on=screened_on)
    dpia = services.dpia_update(dpia, actor=None, version=dpia.version, **text)
    for risk in risks:
        services.risk_add(dpia, actor=None, version=dpia.version, **risk)
        dpia = _fresh(dpia)
    return dpia


def _child_protection(ctx: DemoContext, today: date) -> None:
    dpia = _assessed(ctx.schools["larkspur"], CHILD_PROTECTION, CP_YES, CP_RISKS, {
        "processing_notes": "Concerns about pupils' welfare are logged in CPOMS by any member "
                            "of staff and handled by the safeguarding team; about 40 pupils "
                            "have an open file at any time.",
        "necessity": "Keeping children safe in education requires the school to record "
                     "concerns and actions; CPOMS is the least intrusive way to share them "
                     "only with those who need them.",
        "consultation_not_sought_reason": "Asking the families concerned would put children "
                                          "at risk; the privacy notice tells parents how "
                                          "safeguarding records are kept.",
    }, screened_on=today - timedelta(days=CP_SCREENED_DAYS))
    if dpia is None:
        return
    services.dpia_record_advice(
        dpia, actor=ctx.users["larkspur.dpo"], version=dpia.version,
        advice="The residual risks are acceptable with the measures listed. Confirm the "
               "termly access check is in the safeguarding calendar before sign-off.",
        advised_on=today - timedelta(days=CP_ADVICE_DAYS), followed=True)


def _cctv(ctx: DemoContext, today: date) -> None:
    dpia = _assessed(ctx.schools["larkspur"], CCTV, CCTV_YES, CCTV_RISKS, {
        "processing_notes": "Six cameras record the entrances, playground and car park; "
                            "Vale Security Services maintains the recorder, which keeps 30 "
                            "days of footage.",
        "necessity": "Needed for the safety of pupils and staff and the security of the "
                     "site; signs at every entrance; no cameras inside classrooms or "
                     "toilets.",
        "consultation_views": "Parents and staff were asked through the newsletter and the "
                              "staff meeting; their concern about the playground camera led "
                              "to it being angled away from the toilets' doors.",
    }, screened_on=today - timedelta(days=CCTV_SCREENED_DAYS))
    if dpia is None:
        return
    dpia = services.dpia_record_advice(
        dpia, actor=ctx.users["larkspur.dpo"], version=dpia.version,
        advice="Proceed: the residual risks are low. Review when cameras are added.",
        advised_on=today - timedelta(days=CCTV_ADVICE_DAYS), followed=True)
    services.dpia_sign_off(dpia, actor=ctx.users["larkspur.siro"], version=dpia.version,
                           signed_off_on=today - timedelta(days=CCTV_SIGNED_DAYS),
                           review_on=today + timedelta(days=CCTV_REVIEW_IN_DAYS))


def build_demo_dpias(ctx: DemoContext) -> None:
    today = _today()
    _child_protection(ctx, today)
    _cctv(ctx, today)

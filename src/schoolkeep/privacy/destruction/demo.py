"""The demo's destruction log at Larkspur: two entries a school would have made by hand.

- Unsuccessful candidates' application packs from a spring recruitment, cross-cut shredded
  by the business manager and witnessed, 40 days ago (the schedule keeps them six months);
- CCTV recordings older than 30 days, securely deleted from the recorder 12 days ago, linked
  to the register's "CCTV recordings" asset.

Dates are counted back from the day the demo is built, so it builds on any date. Running the
step again adds nothing (an entry of the same description is left as it is).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from schoolkeep.assets.models import Asset
from schoolkeep.demo.builder import DemoContext
from schoolkeep.privacy.destruction.models import Destruction, DestructionMethod
from schoolkeep.privacy.destruction.services import destruction_record
from schoolkeep.privacy.schedule import keys
from schoolkeep.privacy.schedule.selectors import effective_by_key

SCHOOL = "larkspur"
DEMO_ORDER = 540  # after the register (300) and the schedule; before compliance (900)
CANDIDATES = "Application packs of unsuccessful candidates, spring recruitment"
CCTV = "CCTV recordings older than 30 days, deleted from the recorder"


def build_demo_destructions(ctx: DemoContext) -> None:
    school = ctx.schools[SCHOOL]
    today = timezone.localdate()
    schedule = effective_by_key(school)
    done = set(Destruction.objects.filter(school=school, description__in=[CANDIDATES, CCTV])
               .values_list("description", flat=True))
    if CANDIDATES not in done:
        destroyed_on = today - timedelta(days=40)
        destruction_record(
            school=school, actor=None, description=CANDIDATES,
            method=DestructionMethod.SHREDDING, destroyed_on=destroyed_on,
            record_type=schedule.get(keys.RECRUITMENT_UNSUCCESSFUL),
            records_from=destroyed_on - timedelta(days=300),
            records_to=destroyed_on - timedelta(days=200), quantity=14,
            destroyed_by_label="Business manager", witnessed_by_label="Office manager")
    if CCTV not in done:
        destroyed_on = today - timedelta(days=12)
        destruction_record(
            school=school, actor=None, description=CCTV,
            method=DestructionMethod.SECURE_DELETION, destroyed_on=destroyed_on,
            record_type=schedule.get(keys.CCTV),
            asset=Asset.objects.filter(school=school, name="CCTV recordings",
                                       archived_at__isnull=True).first(),
            records_to=destroyed_on - timedelta(days=31),
            destroyed_by_label="IT technician")

"""The demo's leaver past retention at Larkspur: a teaching assistant who left two years
more ago than the school keeps leavers (counted back from the day the demo is built, so it
holds on any date). Added as a leaver long gone, so no leaver checklist opens; the dry run
(``schoolkeep retention --dry-run --school larkspur``) and the erasure page list them. The
person is invented."""

from __future__ import annotations

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from schoolkeep.demo.builder import DemoContext
from schoolkeep.people.models import PersonKind
from schoolkeep.people.services import person_create
from schoolkeep.privacy.schedule.keys import OWN_LEAVERS

DEMO_ORDER = 960  # after the schedule's own step, which links the starting schedule


def build_demo_erasure(ctx: DemoContext) -> None:
    from schoolkeep.privacy.schedule.selectors import effective_record_type

    school = ctx.schools["larkspur"]
    rule = effective_record_type(school, OWN_LEAVERS)
    left = timezone.localdate() - relativedelta(years=rule.years + 2, months=rule.months,
                                                days=rule.days)
    person_create(school=school, actor=None, full_name="Morwenna Tregothnan",
                  kind=PersonKind.SUPPORT, job_title="Teaching assistant",
                  start_date=left - relativedelta(years=4), leaving_date=left,
                  uses_school_network=True)

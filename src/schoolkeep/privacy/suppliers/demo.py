"""The demo's suppliers at Larkspur: two processors, written through the suppliers' services
as the command line (no signed-in actor), with dates counted back from the day the demo is
built so that it builds on any date.

- Meadow Data Services Ltd hosts SIMS: agreement on file (signed two years ago, review in a
  year), every Article 28 term confirmed, data in the UK, Cyber Essentials Plus in date,
  reviewed last month: in order.
- Brightwatch Safeguarding Ltd provides CPOMS: its agreement's review date passed three weeks
  ago (the DPO's duty), data held in the US under the IDTA with its transfer risk
  assessment, ISO 27001 in date.

Each agreement is a one-page PDF made here (the demo has no real contract to show), uploaded
through the same service as a school's. Running the step again adds nothing.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.html import escape

from schoolkeep.demo.builder import DemoContext
from schoolkeep.lib.pdf import pdf_from_html
from schoolkeep.privacy.suppliers.article28 import TERM_KEYS
from schoolkeep.privacy.suppliers.models import Processor
from schoolkeep.privacy.suppliers.services import (
    processor_agreement_upload,
    processor_create,
    processor_review_record,
)
from schoolkeep.systems.models import System
from schoolkeep.tenancy.models import School

SCHOOL = "larkspur"
DEMO_ORDER = 310  # after the register and its systems (300); before the DPIAs and compliance
MEADOW = "Meadow Data Services Ltd"
BRIGHTWATCH = "Brightwatch Safeguarding Ltd"


def _systems(school: School, *keys: str) -> list[System]:
    return list(System.objects.filter(school=school, catalogue_key__in=keys,
                                      archived_at__isnull=True))


def _agreement(name: str) -> SimpleUploadedFile:
    html = (f"<h1>Data processing agreement</h1><p>Between Larkspur Primary School and "
            f"{escape(name)}. A demonstration document: not a real contract.</p>")
    return SimpleUploadedFile("data-processing-agreement.pdf",
                              pdf_from_html(html, "body { font-family: sans-serif; }"),
                              content_type="application/pdf")


def _keep(processor: Processor, *, signed_days_ago: int, review_in_days: int,
          reviewed_days_ago: int) -> None:
    today = timezone.localdate()
    processor = processor_agreement_upload(
        processor, actor=None, version=processor.version,
        uploaded_file=_agreement(processor.name),
        signed_on=today - timedelta(days=signed_days_ago),
        review_on=today + timedelta(days=review_in_days), contract_holder="Business manager")
    processor_review_record(processor, actor=None, version=processor.version,
                            reviewed_on=today - timedelta(days=reviewed_days_ago))


def build_demo_processors(ctx: DemoContext) -> None:
    school = ctx.schools[SCHOOL]
    today = timezone.localdate()
    done = set(Processor.objects.filter(school=school, name__in=[MEADOW, BRIGHTWATCH],
                                        archived_at__isnull=True)
               .values_list("name", flat=True))
    every_term = dict.fromkeys(TERM_KEYS, True)
    if MEADOW not in done:
        meadow = processor_create(
            school=school, actor=None, name=MEADOW, systems=_systems(school, "sims"),
            article28_terms=every_term, sub_processors="A UK data centre (hosting)",
            data_location="uk",
            cyber_essentials="ce_plus", cyber_essentials_expires_on=today + timedelta(days=200),
            security_statement="Hosted in two UK data centres; staff vetted; yearly "
                               "penetration test.")
        _keep(meadow, signed_days_ago=730, review_in_days=365, reviewed_days_ago=30)
    if BRIGHTWATCH not in done:
        terms = {**every_term, "audits": False}
        brightwatch = processor_create(
            school=school, actor=None, name=BRIGHTWATCH, systems=_systems(school, "cpoms"),
            article28_terms=terms,
            data_location="elsewhere",
            transfer_mechanism="idta",
            transfer_risk_assessed_on=today - timedelta(days=3 * 365),
            iso27001=True, iso27001_expires_on=today + timedelta(days=90))
        _keep(brightwatch, signed_days_ago=3 * 365 + 21, review_in_days=-21,
              reviewed_days_ago=300)

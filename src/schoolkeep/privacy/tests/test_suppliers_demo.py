"""The demo's suppliers at Larkspur: two processors written through the services, one in
order and one whose agreement is past its review date (the DPO's duty), both with their
agreement's document; the list opens for the DPO."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolkeep.duties.types import HORIZON
from schoolkeep.privacy.suppliers import duties, services
from schoolkeep.privacy.suppliers.demo import BRIGHTWATCH, MEADOW
from schoolkeep.privacy.suppliers.models import Processor
from schoolkeep.privacy.suppliers.selectors import agreement_states, attention_reasons
from schoolkeep.tenancy.models import School

pytestmark = pytest.mark.django_db


@pytest.fixture
def larkspur(shared_demo: Any) -> School:
    return School.objects.get(slug="larkspur")


def test_two_processors_one_past_review(larkspur: School) -> None:
    today = timezone.localdate()
    meadow = Processor.objects.get(school=larkspur, name=MEADOW)
    brightwatch = Processor.objects.get(school=larkspur, name=BRIGHTWATCH)
    assert attention_reasons(meadow, today) == []
    assert attention_reasons(brightwatch, today) == ["Agreement past its review date"]
    for processor in (meadow, brightwatch):
        assert processor.agreement_on_file and processor.systems.exists()
        assert services.agreement_path(processor.agreement_file).read_bytes().startswith(
            b"%PDF-")
    states = agreement_states(system_ids=[s.pk for s in brightwatch.systems.all()])
    assert all(state and state.review_past(today) for state in states.values())
    now = timezone.now()
    keys = {d.key for d in duties.provider.for_school(larkspur.pk, now=now,
                                                      horizon=now + HORIZON)}
    assert f"{duties.AGREEMENT_REVIEW}:{brightwatch.public_id}" in keys
    assert f"{duties.AGREEMENT_REVIEW}:{meadow.public_id}" not in keys


def test_the_dpo_opens_the_list(larkspur: School, shared_demo: Any, login: Any) -> None:
    html = login(shared_demo.users["larkspur.dpo"]).get(
        reverse("processors:processor-list")).content.decode()
    assert MEADOW in html and BRIGHTWATCH in html

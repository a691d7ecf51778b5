"""Adjusting the schedule: the school's own row replaces the trust's or the shipped one, the
school's own types, going back, the yearly review, the trust's schedule; bad input names its
field and writes nothing; every write is audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from schoolkeep.audit.models import AuditEvent
from schoolkeep.lib.errors import DomainError, NotAllowed, StaleVersion
from schoolkeep.privacy.schedule import keys
from schoolkeep.privacy.schedule.models import RecordType, RecordTypeReview
from schoolkeep.privacy.schedule.selectors import effective_record_type, origin_of
from schoolkeep.privacy.schedule.services import (
    record_type_add,
    record_type_adjust,
    record_type_reset,
    record_type_review,
    trust_record_type_adjust,
)

pytestmark = pytest.mark.django_db

OWN = {"name": "Minibus log books", "event": "creation", "years": 3, "action": "destroy",
       "source": "Our insurer's terms"}


def test_adjusting_a_shipped_type_gives_the_school_its_own_row(personas) -> None:
    shipped = effective_record_type(personas.school, keys.CCTV)
    row = record_type_adjust(school=personas.school, actor=personas.dpo, record_type=shipped,
                             version=shipped.version, days=14)
    assert (row.school, row.key, row.days, origin_of(row)) == (personas.school, keys.CCTV,
                                                                14, "school")
    shipped.refresh_from_db()
    assert shipped.days == 30  # the shipped row is shared: never changed
    assert effective_record_type(personas.school, keys.CCTV) == row
    event = AuditEvent.objects.get(action="retention.type-adjusted")
    assert event.target_label == "Record type: CCTV footage"
    assert event.changes["days"] == {"before": 30, "after": 14}


def test_a_stale_version_is_refused(personas) -> None:
    own = record_type_add(school=personas.school, actor=personas.dpo, **OWN)
    record_type_adjust(school=personas.school, actor=personas.dpo, record_type=own,
                       version=1, years=4)
    with pytest.raises(StaleVersion):
        record_type_adjust(school=personas.school, actor=personas.siro, record_type=own,
                           version=1, years=5)
    own.refresh_from_db()
    assert (own.years, own.version) == (4, 2)


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"name": " "}, "name", "Enter the record type's name."),
    ({"event": "tuesday"}, "event", "Choose the event the period runs from."),
    ({"action": "burn"}, "action", "Choose what happens at the end of the period."),
    ({"years": -1}, "years", "Enter a number from 0 to 150."),
    ({"months": "many"}, "months", "Enter a whole number."),
    ({"years": 0, "months": 0, "days": 0}, "years",
     "Enter how long the records are kept (years, months or days)."),
    ({"source": "x" * 2001}, "source", "The source must be 2,000 characters or fewer."),
])
def test_bad_input_names_the_field_and_writes_nothing(personas, fields, field,
                                                      message) -> None:
    before = RecordType.objects.count()
    with pytest.raises(DomainError) as refused:
        record_type_add(school=personas.school, actor=personas.dpo, **{**OWN, **fields})
    assert (refused.value.field, refused.value.message) == (field, message)
    assert RecordType.objects.count() == before
    assert not AuditEvent.objects.filter(action="retention.type-added").exists()


def test_only_the_dpo_siro_or_business_manager_may_change_it(personas) -> None:
    with pytest.raises(NotAllowed):
        record_type_add(school=personas.school, actor=personas.staff, **OWN)
    with pytest.raises(NotAllowed):
        record_type_add(school=personas.school, actor=personas.outsider, **OWN)
    assert record_type_add(school=personas.school, actor=personas.business_manager, **OWN)


def test_another_schools_type_cannot_be_adjusted(personas) -> None:
    theirs = record_type_add(school=personas.other_school, actor=None, **OWN)
    with pytest.raises(DomainError) as refused:
        record_type_adjust(school=personas.school, actor=personas.dpo, record_type=theirs,
                           version=1, years=9)
    assert refused.value.field == "record_type"


def test_reset_goes_back_to_the_starting_period(personas) -> None:
    shipped = effective_record_type(personas.school, keys.FINANCE)
    own = record_type_adjust(school=personas.school, actor=personas.dpo, record_type=shipped,
                             version=1, years=7)
    followed = record_type_reset(school=personas.school, actor=personas.dpo, record_type=own,
                                 version=1)
    assert followed == shipped
    assert effective_record_type(personas.school, keys.FINANCE) == shipped
    with pytest.raises(DomainError):  # the starting row itself cannot be reset
        record_type_reset(school=personas.school, actor=personas.dpo, record_type=shipped,
                          version=1)


def test_the_trusts_period_reaches_its_schools_not_others(personas) -> None:
    shipped = effective_record_type(personas.school, keys.ADMISSIONS)
    trust_row = trust_record_type_adjust(
        organisation=personas.school.organisation, actor=personas.trust_admin,
        record_type=shipped, version=1, years=2)
    assert effective_record_type(personas.school, keys.ADMISSIONS) == trust_row
    assert effective_record_type(personas.other_school, keys.ADMISSIONS) == shipped
    assert AuditEvent.objects.filter(action="retention.trust-type-adjusted",
                                     school=personas.school).exists()
    with pytest.raises(NotAllowed):
        trust_record_type_adjust(organisation=personas.school.organisation,
                                 actor=personas.siro, record_type=trust_row, version=1,
                                 years=3)
    # The school's own row still beats the trust's.
    own = record_type_adjust(school=personas.school, actor=personas.dpo,
                             record_type=trust_row, version=1, years=1)
    assert effective_record_type(personas.school, keys.ADMISSIONS) == own


def test_a_review_is_recorded_for_the_type_and_not_in_the_future(personas) -> None:
    cctv = effective_record_type(personas.school, keys.CCTV)
    today = timezone.localdate()
    with pytest.raises(DomainError) as refused:
        record_type_review(school=personas.school, actor=personas.dpo, record_type=cctv,
                           reviewed_on=today + timedelta(days=1))
    assert refused.value.field == "reviewed_on"
    with pytest.raises(DomainError) as refused:
        record_type_review(school=personas.school, actor=personas.dpo, record_type=cctv,
                           reviewed_on=None)
    assert refused.value.field == "reviewed_on"
    review = record_type_review(school=personas.school, actor=personas.dpo, record_type=cctv,
                                reviewed_on=today, note="Recorder overwrites after 30 days")
    assert (review.key, review.school) == (keys.CCTV, personas.school)
    assert RecordTypeReview.objects.count() == 1
    assert AuditEvent.objects.filter(action="retention.type-reviewed").exists()

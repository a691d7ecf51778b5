"""``loans.not-overdue``: items out on loan that are not overdue, out of all out on loan (a
lost one left out, a returned one not counted), per school, in one query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.equipment.loans import services
from schoolkeep.equipment.loans.measures import NOT_OVERDUE, provider
from schoolkeep.equipment.tests.test_loan_records import lend, make_item, make_person

pytestmark = pytest.mark.django_db


def test_open_loans_not_overdue_out_of_open_loans(personas: Personas) -> None:
    school, other = personas.school, personas.other_school
    ellie = make_person(school, "Ellie Morgan")
    lend(make_item(school, "HP-0001"), ellie, due_in=5)
    lend(make_item(school, "HP-0002"), ellie, days_ago=20, due_in=-1)
    back = lend(make_item(school, "HP-0003"), ellie, days_ago=20, due_in=-1)
    services.loan_return(loan=back, actor=None)
    lost = lend(make_item(school, "HP-0004"), ellie, days_ago=20, due_in=-1)
    services.loan_report_incident(loan=lost, actor=personas.business_manager, lost=True,
                                  note="Lost.")
    lend(make_item(other, "HP-0005"), make_person(other, "Stranger"), due_in=5)
    with CaptureQueriesContext(connection) as queries:
        found = provider.figures([school.pk, other.pk], now=timezone.now())
    assert len(queries) == 1
    assert found == {school.pk: {NOT_OVERDUE: (1, 2)}, other.pk: {NOT_OVERDUE: (1, 1)}}
    assert provider.figures([], now=timezone.now()) == {}

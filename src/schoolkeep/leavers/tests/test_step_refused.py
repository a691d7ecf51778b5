"""A step whose register the viewer may not change is a 403 from the page, not a message
(review15 #8)."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse
from tests.personas import Personas

from schoolkeep.access.models import SystemAccount
from schoolkeep.accounts.models import User
from schoolkeep.audit.models import AuditEvent
from schoolkeep.leavers.models import StepRecord
from schoolkeep.leavers.tests.records import make_leaver

Login = Callable[[User], Client]


def test_the_business_manager_may_not_disable_an_account_from_the_checklist(
        personas: Personas, login: Login) -> None:
    leaver = make_leaver(personas)
    response = login(personas.business_manager).post(
        reverse("leavers:step-record", args=[leaver.checklist.public_id]),
        {"kind": StepRecord.Kind.DISABLE_ACCOUNT,
         "subject_id": str(leaver.account.public_id)})
    assert response.status_code == 403
    account = SystemAccount.objects.get(pk=leaver.account.pk)
    assert account.disabled_on is None and account.enabled is not False
    assert not StepRecord.objects.exists()
    assert not AuditEvent.objects.filter(action__in=["access.account.disabled",
                                                     "leavers.step.recorded"]).exists()

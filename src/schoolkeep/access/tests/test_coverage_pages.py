"""The coverage pages: two-factor per system (gaps first, remote access first of all, N of M
accounts), administrators (without DBS first, with their two-factor), and the DBS exception
form (access.manage; audited; another school's person is a 404). Query counts are the same
at 3 and 40 rows."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.personas import Personas

from schoolkeep.access.coverage.services import dbs_exception_record, dbs_exception_remove
from schoolkeep.access.models import AdministratorDbsException

# The clock stands still (``frozen``): caches kept for a minute stay kept while rows are made.
from schoolkeep.access.tests.test_access_duties import (  # noqa: F401
    account,
    frozen,
    person,
    system,
)
from schoolkeep.accounts.models import User
from schoolkeep.audit.models import AuditEvent
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.systems.models import System

Login = Callable[[User], Client]
TWO_FACTOR = reverse("access:two-factor")
ADMINISTRATORS = reverse("access:administrators")


def exception_url(public_id: object) -> str:
    return reverse("access:dbs-exception", args=[public_id])


def test_two_factor_lists_gaps_first_with_the_accounts_figures(personas: Personas,
                                                               login: Login):
    school = personas.school
    sims = system(school, name="SIMS", mfa_required=True, mfa_enabled=True)
    system(school, name="CPOMS", mfa_required=True, mfa_enabled=False)
    system(school, name="RDP", kind=System.Kind.REMOTE_ACCESS, mfa_enabled=False)
    system(school, name="Website", mfa_enabled=False)
    account(school, sims, is_admin=True, mfa_on=True, person=person(school))
    account(school, sims, is_admin=True, mfa_on=None, person=person(school))
    account(school, sims, mfa_on=False, person=person(school))
    page = login(personas.auditor).get(TWO_FACTOR)
    assert page.status_code == 200
    text = page.content.decode()
    order = [text.index(f">{name}</a>") for name in ("RDP", "CPOMS", "SIMS", "Website")]
    assert order == sorted(order)  # remote access, needed, admin gap, the rest
    assert "High risk" in text and "ransomware" in text
    assert "1 of 3" in text and "1 of 2" in text  # accounts; administrator accounts
    assert reverse("systems:system-detail", args=[sims.public_id]) in text


def test_administrators_show_dbs_state_and_two_factor_gaps_first(personas: Personas,
                                                                 login: Login):
    school = personas.school
    sims = system(school, name="SIMS")
    checked = person(school, dbs=True)
    missing = person(school)
    excepted = person(school)
    sims.administrators.add(checked, missing, excepted)
    dbs_exception_record(school=school, actor=None, person=excepted,
                         reason="Supplier's engineer under contract")
    account(school, sims, person=checked, is_admin=True, mfa_on=False)
    account(school, sims, username="capita", is_admin=True, is_shared=True,
            shared_reason="Supplier support")
    text = login(personas.it_lead).get(ADMINISTRATORS).content.decode()
    assert text.index(missing.full_name) < text.index(checked.full_name)
    assert "Missing" in text and "Supplier&#x27;s engineer under contract" in text
    assert "capita" in text and "An account that matches nobody" in text
    assert exception_url(missing.public_id) in text  # the IT lead may manage
    auditor = login(personas.auditor).get(ADMINISTRATORS).content.decode()
    assert exception_url(missing.public_id) not in auditor


def test_the_exception_form_records_changes_and_removes(personas: Personas, login: Login):
    named = person(personas.school)
    url = exception_url(named.public_id)
    client = login(personas.siro)
    assert client.get(url).status_code == 200
    empty = client.post(url, {"reason": "  "})
    assert empty.status_code == 200 and "Enter why this administrator" in empty.content.decode()
    assert not AdministratorDbsException.objects.exists()
    done = client.post(url, {"reason": "Capita engineer, contract clause 7"})
    assert done.status_code == 302 and done["Location"] == ADMINISTRATORS
    assert AdministratorDbsException.objects.get().reason == "Capita engineer, contract clause 7"
    assert "Remove the exception" in client.get(url).content.decode()
    client.post(url, {"action": "remove"})
    assert not AdministratorDbsException.objects.exists()
    assert list(AuditEvent.objects.filter(action__startswith="access.dbs_exception")
                .order_by("pk").values_list("action", flat=True)) == [
        "access.dbs_exception.recorded", "access.dbs_exception.removed"]


def test_the_exception_is_for_managers_and_this_school_only(personas: Personas,
                                                            login: Login):
    named = person(personas.school)
    url = exception_url(named.public_id)
    assert login(personas.auditor).get(url).status_code == 403
    assert login(personas.auditor).post(url, {"reason": "x"}).status_code == 403
    assert login(personas.outsider).get(url).status_code == 404
    assert not AdministratorDbsException.objects.exists()
    with pytest.raises(NotAllowed):
        dbs_exception_record(school=personas.school, actor=personas.auditor, person=named,
                             reason="x")
    with pytest.raises(DomainError):
        dbs_exception_record(school=personas.other_school, actor=None, person=named,
                             reason="x")
    assert dbs_exception_remove(school=personas.school, actor=None, person=named) is False


def _systems_and_admins(personas: Personas, n: int) -> None:
    school = personas.school
    for _ in range(n):
        made = system(school, kind=System.Kind.REMOTE_ACCESS, mfa_enabled=False)
        admin = person(school)
        made.administrators.add(admin)
        account(school, made, person=admin, is_admin=True, mfa_on=False)
        account(school, made, username=f"nobody-{made.pk}", is_admin=True)


@pytest.mark.parametrize("url", [TWO_FACTOR, ADMINISTRATORS])
def test_pages_keep_their_queries_at_3_and_40_rows(personas: Personas, login: Login, url: str,
                                                   django_assert_num_queries):
    client = login(personas.it_lead)
    _systems_and_admins(personas, 3)
    with django_assert_num_queries(_count(client, url)) as few:
        page = client.get(url)
    assert page.status_code == 200
    _systems_and_admins(personas, 37)
    with django_assert_num_queries(len(few.captured_queries)):
        many = client.get(url)
    assert many.content.decode().count("<tr") > page.content.decode().count("<tr")


def _count(client: Client, url: str) -> int:
    """The page's queries once warm (the session and caches read on the first request)."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries.captured_queries)

"""The demo's accounts: Larkspur's systems carry the accounts that raise each duty about
accounts once (a leaver's enabled account, an administrator without a DBS check, an account
matching nobody, a shared account without a reason, an administrator without two-factor);
building again changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from schoolkeep.access.accounts.selectors import account_list, account_page
from schoolkeep.access.demo import build_demo_accounts
from schoolkeep.access.models import SystemAccount
from schoolkeep.demo.builder import DemoContext
from schoolkeep.people.models import Check, CheckType
from schoolkeep.tenancy.models import School

# Each test finds the demo built once (tests/fixtures_demo.py) and rolls back its own writes.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_demo")]


def test_the_demo_accounts_raise_each_gap_once() -> None:
    school = School.objects.get(slug="larkspur")
    today = timezone.localdate()
    _, rows = account_page(account_list(school=school), number=1, today=today, per_page=500)
    accounts = [account for account, _ in rows]
    systems = {account.system.name for account in accounts}
    assert {"SIMS", "FMS", "USO", "CPOMS", "RDP"} <= systems
    found: dict[str, list[str]] = {}
    for account, lacking in rows:
        for gap in lacking:
            if gap.high:
                found.setdefault(gap.text, []).append(f"{account.system.name}:{account}")
    assert found["Still enabled after the person left"] == ["SIMS:pgray"]
    assert found["Matches nobody on the record"] == ["SIMS:r.hale"]
    assert found["Shared, with no reason recorded"] == ["SIMS:office"]
    assert found["Administrator without a DBS check"] == ["USO:dprice@larkspur.example"]
    admins_without = found["Administrator without two-factor"]
    assert "SIMS:snovak" in admins_without
    assert sorted(admins_without) == ["CPOMS:aosei-admin", "RDP:twhitfield-admin",
                                      "SIMS:snovak"]
    peter = SystemAccount.objects.get(school=school, username_key="pgray@larkspur.example")
    assert peter.enabled is False and peter.disabled_on == peter.person.leaving_date
    assert peter.person.leaving_date == today - timedelta(days=60)
    office = SystemAccount.objects.get(school=school, username="office")
    assert office.responsible_person.full_name == "Sofia Novak"
    assert {p.full_name for p in office.shared_with.all()} >= {"Peter Gray", "Sofia Novak"}
    # The administrator without a completed enhanced DBS check.
    daniel = SystemAccount.objects.get(school=school, username_key="dprice@larkspur.example")
    assert daniel.is_admin is True and daniel.mfa_on is True
    assert not Check.objects.filter(person=daniel.person, check_type=CheckType.ENHANCED_DBS,
                                    status=Check.Status.DONE).exists()
    # Every other account of a person is matched; nothing in SIMS says "Not known" for admin.
    assert all(a.person_id or a.is_shared or a.username == "r.hale" for a in accounts)
    before = SystemAccount.objects.count()
    build_demo_accounts(DemoContext(schools={"larkspur": school}))
    assert SystemAccount.objects.count() == before

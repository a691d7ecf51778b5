"""The access measures (overview area "access"): administrators DBS checked or excepted,
administrator accounts with two-factor, systems needing two-factor that have it on. One
query for any number of schools; the same rules as the duties."""

from __future__ import annotations

from tests.factories import SchoolFactory

from schoolkeep.access.coverage.services import dbs_exception_record
from schoolkeep.access.measures import ADMIN_MFA, DBS, SYSTEMS, provider
from schoolkeep.access.tests.test_access_duties import (  # noqa: F401
    NOW,
    account,
    frozen,
    person,
    sensitive_asset,
    system,
)
from schoolkeep.overview.registry import providers
from schoolkeep.systems.models import System


def test_the_provider_is_registered_in_the_access_area():
    assert provider in providers()
    assert {spec.area for spec in provider.specs} == {"access"}


def test_the_figures_follow_the_duties_rules(personas):
    school = personas.school
    sims = system(school, name="SIMS", mfa_enabled=False)
    sensitive_asset(school, sims)  # needs two-factor, not on
    system(school, name="RDP", kind=System.Kind.REMOTE_ACCESS, mfa_enabled=True)
    system(school, name="CPOMS", mfa_required=True, mfa_enabled=True)
    system(school, name="Website", mfa_enabled=False)  # not counted
    checked, missing, excepted, excused = (person(school, dbs=True), person(school),
                                           person(school), person(school))
    sims.administrators.add(checked, missing, excepted)
    dbs_exception_record(school=school, actor=None, person=excepted, reason="Contract")
    account(school, sims, person=checked, is_admin=True, mfa_on=True)
    account(school, sims, person=excused, is_admin=True, mfa_on=None, dbs_exception="Vetted")
    account(school, sims, username="support", is_admin=True, mfa_on=False)  # matches nobody
    account(school, sims, person=missing, mfa_on=False)  # not an administrator account
    figures = provider.figures([school.pk], now=NOW)[school.pk]
    # People: checked, excepted and excused met, missing not; the account matching nobody
    # without a reason is not met.
    assert figures[DBS] == (3, 5)
    assert figures[ADMIN_MFA] == (1, 3)
    assert figures[SYSTEMS] == (2, 3)


def test_one_query_for_many_schools_and_nothing_for_an_empty_school(personas,
                                                                    django_assert_num_queries):
    other = SchoolFactory(slug="elmwood")
    empty = SchoolFactory(slug="quiet")
    for school in (personas.school, other):
        made = system(school, kind=System.Kind.REMOTE_ACCESS, mfa_enabled=False)
        made.administrators.add(person(school))
    with django_assert_num_queries(1):
        figures = provider.figures([personas.school.pk, other.pk, empty.pk], now=NOW)
    assert figures[other.pk] == {DBS: (0, 1), SYSTEMS: (0, 1)}
    assert empty.pk not in figures
    assert provider.figures([], now=NOW) == {}

"""Pages of the access reviews: the list (mine / all, states, query counts) and one asset's
review (what it shows, the two answers, refusals)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.personas import Personas

from schoolkeep.access.keys import username_key
from schoolkeep.access.models import AccessReview, SystemAccount
from schoolkeep.access.reviews.services import access_review_record
from schoolkeep.assets.models import Asset
from schoolkeep.assets.services import asset_create, group_get_or_create, labels_resolve
from schoolkeep.people.models import Person
from schoolkeep.people.services import person_create, person_link_account
from schoolkeep.systems.services import system_create
from schoolkeep.tenancy.models import Membership

from .test_reviews import IN_AUTUMN, IN_JUNE, at

pytestmark = pytest.mark.django_db

LIST = reverse("access:review-list")


def _owner(personas: Personas, user: Any = None, name: str = "Olive Owner") -> Person:
    person = person_create(school=personas.school, actor=personas.siro, full_name=name,
                           kind="support")
    if user is not None:
        person = person_link_account(person=person, actor=personas.siro, user=user)
    return person


def _asset(personas: Personas, name: str, **fields: Any) -> Asset:
    group = group_get_or_create(school=personas.school, name="Pupils", actor=None)
    return asset_create(school=personas.school, actor=None, group=group, name=name, **fields)


def _page(personas: Personas, owner: Person) -> Asset:
    system = system_create(school=personas.school, actor=None, name="SIMS",
                           administrators=[_owner(personas, name="Adam Admin")])
    SystemAccount.objects.create(school=personas.school, system=system, username="ADMIN1",
                                 username_key=username_key("ADMIN1"), is_admin=True,
                                 mfa_on=False, is_shared=True)
    SystemAccount.objects.create(school=personas.school, system=system, username="plain",
                                 username_key="plain", is_admin=False)
    label = labels_resolve(school=personas.school, labels=["Office staff"], actor=None)[0]
    label.members.add(Membership.objects.get(user=personas.data_admin, school=personas.school))
    return _asset(personas, "Pupil records", owner_person=owner, systems=[system],
                  access_labels=[label])


def test_the_owner_sees_their_assets_and_their_state(personas: Personas, login) -> None:
    with at(IN_JUNE):
        mine = _owner(personas, personas.iao)
        _asset(personas, "Last term, not reviewed", owner_person=mine)
        reviewed = _asset(personas, "Reviewed", owner_person=mine)
        _asset(personas, "Someone else's", owner_person=_owner(personas))
    with at(IN_AUTUMN):
        access_review_record(school=personas.school, asset=reviewed, actor=None,
                             outcome="changed", changes="Bursar added")
        _asset(personas, "Added this term", owner_person=mine)
        page = login(personas.iao).get(LIST).content.decode()
        everything = login(personas.iao).get(LIST, {"show": "all"}).content.decode()
    assert "Someone else&#x27;s" not in page
    assert "Reviewed</strong> on 15 October 2026, changes recorded" in page
    assert "Overdue</strong> since 17 July 2026 (not reviewed in Summer 2026)" in page
    assert "Due</strong> by 18 December 2026 (estimated)" in page
    assert "Someone else&#x27;s" not in everything  # the owner may not see every asset


def test_the_siro_sees_every_asset_and_may_choose_their_own(personas: Personas,
                                                             login) -> None:
    with at(IN_AUTUMN):
        _asset(personas, "Owned", owner_person=_owner(personas))
        _asset(personas, "Unowned")
        client = login(personas.siro)
        every = client.get(LIST).content.decode()
        mine = client.get(LIST, {"show": "mine"}).content.decode()
    assert "Owned" in every and "No review is asked until the asset has an owner" in every
    assert "You do not own any information asset" in mine


def test_the_list_costs_the_same_queries_at_3_and_40_rows(personas: Personas, login,
                                                          steady_session: None) -> None:
    client = login(personas.siro)
    with at(IN_AUTUMN):
        owner = _owner(personas)
        for n in range(3):
            _asset(personas, f"Asset {n:02d}", owner_person=owner)
        client.get(LIST)
        with CaptureQueriesContext(connection) as few:
            assert client.get(LIST).status_code == 200
        for n in range(3, 40):
            item = _asset(personas, f"Asset {n:02d}", owner_person=owner)
            if n % 3 == 0:
                access_review_record(school=personas.school, asset=item, actor=None,
                                     outcome="confirmed")
        with CaptureQueriesContext(connection) as many:
            page = client.get(LIST).content.decode()
    assert page.count("Asset ") >= 40
    assert len(many) == len(few), [q["sql"] for q in many]


def test_the_asset_page_shows_access_and_administrators(personas: Personas, login) -> None:
    with at(IN_AUTUMN):
        item = _page(personas, _owner(personas, personas.iao))
        access_review_record(school=personas.school, asset=item, actor=None,
                             outcome="changed", changes="Removed the temp")
        page = login(personas.iao).get(reverse("access:review-asset",
                                               args=[item.public_id])).content.decode()
    assert "Office staff" in page and personas.data_admin.full_name in page
    assert "Adam Admin" in page  # named administrator of SIMS
    assert "ADMIN1 (shared, two-factor off)" in page
    assert "plain" not in page  # not an administrator account
    assert "Confirm: this is right" in page and "Record what changed" in page
    assert "Removed the temp" in page


def test_the_asset_page_costs_the_same_queries_with_more_rows(personas: Personas, login,
                                                               steady_session: None) -> None:
    client = login(personas.siro)
    with at(IN_AUTUMN):
        item = _page(personas, _owner(personas))
        url = reverse("access:review-asset", args=[item.public_id])
        client.get(url)
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        system = item.systems.get()
        for n in range(20):
            system.administrators.add(_owner(personas, name=f"Admin {n}"))
            SystemAccount.objects.create(school=personas.school, system=system,
                                         username=f"helper{n}", username_key=f"helper{n}",
                                         is_admin=True)
            access_review_record(school=personas.school, asset=item, actor=None,
                                 outcome="confirmed")
        with CaptureQueriesContext(connection) as many:
            client.get(url)
    assert len(many) == len(few)


def test_the_owner_confirms_in_one_click(personas: Personas, login) -> None:
    with at(IN_AUTUMN):
        item = _asset(personas, "Pupil records", owner_person=_owner(personas, personas.iao))
        response = login(personas.iao).post(reverse("access:review-asset",
                                                    args=[item.public_id]),
                                            {"outcome": "confirmed"})
    assert response.status_code == 302 and response["Location"] == LIST
    review = AccessReview.objects.get()
    assert (review.outcome, review.reviewed_on, review.reviewed_by) == (
        "confirmed", date(2026, 10, 15), personas.iao)


def test_changes_without_words_are_refused_on_the_field(personas: Personas, login) -> None:
    with at(IN_AUTUMN):
        item = _asset(personas, "Pupil records", owner_person=_owner(personas))
        response = login(personas.siro).post(
            reverse("access:review-asset", args=[item.public_id]),
            {"outcome": "changed", "changes": " "})
    assert response.status_code == 200
    assert "Say what changed" in response.content.decode()
    assert not AccessReview.objects.exists()


@pytest.mark.parametrize("role", ["dsl", "it_lead"])
def test_others_get_a_clear_refusal(personas: Personas, login, role: str) -> None:
    item = _asset(personas, "Pupil records", owner_person=_owner(personas))
    url = reverse("access:review-asset", args=[item.public_id])
    response = login(getattr(personas, role)).post(url, {"outcome": "confirmed"})
    assert response.status_code == 403
    assert "Only the asset&#x27;s owner, the SIRO or the data protection officer" in (
        response.content.decode())
    assert not AccessReview.objects.exists()


def test_it_lead_reads_the_page_without_the_answers(personas: Personas, login) -> None:
    item = _asset(personas, "Pupil records", owner_person=_owner(personas))
    page = login(personas.it_lead).get(reverse("access:review-asset",
                                               args=[item.public_id])).content.decode()
    assert "Confirm: this is right" not in page
    assert "Only the asset's owner" in page


def test_another_schools_asset_is_404(personas: Personas, login) -> None:
    group = group_get_or_create(school=personas.other_school, name="G", actor=None)
    other = asset_create(school=personas.other_school, actor=None, group=group, name="Theirs")
    response = login(personas.siro).get(reverse("access:review-asset", args=[other.public_id]))
    assert response.status_code == 404


def test_a_get_never_records(personas: Personas, login) -> None:
    item = _asset(personas, "Pupil records", owner_person=_owner(personas, personas.iao))
    login(personas.iao).get(reverse("access:review-asset", args=[item.public_id]),
                            {"outcome": "confirmed"})
    assert not AccessReview.objects.exists()



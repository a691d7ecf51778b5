"""The rules of receipt a school's kind and the law set: no request received before
25 May 2018 (the form says so for any year, never a 500); an independent school is not asked
freedom of information or environmental information; the educational record is offered to
maintained schools only; a freedom of information request is in writing, with an address for
the reply. Each refused naming its field, in the service, the member's form and the public
page; the poster offers only what the school may be asked."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from tests.matrix_parts.requests_intake import make_request
from tests.personas import Personas

from schoolkeep.inforequests.intake import poster
from schoolkeep.inforequests.intake.public import request_page_set_up
from schoolkeep.inforequests.intake.services import kinds_offered
from schoolkeep.inforequests.models import Channel, Kind, Request, RequesterType
from schoolkeep.lib.dates_text import LONDON
from schoolkeep.lib.errors import DomainError
from schoolkeep.tenancy.models import School

NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
LOG = reverse("requests:request-log")
FILLED = {"kind": "subject_access", "channel": "email",
          "received_at_0": "30", "received_at_1": "10", "received_at_2": "2026",
          "received_at_3": "16", "received_at_4": "45",
          "requester_type": "parent", "requester_name": "Pat Parent",
          "requester_contact": "pat@example.com", "subject_type": "pupils",
          "subject_name": "Sam Pupil", "description": "Sam's behaviour records in Year 5."}
FOI = {"kind": "foi", "requester_type": "public", "subject_type": "", "subject_name": "",
       "description": "What the school spent on agency staff last year."}
FOI_ARGUMENTS: dict[str, Any] = {"kind": Kind.FOI, "requester_type": RequesterType.PUBLIC,
                 "subject_type": "", "subject_name": ""}


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def field_error(page: str, name: str) -> str:
    found = re.search(rf'id="id_{name}_error">(.*?)</div>', page, re.S)
    return found.group(1) if found else ""


def school_of_kind(personas: Personas, kind: str) -> School:
    School.objects.filter(pk=personas.school.pk).update(kind=kind)
    personas.school.refresh_from_db()
    return personas.school


def refused(personas: Personas, field: str, **arguments: Any) -> str:
    with pytest.raises(DomainError) as caught:
        make_request(personas, **arguments)
    assert caught.value.field == field, caught.value.message
    assert not Request.objects.exists()
    return caught.value.message


# ------------------------------------------------------------------ the day of receipt

@pytest.mark.parametrize("received_at", [
    datetime(1899, 12, 31, 12, tzinfo=UTC),
    datetime(1, 1, 1, 0, 0, tzinfo=UTC),
    datetime(1, 1, 1, 0, 0, tzinfo=LONDON),
    datetime(2018, 5, 24, 12, 0, tzinfo=UTC),
    datetime(2018, 5, 24, 22, 59, tzinfo=UTC),  # 23:59 on 24 May in London (BST)
])
def test_a_request_received_before_25_may_2018_is_refused(personas: Personas,
                                                          received_at: datetime) -> None:
    assert "25 May 2018" in refused(personas, "received_at", received_at=received_at)


def test_a_request_received_from_25_may_2018_is_logged(personas: Personas) -> None:
    # 23:30 UTC on 24 May is 00:30 on 25 May in London (BST): the day it counts from.
    request = make_request(personas, received_at=datetime(2018, 5, 24, 23, 30, tzinfo=UTC))
    assert request.received_on == date(2018, 5, 25)


@pytest.mark.parametrize("year", ["1900", "1000", "0001", "2018"])
def test_the_form_says_so_for_any_early_year(personas: Personas, login, year: str) -> None:
    received = {"received_at_0": "24", "received_at_1": "5"} if year == "2018" else {}
    response = login(personas.staff).post(LOG, {**FILLED, "received_at_2": year,
                                                **received})
    assert response.status_code == 200
    error = field_error(response.content.decode(), "received_at")
    assert "When it was received must be on or after 25 May 2018" in error
    assert not Request.objects.exists()


# ------------------------------------------------------------------ the school's kind

def test_the_kinds_each_school_is_asked() -> None:
    maintained = School(kind=School.Kind.MAINTAINED)
    academy = School(kind=School.Kind.ACADEMY)
    independent = School(kind=School.Kind.INDEPENDENT)
    assert kinds_offered(maintained) == list(Kind.values)
    assert kinds_offered(academy) == [k for k in Kind.values if k != Kind.EDUCATIONAL_RECORD]
    assert kinds_offered(independent) == [
        k for k in Kind.values if k not in (Kind.EDUCATIONAL_RECORD, Kind.FOI, Kind.EIR)]


@pytest.mark.parametrize("kind", [Kind.FOI, Kind.EIR])
def test_an_independent_school_is_not_asked_foi_or_eir(personas: Personas, kind: str) -> None:
    school_of_kind(personas, School.Kind.INDEPENDENT)
    message = refused(personas, "kind", **{**FOI_ARGUMENTS, "kind": kind})
    assert "independent school is not a public authority" in message


@pytest.mark.parametrize("school_kind", [School.Kind.ACADEMY, School.Kind.INDEPENDENT])
def test_the_educational_record_binds_maintained_schools_only(personas: Personas,
                                                              school_kind: str) -> None:
    school_of_kind(personas, school_kind)
    message = refused(personas, "kind", kind=Kind.EDUCATIONAL_RECORD)
    assert "Only maintained schools" in message and "subject access" in message


def test_an_academy_is_asked_foi_and_a_maintained_school_the_educational_record(
        personas: Personas) -> None:
    assert make_request(personas, kind=Kind.EDUCATIONAL_RECORD).kind == Kind.EDUCATIONAL_RECORD
    school_of_kind(personas, School.Kind.ACADEMY)
    assert make_request(personas, **FOI_ARGUMENTS).kind == Kind.FOI


@pytest.mark.parametrize("channel", [Channel.PHONE, Channel.IN_PERSON])
def test_foi_must_be_in_writing(personas: Personas, channel: str) -> None:
    message = refused(personas, "channel", channel=channel, **FOI_ARGUMENTS)
    assert "must be made in writing" in message and "environmental information" in message
    # Environmental information may be asked for by speaking.
    eir = make_request(personas, channel=channel, **{**FOI_ARGUMENTS, "kind": Kind.EIR})
    assert eir.channel == channel


def test_foi_needs_an_address_for_the_reply(personas: Personas) -> None:
    message = refused(personas, "requester_contact", requester_contact=" ", **FOI_ARGUMENTS)
    assert "address for the reply" in message


def test_the_members_form_offers_the_schools_kinds(personas: Personas, login) -> None:
    client = login(personas.staff)
    assert 'value="educational_record"' in client.get(LOG).content.decode()
    school_of_kind(personas, School.Kind.ACADEMY)
    page = client.get(LOG).content.decode()
    assert 'value="educational_record"' not in page and 'value="foi"' in page
    school_of_kind(personas, School.Kind.INDEPENDENT)
    page = client.get(LOG).content.decode()
    for kind in ("educational_record", "foi", "eir"):
        assert f'value="{kind}"' not in page
    assert 'value="subject_access"' in page and "freedom of information" not in page
    response = client.post(LOG, {**FILLED, **FOI})
    assert "Choose what kind of request it is." in field_error(
        response.content.decode(), "kind")
    assert not Request.objects.exists()


def test_the_members_form_names_the_foi_rules_at_once(personas: Personas, login) -> None:
    response = login(personas.staff).post(LOG, {**FILLED, **FOI, "channel": "phone",
                                                "requester_contact": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert "must be made in writing" in field_error(page, "channel")
    assert "address for the reply" in field_error(page, "requester_contact")
    assert not Request.objects.exists()


def test_the_public_page_and_poster_offer_the_schools_kinds(personas: Personas,
                                                            client) -> None:
    token = request_page_set_up(school=personas.school, actor=personas.dpo).token
    url = reverse("ask:request", args=[token])
    html = poster.poster_html(school=personas.school, url="https://x.example/ask/t/")
    assert "freedom of information" in html
    school = school_of_kind(personas, School.Kind.INDEPENDENT)
    page = client.get(url).content.decode()
    for kind in ("educational_record", "foi", "eir"):
        assert f'value="{kind}"' not in page
    assert "freedom of information" not in page
    assert "freedom of information" not in poster.poster_html(
        school=school, url="https://x.example/ask/t/")
    response = client.post(url, {**FOI, "requester_name": "A Journalist",
                                 "requester_contact": "news@example.com"})
    assert "Choose what kind of request it is." in field_error(
        response.content.decode(), "kind")
    assert not Request.objects.exists()

"""Personal signing links: issuing (random, only a hash kept, earlier links revoked, the
wrong signers refused), their states, and signing once, even under concurrency."""

from __future__ import annotations

import threading
import time
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import OperationalError, connection
from django.utils import timezone
from tests.matrix_parts.links import make_parent, make_person, published_aup
from tests.personas import Personas

from schoolkeep.agreements.aups.models import Audience, Aup, Signature, SigningLink
from schoolkeep.agreements.aups.services import aups_set_up
from schoolkeep.agreements.parents.services import parent_archive
from schoolkeep.agreements.signing.links.services import (
    LinkState,
    LinkUnusable,
    link_issue,
    link_sign,
    link_status,
)
from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.sealing import forget, open_event
from schoolkeep.lib.crypto import token_hash
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.people.models import PersonKind
from schoolkeep.people.services import person_link_account, person_mark_leaver


@pytest.fixture
def aup(personas: Personas) -> Aup:
    return published_aup(personas)


@pytest.fixture
def parent(personas: Personas) -> Any:
    return make_parent(personas, "Pat Parent", "pat@example.com")


def issue(personas: Personas, aup: Aup, **signer: Any) -> tuple[SigningLink, str]:
    return link_issue(aup=aup, actor=personas.business_manager, channel="email", **signer)


def sign(token: str, name: str = "Pat Parent") -> Signature:
    return link_sign(token=token, typed_name=name, agreed=True, ip_address="203.0.113.5")


# ------------------------------------------------------------------------------ issuing


def test_a_link_is_random_and_only_its_hash_is_kept(personas, aup, parent):
    link, token = issue(personas, aup, parent=parent)
    _, other = issue(personas, aup, parent=make_parent(personas, "Sam", "s@example.com"))
    assert len(token) >= 43 and token != other  # 32 random bytes, URL-safe
    assert link.token_hash == token_hash(token) and token not in link.token_hash
    assert not SigningLink.objects.filter(token_hash=token).exists()
    assert link.channel == "email" and link.created_by_label == str(personas.business_manager)


def test_a_link_works_until_the_end_of_the_day_the_school_sets(personas, aup, parent):
    aup.link_valid_days = 14
    aup.save()
    with time_machine.travel(datetime(2025, 3, 3, 9, 30, tzinfo=timezone.get_current_timezone())):
        link, _ = issue(personas, aup, parent=parent)
    expires = timezone.localtime(link.expires_at)
    assert expires.date() == date(2025, 3, 17)
    assert (expires.hour, expires.minute) == (23, 59)


def test_the_audit_trail_never_holds_the_token(personas, aup, parent):
    link, token = issue(personas, aup, parent=parent)
    event = AuditEvent.objects.get(action="agreements.link.issued", target_id=str(link.public_id))
    changes = open_event(event).changes  # sealed under the parent's key (audit.sealing)
    assert changes["signer"] == "Pat Parent" and "Pat Parent" not in str(event.changes)
    assert token not in str(changes) and token_hash(token) not in str(changes)


def test_a_new_link_revokes_the_signers_earlier_unused_links(personas, aup, parent):
    first, first_token = issue(personas, aup, parent=parent)
    other_parent = make_parent(personas, "Sam Other", "sam@example.com")
    _, other_token = issue(personas, aup, parent=other_parent)
    _, second_token = issue(personas, aup, parent=parent)
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert link_status(first_token).state == LinkState.REVOKED
    assert link_status(second_token).state == LinkState.READY
    assert link_status(other_token).state == LinkState.READY  # not the same signer


def test_an_unpublished_aup_is_refused(personas, parent):
    aups = {a.audience: a for a in aups_set_up(school=personas.school,
                                               actor=personas.business_manager)}
    with pytest.raises(DomainError) as error:
        issue(personas, aups[Audience.PARENTS], parent=parent)
    assert error.value.field == "aup"


def test_a_signer_of_the_wrong_audience_is_refused(personas, aup):
    agency = make_person(personas, "Alex Agency", email="alex@example.com")
    with pytest.raises(DomainError) as error:
        issue(personas, aup, person=agency)
    assert error.value.field == "person"
    staff_aup = published_aup(personas, Audience.STAFF)
    governor = make_person(personas, "Gill Governor", kind=PersonKind.GOVERNOR,
                           email="gill@example.com")
    with pytest.raises(DomainError, match="does not sign"):
        issue(personas, staff_aup, person=governor)
    issue(personas, staff_aup, person=agency)  # the right audience


def test_a_signer_of_another_school_is_refused(personas, aup):
    from schoolkeep.agreements.parents.services import parent_create

    stranger = parent_create(school=personas.other_school, actor=personas.outsider,
                             full_name="Other Parent", email="other@example.com")
    with pytest.raises(DomainError, match="not in this school") as error:
        issue(personas, aup, parent=stranger)
    assert error.value.field == "parent"


def test_a_member_with_an_account_signs_in_instead(personas):
    staff_aup = published_aup(personas, Audience.STAFF)
    person = make_person(personas, "Staff Person", kind=PersonKind.SUPPORT)
    person = person_link_account(person=person, actor=personas.siro, user=personas.staff)
    with pytest.raises(DomainError, match="Schoolkeep account"):
        issue(personas, staff_aup, person=person)


def test_an_email_link_needs_an_email_address(personas, aup):
    no_email = make_parent(personas, "No Email")
    with pytest.raises(DomainError) as error:
        issue(personas, aup, parent=no_email)
    assert error.value.field == "channel"
    link, _ = link_issue(aup=aup, actor=personas.siro, channel="letter", parent=no_email)
    assert link.channel == "letter"


def test_only_managers_issue_links(personas, aup, parent):
    with pytest.raises(NotAllowed):
        link_issue(aup=aup, actor=personas.staff, channel="email", parent=parent)
    assert not SigningLink.objects.exists()


# ------------------------------------------------------------------------------ states


def test_an_unknown_or_malformed_token_is_unknown(personas, aup, parent):
    issue(personas, aup, parent=parent)
    assert link_status("x" * 43).state == LinkState.UNKNOWN
    assert link_status("short").state == LinkState.UNKNOWN
    assert link_status("not a token at all, with spaces!").state == LinkState.UNKNOWN


def test_a_ready_link_shows_the_current_version_and_the_signers_name(personas, aup, parent):
    _, token = issue(personas, aup, parent=parent)
    status = link_status(token)
    assert status.state == LinkState.READY
    assert status.version is not None and status.version.number == aup.current_number
    assert status.signer_name == "Pat Parent" and status.school_name == "Oakfield Primary"


def test_an_expired_link_says_when(personas, aup, parent):
    link, token = issue(personas, aup, parent=parent)
    with time_machine.travel(link.expires_at + timedelta(seconds=1)):
        status = link_status(token)
        assert status.state == LinkState.EXPIRED and status.when == link.expires_at
        with pytest.raises(LinkUnusable) as error:
            sign(token)
    assert error.value.status.state == LinkState.EXPIRED
    assert not Signature.objects.exists()


def test_a_link_of_an_archived_parent_or_a_leaver_stops_working(personas, aup, parent):
    _, token = issue(personas, aup, parent=parent)
    parent_archive(parent=parent, actor=personas.siro)
    assert link_status(token).state == LinkState.REVOKED
    staff_aup = published_aup(personas, Audience.STAFF)
    agency = make_person(personas, "Alex Agency", email="alex@example.com")
    _, person_token = issue(personas, staff_aup, person=agency)
    person_mark_leaver(person=agency, actor=personas.siro, leaving_date=timezone.localdate())
    assert link_status(person_token).state == LinkState.REVOKED


# ------------------------------------------------------------------------------ signing


def test_signing_records_a_link_signature_once(personas, aup, parent):
    link, token = issue(personas, aup, parent=parent)
    signature = sign(token, "  Pat   Parent ")
    link.refresh_from_db()
    assert signature.method == "link" and signature.link == link and signature.parent == parent
    assert signature.typed_name == "Pat Parent" and signature.ip_address == "203.0.113.5"
    assert signature.aup_version.number == aup.current_number
    assert link.used_at == signature.signed_at
    status = link_status(token)
    assert status.state == LinkState.USED and status.when == signature.signed_at
    with pytest.raises(LinkUnusable) as error:
        sign(token)
    assert error.value.status.state == LinkState.USED
    assert Signature.objects.count() == 1


def test_the_audit_trail_names_the_link_as_actor(personas, aup, parent):
    link, token = issue(personas, aup, parent=parent)
    signature = sign(token)
    signed = AuditEvent.objects.get(action="agreements.signature.created",
                                    target_id=str(signature.public_id))
    used = AuditEvent.objects.get(action="agreements.link.used", target_id=str(link.public_id))
    # The row keeps the kind; the signer's name is sealed under the parent's key.
    assert signed.actor_label == used.actor_label == "signing link"
    assert open_event(signed).actor_label == open_event(used).actor_label \
        == "signing link: Pat Parent"
    assert signed.actor_id is None
    assert token not in str(signed.changes) + str(used.changes)
    forget([("agreements.parent", str(parent.pk))])
    stored = list(AuditEvent.objects.values_list("actor_label", "target_label", "changes"))
    assert "Pat" not in str(stored) and "Parent" not in str(stored)
    assert "Pat" not in open_event(used).actor_label


def test_signing_needs_the_agreement_and_a_name(personas, aup, parent):
    _, token = issue(personas, aup, parent=parent)
    with pytest.raises(DomainError) as error:
        link_sign(token=token, typed_name="Pat Parent", agreed=False, ip_address=None)
    assert error.value.field == "agreed"
    with pytest.raises(DomainError) as error:
        link_sign(token=token, typed_name=" ", agreed=True, ip_address=None)
    assert error.value.field == "typed_name"
    assert link_status(token).state == LinkState.READY  # nothing was used up


def test_revoked_and_unknown_links_cannot_sign(personas, aup, parent):
    _, old = issue(personas, aup, parent=parent)
    issue(personas, aup, parent=parent)
    for token, state in ((old, LinkState.REVOKED), ("y" * 43, LinkState.UNKNOWN)):
        with pytest.raises(LinkUnusable) as error:
            sign(token)
        assert error.value.status.state == state
    assert not Signature.objects.exists()


def test_a_second_signature_through_one_link_fails_at_the_database(personas, aup, parent):
    """Had two requests both read the link as unused, the one-to-one link refuses the
    second signature, which reads as "already used"."""
    link, token = issue(personas, aup, parent=parent)
    first = sign(token)
    SigningLink.objects.filter(pk=link.pk).update(used_at=None)  # as the racing read saw it
    with pytest.raises(LinkUnusable) as error:
        sign(token)
    assert error.value.status.state == LinkState.USED
    assert error.value.status.when == first.signed_at
    assert Signature.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_make_one_signature(personas):
    aup = published_aup(personas)
    parent = make_parent(personas, "Pat Parent", "pat@example.com")
    _, token = issue(personas, aup, parent=parent)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt() -> None:
        barrier.wait()
        try:
            for _ in range(200):
                try:
                    sign(token)
                    outcomes.append("signed")
                except LinkUnusable as exc:
                    outcomes.append(exc.status.state)
                except OperationalError:
                    # SQLite's shared in-memory test database reports a lock at once where
                    # a database file would wait (busy_timeout): wait here instead.
                    time.sleep(0.01)
                    continue
                return
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["signed", "used"]
    assert Signature.objects.filter(parent=parent).count() == 1

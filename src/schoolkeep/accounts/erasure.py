"""Erasure of a leaver's account, and the small helpers every app's erasure provider uses.

A leaver's user loses their membership of the school. When they belong to no other school
or trust, the user loses their API tokens and sessions and is anonymised (e-mail and name
gone, password unusable, inactive): never deleted, because audit events point at it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from django.db.models import CharField, Model, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from schoolkeep.privacy.erasure.registry import DueItem, register_provider

ERASED_EMAIL_DOMAIN = "erased.invalid"  # a reserved domain: nothing is ever sent there


class PersonDataOnly(ABC):
    """A provider with no records of its own past a period: it only erases what it holds
    about a person being erased."""

    name = ""
    covers: frozenset[str] = frozenset()

    def due(self, school: Any, *, today: date, limit: int) -> list[DueItem]:
        return []

    def holds(self, school: Any, items: list[DueItem]) -> dict[int, str]:
        return {}

    def erase(self, school: Any, items: list[DueItem], *, now: datetime) -> int:
        return 0

    @abstractmethod
    def erase_person_data(self, school: Any, person_ids: list[int], *, now: datetime) -> int:
        """Erase what this provider holds about these people; the rows affected."""


def users_of(person_ids: Iterable[int]) -> list[int]:
    """The user accounts of these people (those who have one)."""
    from schoolkeep.people.models import Person

    return list(Person.objects.filter(pk__in=list(person_ids), user__isnull=False)
                .values_list("user_id", flat=True).distinct())


# The users' names of the people of the erasure in progress: the accounts provider blanks
# them, perhaps before another provider reads them, so the first read is kept (one entry,
# keyed by the people as they are, which stay unchanged until their rows go last).
_users_names: dict[tuple[Any, ...], set[str]] = {}


def names_of(person_ids: Iterable[int]) -> list[str]:
    """Every name and e-mail these people and their users go by: what a ``*_label`` column
    holds when one of them acted (``actor_label`` is the user's name, else their e-mail).

    Left out: a preferred name alone (a first name is no one's), and any name or e-mail a
    remaining person or member of the school still goes by (a namesake colleague keeps
    their labels)."""
    from schoolkeep.accounts.models import User
    from schoolkeep.people.models import Person

    rows = sorted(Person.objects.filter(pk__in=list(person_ids)).values_list(
        "pk", "full_name", "preferred_name", "email", "user_id", "school_id"),
        key=lambda row: row[0])
    names: set[str] = {value for row in rows for value in (row[1], row[3])}
    key = tuple(rows)
    user_ids = [row[4] for row in rows if row[4]]
    if key not in _users_names:
        _users_names.clear()
        _users_names[key] = {value for pair in User.objects.filter(pk__in=user_ids)
                             .values_list("full_name", "email") for value in pair}
    names |= _users_names[key]
    names = {n for n in names if n and n.strip()}
    school_ids = {row[5] for row in rows}
    if names and school_ids:
        names -= _still_used(school_ids, names, [row[0] for row in rows], user_ids)
    return sorted(names)


def _still_used(school_ids: set[int], names: set[str], person_ids: list[int],
                user_ids: list[int]) -> set[str]:
    """The ``names`` someone else of these schools (a person, or a member) goes by."""
    from django.db.models import Q

    from schoolkeep.accounts.models import User
    from schoolkeep.people.models import Person

    wanted = list(names)
    used: set[str] = set()
    others = (Person.objects.filter(school_id__in=school_ids).exclude(pk__in=person_ids)
              .filter(Q(full_name__in=wanted) | Q(email__in=wanted)
                      | Q(preferred_name__in=wanted)))
    for row in others.values_list("full_name", "email", "preferred_name"):
        used.update(row)
    members = (User.objects.filter(memberships__school_id__in=school_ids)
               .exclude(pk__in=user_ids)
               .filter(Q(full_name__in=wanted) | Q(email__in=wanted)))
    for pair in members.values_list("full_name", "email"):
        used.update(pair)
    return used & names


def emails_of(person_ids: Iterable[int]) -> list[str]:
    """The e-mails among ``names_of``: what identifies a person's contact row (a name may be
    a namesake's)."""
    return [name for name in names_of(person_ids) if "@" in name]


def blank_labels(querysets: Iterable[tuple[QuerySet[Any], str]], names: list[str]) -> int:
    """Empty each ``field`` of each queryset whose value is one of ``names`` (one UPDATE a
    column): the rows stay, the name goes."""
    if not names:
        return 0
    return sum(qs.filter(**{f"{field}__in": names}).update(**{field: ""})
               for qs, field in querysets)


def unset(querysets: Iterable[tuple[QuerySet[Any], str]], ids: list[int]) -> int:
    """Set each nullable link ``field`` pointing at one of ``ids`` to NULL (one UPDATE)."""
    if not ids:
        return 0
    return sum(qs.filter(**{f"{field}__in": ids}).update(**{field: None})
               for qs, field in querysets)


def delete_files(folder: Path, names: Iterable[str]) -> int:
    """Remove stored files by their random names (ours only: no path in a name)."""
    removed = 0
    for name in names:
        if not name or "/" in name or "\\" in name or name.startswith("."):
            continue
        path = folder / name
        if path.is_file():
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def own_period(school: Any, key: str, today: date) -> tuple[Any, date]:
    """The record type in force for ``key`` and the latest event date now past it."""
    from schoolkeep.privacy.schedule.rules import latest_event_on
    from schoolkeep.privacy.schedule.selectors import effective_record_type

    rule = effective_record_type(school, key)
    return rule, latest_event_on(rule, today, school=school)


def end_of(day: date) -> datetime:
    """The last instant of ``day`` in the school's time zone."""
    return timezone.make_aware(datetime.combine(day, time.max))


def due_items(school: Any, *, provider: str, key: str, model_label: str, rule: Any,
              rows: Any, describe: Any) -> list[DueItem]:
    """DueItems for ``rows`` of (pk, event instant or day)."""
    from schoolkeep.privacy.schedule.rules import retention_ends_on

    items = []
    for pk, when in rows:
        day = timezone.localdate(when) if isinstance(when, datetime) else when
        items.append(DueItem(provider=provider, record_type_key=key, model_label=model_label,
                             pk=pk, ends_on=retention_ends_on(rule, day, school=school),
                             description=describe(day)))
    return items


def day_words(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def person_subject(field: str = "person_id") -> Any:
    """An audit subject resolver: the person a record's ``field`` points at (no query)."""
    def resolve(record: Model) -> tuple[str, str] | None:
        pk = getattr(record, field)
        return ("people.person", str(pk)) if pk else None
    return resolve


def user_subject(field: str = "user_id") -> Any:
    def resolve(record: Model) -> tuple[str, str] | None:
        pk = getattr(record, field)
        return ("accounts.user", str(pk)) if pk else None
    return resolve


class AccountsErasure(PersonDataOnly):
    name = "accounts"
    covers = frozenset({
        "accounts.user", "accounts.apitoken", "tenancy.membership",
        "tenancy.organisationmembership", "account.emailaddress", "mfa.authenticator",
        "usersessions.usersession",
        # Events keep their actor's id; the actor's name is sealed under the user's key,
        # which the erasure forgets (audit.sealing.forget), so the event is never touched.
        "audit.auditevent",
    })

    def erase_person_data(self, school: Any, person_ids: list[int], *, now: datetime) -> int:
        from allauth.account.models import EmailAddress
        from allauth.mfa.models import Authenticator
        from allauth.usersessions.models import UserSession
        from django.contrib.auth.hashers import make_password
        from django.contrib.sessions.models import Session

        from schoolkeep.accounts.models import ApiToken, User
        from schoolkeep.tenancy.models import Membership, OrganisationMembership

        user_ids = users_of(person_ids)
        if not user_ids:
            return 0
        names_of(person_ids)  # read before the users' names go, for the other providers
        # Roles go with the membership (cascade); nothing else points at a membership.
        affected = Membership.objects.filter(school=school, user_id__in=user_ids).delete()[0]
        still_member = set(Membership.objects.filter(user_id__in=user_ids)
                           .values_list("user_id", flat=True))
        still_member |= set(OrganisationMembership.objects.filter(user_id__in=user_ids)
                            .values_list("user_id", flat=True))
        gone = [pk for pk in user_ids if pk not in still_member]
        if not gone:  # still at another school or the trust: their sign-ins stay theirs
            return affected
        affected += ApiToken.objects.filter(user_id__in=gone).delete()[0]
        keys = list(UserSession.objects.filter(user_id__in=gone)
                    .values_list("session_key", flat=True))
        affected += Session.objects.filter(session_key__in=keys).delete()[0]
        affected += UserSession.objects.filter(user_id__in=gone).delete()[0]
        affected += EmailAddress.objects.filter(user_id__in=gone).delete()[0]
        affected += Authenticator.objects.filter(user_id__in=gone).delete()[0]
        # The e-mail must stay unique: the user's public id, at a domain never used.
        erased_email = Concat(Value("erased-"), Cast("public_id", CharField()),
                              Value(f"@{ERASED_EMAIL_DOMAIN}"), output_field=CharField())
        # The calendar feed's token is blanked, not a password set (bandit's B106).
        affected += User.objects.filter(pk__in=gone).update(
            email=erased_email, full_name="", password=make_password(None), is_active=False,
            calendar_token="")  # nosec B106
        return affected


def register() -> None:
    from schoolkeep.audit.subjects import register_subject

    register_provider(AccountsErasure())
    # Membership events (joined, roles changed, ended) are about the member: their label
    # ("<name> at <school>") and e-mail are sealed under the user's key, forgotten with them.
    register_subject("tenancy.membership", user_subject())
    register_subject("accounts.apitoken", user_subject())

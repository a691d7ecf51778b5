"""Which person on the Single Central Record each account of a user list belongs to: by
e-mail address (case-folded), then by name. A name that more than one person has matches
nobody, and the preview says so; so does an e-mail address two people share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from schoolkeep.access.imports.reading import AccountRow
from schoolkeep.access.models import SystemAccount
from schoolkeep.people import derive
from schoolkeep.people.models import Person
from schoolkeep.tenancy.models import School


@dataclass(frozen=True, slots=True)
class Known:
    """What matching and the preview need of one person (no ORM object)."""

    pk: int
    full_name: str
    leaving_date: date | None


@dataclass(frozen=True, slots=True)
class Match:
    person: int | None
    by: str  # SystemAccount.MatchedBy
    why_not: str = ""  # for no person: why (nobody, or several people)


class PeopleIndex:
    """The school's people by e-mail address and by name key, read once."""

    def __init__(self, school: School) -> None:
        self.people: dict[int, Known] = {}
        self.by_email: dict[str, list[int]] = {}
        self.by_name: dict[str, list[int]] = {}
        rows = Person.objects.filter(school=school).values_list(
            "pk", "full_name", "name_key", "email", "leaving_date")
        for pk, full_name, key, email, leaving in rows.iterator(2000):
            self.people[pk] = Known(pk, full_name, leaving)
            if email:
                self.by_email.setdefault(email.casefold(), []).append(pk)
            self.by_name.setdefault(key, []).append(pk)

    def match(self, row: AccountRow, *, email_from_username: bool) -> Match:
        """The person of a row: by its e-mail address (or, when the file has no e-mail
        column, a username that is one), then by its name."""
        email = row.email or (row.username if email_from_username and "@" in row.username
                              else "")
        found = self.by_email.get(email.casefold(), []) if email else []
        if len(found) == 1:
            return Match(found[0], SystemAccount.MatchedBy.EMAIL)
        several = (f"{len(found)} people on the record have the e-mail address {email}"
                   if found else "")
        key = derive.name_key(row.display_name) if row.display_name else ""
        named = self.by_name.get(key, []) if key else []
        if len(named) == 1:
            return Match(named[0], SystemAccount.MatchedBy.NAME)
        if named:
            return Match(None, SystemAccount.MatchedBy.NONE,
                         f"{len(named)} people on the record are called {row.display_name}: "
                         "choose the right one on the account's page")
        return Match(None, SystemAccount.MatchedBy.NONE,
                     several or "nobody on the record has this e-mail address or name")

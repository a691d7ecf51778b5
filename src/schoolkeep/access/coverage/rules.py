"""The rules of two-factor coverage and of administrators' DBS checks, as SQL conditions:
written once here and used by the duties (``access.duties``), the measures
(``access.measures``) and the coverage pages, so that a page, a figure and a duty never
disagree about what is a gap.

- A system is *remote access* when its kind is "Remote access" or it records a remote
  access method (RDP, RAV3, Freedom2Roam...). Without two-factor turned on it is a high risk
  (exposed remote desktop is the commonest way in for ransomware), whatever it holds.
- Any other system *needs two-factor* when the school says it is required, or when it holds
  a current OFFICIAL-SENSITIVE information asset.
- A *live* account is one not known to be disabled (``enabled`` True or unknown) on a
  current system: a fact a user list did not give is unknown, never "no".
- An *administrator* is a current person (not past their leaving date) named as a current
  system's administrator, or holding a live administrator account. They need a completed
  enhanced DBS check on the Single Central Record, or an exception with its reason: the
  person's (``AdministratorDbsException``) or, for one account, the account's own
  ``dbs_exception`` text. A live shared administrator account with no person behind it
  needs that text; an unmatched one is first to be matched (its one duty), after which the
  person's rule applies.
- One fact, one duty: an account on a system that raises its own two-factor duty raises no
  administrator two-factor duty, and the account of a person leaving before the horizon is
  the leaver's duty (``leavers.account-enabled``), not an access one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from schoolkeep.access.models import AdministratorDbsException, SystemAccount
from schoolkeep.assets.models import Asset, Classification
from schoolkeep.people.models import Check, CheckType, Person
from schoolkeep.people.selectors import current_q
from schoolkeep.systems.models import System

REMOTE = Q(kind=System.Kind.REMOTE_ACCESS) | ~Q(remote_access_method="")
TWO_FACTOR_OFF = Q(mfa_enabled=False)
LIVE = Q(enabled=True) | Q(enabled__isnull=True)
TWO_FACTOR_NOT_ON = Q(mfa_on=False) | Q(mfa_on__isnull=True)  # unknown is not "on"


def current_systems(school_ids: Sequence[int]) -> QuerySet[System]:
    return System.objects.filter(school_id__in=list(school_ids), archived_at__isnull=True)


def holds_sensitive() -> Exists:
    """The system holds at least one current OFFICIAL-SENSITIVE information asset."""
    return Exists(Asset.objects.filter(systems=OuterRef("pk"), archived_at__isnull=True,
                                       classification=Classification.OFFICIAL_SENSITIVE))


def needs_two_factor_q() -> Q:
    """Any system that needs two-factor: remote access, required, or holding sensitive data."""
    return REMOTE | Q(mfa_required=True) | Q(holds_sensitive())


def other_needing_q() -> Q:
    """Not remote access, but required or holding OFFICIAL-SENSITIVE data."""
    return ~REMOTE & (Q(mfa_required=True) | Q(holds_sensitive()))


def live_accounts(school_ids: Sequence[int]) -> QuerySet[SystemAccount]:
    return SystemAccount.objects.filter(LIVE, school_id__in=list(school_ids),
                                        system__archived_at__isnull=True)


ADMIN = Q(is_admin=True)
UNMATCHED = Q(person__isnull=True, is_shared=False)
SHARED_WITHOUT_REASON = Q(is_shared=True, shared_reason="")
# An administrator account of nobody (unmatched, or shared without a person behind it).
NOBODY_ADMIN = ADMIN & Q(person__isnull=True)
# Its own reason why no DBS check is needed.
OWN_DBS_EXCEPTION = ~Q(dbs_exception="")
# A shared administrator account of nobody with no reason why no check is needed. An
# unmatched one raises only the unmatched account's duty: the unknown owner is one fact, and
# matching the account answers its DBS question (the person's rule then applies).
NOBODY_ADMIN_WITHOUT_DBS = NOBODY_ADMIN & Q(is_shared=True, dbs_exception="")


def on_system_raising_two_factor_q(school_ids: Sequence[int]) -> Q:
    """The account is on a system that raises its own two-factor duty (two-factor off, and
    remote access, required or holding OFFICIAL-SENSITIVE data): turning two-factor on for
    the system answers its accounts too. The systems are one uncorrelated list, read once
    (correlated per account, the plan's cost made PostgreSQL JIT-compile each count)."""
    raising = current_systems(school_ids).filter(TWO_FACTOR_OFF, needs_two_factor_q())
    return Q(system_id__in=raising.values("pk"))


def admin_without_two_factor_q(school_ids: Sequence[int]) -> Q:
    """A live administrator account whose two-factor is not on, the one duty of it: not on
    a system that already raises its own two-factor duty."""
    return ADMIN & TWO_FACTOR_NOT_ON & ~on_system_raising_two_factor_q(school_ids)


def not_leaving_q(until: date) -> Q:
    """The account's person does not leave before ``until`` (the horizon's day), as
    ``leavers.duties`` counts a leaver's account: such an account is the leaver's duty
    (disable it), so it raises no access duty. No person, or no leaving date, stays in."""
    return ~Q(person__leaving_date__lt=until)


def dbs_done() -> Exists:
    return Exists(Check.objects.filter(person=OuterRef("pk"), check_type=CheckType.ENHANCED_DBS,
                                       status=Check.Status.DONE))


def dbs_excepted() -> Exists:
    return Exists(AdministratorDbsException.objects.filter(person=OuterRef("pk")))


def dbs_met_q() -> Q:
    """A completed enhanced DBS check on the record, or the person's exception."""
    return Q(dbs_done()) | Q(dbs_excepted())


def administrators(school_ids: Sequence[int], today: date, *,
                   needing_dbs: bool = False) -> QuerySet[Person]:
    """The schools' current administrators (see the module docstring), aliased ``since``:
    when they became one (their earliest live administrator account; without one, the
    earliest current system naming them). With ``needing_dbs``, only accounts without
    their own exception text count, and only people with neither a DBS check nor an
    exception are kept."""
    # Correlated on the school too, so that the (school, person) index finds the accounts.
    accounts = SystemAccount.objects.filter(LIVE, ADMIN, school_id=OuterRef("school_id"),
                                            person=OuterRef("pk"),
                                            system__archived_at__isnull=True)
    if needing_dbs:
        accounts = accounts.filter(dbs_exception="")
    first_account = Subquery(accounts.order_by("created_at").values("created_at")[:1])
    first_named = Subquery(System.objects.filter(archived_at__isnull=True,
                                                 administrators=OuterRef("pk"))
                           .order_by("created_at").values("created_at")[:1])
    # Who is one, found first by two uncorrelated lists (read once, not once per person):
    # only for them is ``since`` worked out.
    ids = list(school_ids)
    holders = SystemAccount.objects.filter(LIVE, ADMIN, school_id__in=ids,
                                           person__isnull=False,
                                           system__archived_at__isnull=True)
    if needing_dbs:
        holders = holders.filter(dbs_exception="")
    named = System.administrators.through.objects.filter(system__school_id__in=ids,
                                                         system__archived_at__isnull=True)
    people = (Person.objects.filter(current_q(today), school_id__in=ids)
              .filter(Q(pk__in=holders.values("person_id")) | Q(pk__in=named.values("person_id")))
              .alias(by_account=first_account, by_name=first_named)
              # Coalesce reads the systems only for those without an account (LEAST of
              # both, read for everyone, made PostgreSQL's JIT compile the count each time).
              .alias(since=Coalesce("by_account", "by_name")))
    if needing_dbs:
        people = people.exclude(dbs_met_q())
    return people


# --- the same rules for one system already read (its page and list tags) ---------------

def is_remote(system: System) -> bool:
    """``REMOTE`` for a system in memory."""
    return system.kind == System.Kind.REMOTE_ACCESS or bool(system.remote_access_method)


def loaded_holds_sensitive(system: System) -> bool | None:
    """``holds_sensitive`` for a system in memory, from what was read with it (an annotation
    ``holds_sensitive``, or its prefetched assets); None when neither was read: no query."""
    annotated = getattr(system, "holds_sensitive", None)
    if annotated is not None:
        return bool(annotated)
    assets = getattr(system, "_prefetched_objects_cache", {}).get("assets")
    if assets is None:
        return None
    return any(asset.archived_at is None
               and asset.classification == Classification.OFFICIAL_SENSITIVE
               for asset in assets)


def why_needed(system: System) -> list[str]:
    """Why the system needs two-factor (``needs_two_factor_q``), in words; empty when it
    does not (or when its data's classification was not read and nothing else needs it)."""
    reasons = []
    if is_remote(system):
        reasons.append("remote access")
    if system.mfa_required:
        reasons.append("the school requires it")
    if loaded_holds_sensitive(system):
        reasons.append("holds OFFICIAL-SENSITIVE data")
    return reasons

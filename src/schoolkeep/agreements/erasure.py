"""What the agreements app erases (``privacy.erasure``).

Its own records past their period: former parents (``OWN_PARENTS``, from the day they were
archived because their children left), signing links (``OWN_SIGNING_LINKS``, from the day
they were used, revoked or expired) and visitors' kiosk entries (``OWN_KIOSK``, from the day
they signed). A signature is kept for the schedule's period, then goes with its signer.

For a person being erased: their signatures (and paper scans), signing links and reminders
go; their name leaves the labels of what they did (published a version, sent a reminder).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce

from schoolkeep.accounts.erasure import (
    PersonDataOnly,
    blank_labels,
    day_words,
    delete_files,
    due_items,
    end_of,
    names_of,
    own_period,
    unset,
    users_of,
)
from schoolkeep.agreements.models import (
    AupVersion,
    Kiosk,
    KioskPin,
    Parent,
    Policy,
    PolicyVersion,
    Reminder,
    Signature,
    SigningLink,
)
from schoolkeep.privacy.erasure.registry import DueItem, register_provider
from schoolkeep.privacy.schedule import keys

PARENT = "agreements.parent"
LINK = "agreements.signinglink"
SIGNATURE = "agreements.signature"


def signatures() -> QuerySet[Signature]:
    """Signatures without the guard that refuses every change: the one place a signature
    may go is its erasure at the end of its period."""
    return Signature._base_manager.all()


def _delete_signatures(rows: QuerySet[Signature]) -> int:
    """Delete signatures and, after the commit, their paper scans."""
    from schoolkeep.agreements.signing.paper.services import scans_dir

    scans = [name for name in rows.values_list("scan_name", flat=True) if name]
    count = rows.delete()[0]
    if scans:
        folder = scans_dir()
        transaction.on_commit(lambda: delete_files(folder, scans))
    return count


def _delete_links(links: QuerySet[SigningLink]) -> int:
    """Delete signing links with no signature made through them (a kept signature keeps
    its link, unchanged, until it goes itself), first unhooking the reminders that name
    them."""
    ids = list(links.filter(signature__isnull=True).values_list("pk", flat=True))
    if not ids:
        return 0
    Reminder.objects.filter(link_id__in=ids).update(link=None)
    return SigningLink.objects.filter(pk__in=ids).delete()[0]


class AgreementsErasure(PersonDataOnly):
    name = "agreements"
    covers = frozenset({PARENT, LINK, SIGNATURE, "agreements.reminder", "agreements.kiosk",
                        "agreements.kioskpin", "agreements.aupversion", "agreements.policy",
                        "agreements.policyversion"})

    def due(self, school: Any, *, today: date, limit: int) -> list[DueItem]:
        items: list[DueItem] = []
        rule, latest = own_period(school, keys.OWN_PARENTS, today)
        parents = (Parent.objects.filter(school=school, archived_at__lte=end_of(latest))
                   .order_by("archived_at", "pk").values_list("pk", "archived_at")[:limit])
        items += due_items(school, provider=self.name, key=keys.OWN_PARENTS, model_label=PARENT,
                           rule=rule, rows=parents,
                           describe=lambda d: f"A parent whose children left ({day_words(d)})")
        rule, latest = own_period(school, keys.OWN_SIGNING_LINKS, today)
        ended = Coalesce("used_at", "revoked_at", "expires_at")
        links = (SigningLink.objects.filter(school=school).annotate(ended=ended)
                 .filter(ended__lte=end_of(latest), signature__isnull=True)
                 .order_by("ended", "pk")
                 .values_list("pk", "ended")[:limit])
        items += due_items(school, provider=self.name, key=keys.OWN_SIGNING_LINKS,
                           model_label=LINK, rule=rule, rows=links,
                           describe=lambda d: f"A signing link that ended on {day_words(d)}")
        rule, latest = own_period(school, keys.OWN_KIOSK, today)
        kiosk = (signatures().filter(school=school, kiosk__isnull=False, person__isnull=True,
                                     parent__isnull=True, user__isnull=True,
                                     signed_at__lte=end_of(latest))
                 .order_by("signed_at", "pk").values_list("pk", "signed_at")[:limit])
        items += due_items(school, provider=self.name, key=keys.OWN_KIOSK,
                           model_label=SIGNATURE, rule=rule, rows=kiosk,
                           describe=lambda d: f"A visitor's kiosk entry of {day_words(d)}")
        items.sort(key=lambda item: (item.ends_on, item.model_label, item.pk))
        return items[:limit]

    def erase(self, school: Any, items: list[DueItem], *, now: datetime) -> int:
        """Erase these (the runner keeps their tombstones and ledger lines). A record
        erased already is simply not found again."""
        from schoolkeep.audit.sealing import forget

        by_label: dict[str, list[int]] = defaultdict(list)
        for item in items:
            by_label[item.model_label].append(item.pk)
        count = 0
        with transaction.atomic():
            parents = list(Parent.objects.filter(school=school, pk__in=by_label.get(PARENT, []))
                           .values_list("pk", flat=True))
            if parents:
                count += self._erase_parents(school, parents)
                forget([(PARENT, str(pk)) for pk in parents])
            count += _delete_links(SigningLink.objects.filter(school=school,
                                                              pk__in=by_label.get(LINK, [])))
            kiosk = list(signatures().filter(
                school=school, pk__in=by_label.get(SIGNATURE, []), kiosk__isnull=False,
                person__isnull=True, parent__isnull=True, user__isnull=True)
                .values_list("pk", flat=True))
            if kiosk:
                count += _delete_signatures(signatures().filter(pk__in=kiosk))
                # A visitor's entry is its own subject in the audit trail: its name goes.
                forget([(SIGNATURE, str(pk)) for pk in kiosk])
        return count

    def _erase_parents(self, school: Any, parent_ids: list[int]) -> int:
        count = Reminder.objects.filter(school=school, parent_id__in=parent_ids).delete()[0]
        count += _delete_signatures(signatures().filter(school=school,
                                                        parent_id__in=parent_ids))
        count += _delete_links(SigningLink.objects.filter(school=school,
                                                          parent_id__in=parent_ids))
        return count + Parent.objects.filter(school=school, pk__in=parent_ids).delete()[0]

    def erase_person_data(self, school: Any, person_ids: list[int], *, now: datetime) -> int:
        user_ids = users_of(person_ids)
        names = names_of(person_ids)
        count = Reminder.objects.filter(person_id__in=person_ids).delete()[0]
        # A member with no person record signs as a user: in this school, theirs too.
        count += _delete_signatures(signatures().filter(
            Q(person_id__in=person_ids) | Q(school=school, user_id__in=user_ids)))
        count += _delete_links(SigningLink.objects.filter(person_id__in=person_ids))
        count += unset([(Kiosk.objects.filter(school=school), "opened_by_id"),
                        (Policy.objects.filter(school=school), "owner_id"),
                        (PolicyVersion.objects.filter(school=school), "approved_by_id")],
                       user_ids)
        in_school = {"school": school}
        count += blank_labels([
            (AupVersion.objects.filter(**in_school), "published_by_label"),
            (AupVersion.objects.filter(**in_school), "created_by_label"),
            (SigningLink.objects.filter(**in_school), "created_by_label"),
            (Reminder.objects.filter(**in_school), "sent_by_label"),
            (Kiosk.objects.filter(**in_school), "opened_by_label"),
            (KioskPin.objects.filter(**in_school), "set_by_label"),
            (signatures().filter(**in_school), "recorded_by_label"),
            (Policy.objects.filter(**in_school), "approved_by_name"),
            (PolicyVersion.objects.filter(**in_school), "created_by_label"),
            (PolicyVersion.objects.filter(**in_school), "sent_for_review_by_label"),
            (PolicyVersion.objects.filter(**in_school), "returned_by_label"),
            (PolicyVersion.objects.filter(**in_school), "approved_by_name"),
            (PolicyVersion.objects.filter(**in_school), "stated_reviewer"),
        ], names)
        return count


def _signer_of(record: Any) -> tuple[str, str] | None:
    if record.person_id:
        return ("people.person", str(record.person_id))
    if record.parent_id:
        return (PARENT, str(record.parent_id))
    if getattr(record, "user_id", None):  # a member with no person record
        return ("accounts.user", str(record.user_id))
    if getattr(record, "kiosk_id", None) and isinstance(record, Signature):
        # A visitor's kiosk entry: sealed under its own key, forgotten when it goes.
        return (SIGNATURE, str(record.pk)) if record.pk else None
    return None  # a pupil: nobody on record


def register() -> None:
    from schoolkeep.audit.subjects import register_subject

    register_provider(AgreementsErasure())
    register_subject(PARENT, lambda parent: (PARENT, str(parent.pk)))
    for label in (SIGNATURE, LINK, "agreements.reminder"):
        register_subject(label, _signer_of)

"""``schoolkeep recount-duty-facts [--school SLUG] [--fix]``: prove the stored facts.

Facts the duties are counted from are kept on their records, so that duty counts across a
trust are cheap: each person's missing checks (``people.missing_checks``) and each asset's
next review date (``assets.review_due``). This command recomputes them from the rules and
the records and prints every record whose stored fact differs. Exit status 0 when none
does, 1 when some did (with ``--fix`` they are repaired, and each school's audit trail
records it), 2 for an unknown school.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from schoolkeep.assets import review_due
from schoolkeep.audit.context import audit_context, cli_actor_label
from schoolkeep.people import missing_checks
from schoolkeep.tenancy.models import School


class Command(BaseCommand):
    help = ("Recompute the stored duty facts (people's missing checks, assets' review dates) "
            "and report any that differ (exit 1); --fix repairs them.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", metavar="SLUG", help="only this school")
        parser.add_argument("--fix", action="store_true", help="repair what differs")

    def handle(self, *args: Any, **options: Any) -> None:
        school_ids = None
        if options["school"]:
            school = School.objects.filter(slug=options["school"]).first()
            if school is None:
                raise CommandError(f"No school has the short name {options['school']!r}.",
                                   returncode=2)
            school_ids = [school.pk]
        if options["fix"]:
            with audit_context(actor_label=cli_actor_label()):
                people = missing_checks.repair(school_ids)
                assets = review_due.repair(school_ids)
        else:
            people = missing_checks.differences(school_ids)
            assets = review_due.differences(school_ids)
        for d in people:
            self.stdout.write(f"school {d.school_id} person {d.person_id}: {d.field} is "
                              f"{d.stored} and should be {d.computed}")
        for a in assets:
            self.stdout.write(f"school {a.school_id} asset {a.asset_id}: review_due_on is "
                              f"{a.stored} and should be {a.computed}")
        if not people and not assets:
            self.stdout.write("Every stored fact matches the rules.")
            return
        verb = "repaired" if options["fix"] else "found"
        self.stdout.write(f"{len(people)} differing facts of "
                          f"{len({d.person_id for d in people})} people and "
                          f"{len(assets)} differing review dates of assets {verb}.")
        raise SystemExit(1)

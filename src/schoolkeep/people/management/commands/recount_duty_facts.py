"""``schoolkeep recount-duty-facts [--school SLUG] [--fix]``: prove the stored facts.

Each person keeps whether a required check is missing (``people.missing_checks``), so that
duty counts across a trust are cheap. This command recomputes those facts from the rules,
the checks and the overrides, and prints every person whose stored fact differs. Exit
status 0 when none does, 1 when some did (with ``--fix`` they are repaired, and each
school's audit trail records it), 2 for an unknown school.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from schoolkeep.audit.context import audit_context, cli_actor_label
from schoolkeep.people.missing_checks import differences, repair
from schoolkeep.tenancy.models import School


class Command(BaseCommand):
    help = ("Recompute every person's stored missing-check facts from the rules and report "
            "any that differ (exit 1); --fix repairs them.")

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
                found = repair(school_ids)
        else:
            found = differences(school_ids)
        for d in found:
            self.stdout.write(f"school {d.school_id} person {d.person_id}: {d.field} is "
                              f"{d.stored} and should be {d.computed}")
        people = len({d.person_id for d in found})
        if not found:
            self.stdout.write("Every stored fact matches the rules.")
            return
        verb = "repaired" if options["fix"] else "found"
        self.stdout.write(f"{len(found)} differing facts of {people} people {verb}.")
        raise SystemExit(1)

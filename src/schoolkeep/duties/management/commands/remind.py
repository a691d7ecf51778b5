"""``schoolkeep remind [--dry-run]``: e-mail each person their due and overdue duties."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from schoolkeep.audit.context import audit_context, cli_actor_label
from schoolkeep.duties.services import ReminderReport, reminders_send


class Command(BaseCommand):
    help = (
        "E-mail each member the duties they own that are overdue or due in the next 14 days, "
        "at most once a day each. --dry-run shows who would get what and changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Show who would be e-mailed; send nothing."
        )

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        with audit_context(actor_label=cli_actor_label()):
            report = reminders_send(dry_run=dry_run)
        self._print(report)
        if report.failed:
            raise CommandError(
                f"{len(report.failed)} reminder(s) could not be sent; see the messages above."
            )

    def _print(self, report: ReminderReport) -> None:
        verb = "Would e-mail" if report.dry_run else "E-mailed"
        for reminder in report.sent:
            self.stdout.write(
                f"{verb} {reminder.user.email}: {reminder.overdue_count} overdue, "
                f"{reminder.due_count} due"
            )
            if report.dry_run:  # what the e-mail lists: the most urgent few of each kind
                for school, groups in reminder.by_school:
                    for group in groups:
                        for duty in group.first:
                            self.stdout.write(f"  {school.name}: [{duty.status}] {duty.title}")
                        if group.more:
                            self.stdout.write(f"  {school.name}: and {group.more} more "
                                              f"({group.label})")
        for reminder, reason in report.failed:
            self.stderr.write(f"Could not e-mail {reminder.user.email}: {reason}")
        count = len(report.sent)
        summary = f"{count} would be reminded" if report.dry_run else f"{count} reminded"
        self.stdout.write(
            f"{report.day:%d %B %Y}: {summary}, {report.already_sent} already reminded today."
            + (" Dry run: nothing was sent or recorded." if report.dry_run else "")
        )

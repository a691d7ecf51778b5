"""``schoolkeep init``: prepare a new data directory and the first school and its SIRO.

Makes the data folder private to its owner (0700), migrates the database, creates the cache
table, the organisation (when given), the school, and a single-use link with which the first
SIRO chooses a password. The link is printed, alone, on the last line; no e-mail is sent.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from schoolkeep.audit.context import audit_context, cli_actor_label
from schoolkeep.backups.upgrading import tell_made_private
from schoolkeep.lib.errors import DomainError
from schoolkeep.tenancy import services
from schoolkeep.tenancy.models import Organisation, School
from schoolkeep.tenancy.roles import Role


class Command(BaseCommand):
    help = (
        "Set up Schoolkeep: migrate the database, create the school (and its trust or local "
        "authority) and print a one-time link with which the first SIRO sets their password."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school-name", required=True, help="The school's name.")
        parser.add_argument("--organisation", default="",
                            help="The trust or local authority the school belongs to, if any "
                                 "(an existing one of that name is reused).")
        parser.add_argument("--organisation-kind", default=Organisation.Kind.TRUST,
                            choices=list(Organisation.Kind.values),
                            help="Whether the organisation is a trust or a local authority.")
        parser.add_argument("--email", required=True, help="The first SIRO's e-mail address.")
        parser.add_argument("--full-name", default="", help="The first SIRO's full name.")
        parser.add_argument("--days", type=int, default=7,
                            help="How many days the link stays valid (default 7).")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["school_name"].strip()
        email = options["email"].strip().lower()
        organisation_name = options["organisation"].strip()
        if not slugify(name):
            raise CommandError("--school-name must contain at least one letter or digit.")
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"--email {email!r} is not a valid e-mail address.") from None
        quiet = max(options["verbosity"] - 1, 0)
        tell_made_private(self.stdout)  # a folder made by hand may be open to every user
        call_command("migrate", interactive=False, verbosity=quiet)
        call_command("createcachetable", verbosity=quiet)
        if School.objects.filter(Q(name__iexact=name) | Q(slug=slugify(name)[:80])).exists():
            raise CommandError(f"A school called {name!r} already exists; nothing was changed.")
        try:
            with audit_context(actor_label=cli_actor_label()), transaction.atomic():
                organisation = self._organisation(organisation_name, options["organisation_kind"])
                school = services.school_create(name=name, organisation=organisation)
                invitation, token = services.invitation_create(
                    school=school, email=email, full_name=options["full_name"],
                    roles=[Role.SIRO], actor=None, days=options["days"], send_email=False,
                )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        expires = timezone.localtime(invitation.expires_at).strftime("%d %B %Y at %H:%M")
        if organisation is not None:
            self.stdout.write(f"Organisation: {organisation.name}")
        self.stdout.write(f"School: {school.name} ({school.slug})")
        has_account = get_user_model().objects.filter(email__iexact=email, is_active=True).exists()
        action = "join the school" if has_account else "choose the password"
        self.stdout.write(
            f"The school's SIRO, {email}, opens this link to {action}. It works once and "
            f"expires on {expires}:"
        )
        self.stdout.write(services.invitation_url(token))

    def _organisation(self, name: str, kind: str) -> Organisation | None:
        if not name:
            return None
        existing = Organisation.objects.filter(
            Q(name__iexact=name) | Q(slug=slugify(name)[:80])
        ).first()
        if existing is not None:
            return existing
        return services.organisation_create(name=name, kind=kind)

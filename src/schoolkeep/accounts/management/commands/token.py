"""``schoolkeep token create|revoke|list``: the operator's API tokens for any user.

Writes are audited with the actor ``cli:<operating-system user>``. Bad input ends with a
one-line reason on stderr and a non-zero exit.
"""

from __future__ import annotations

import uuid
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from schoolkeep.accounts import selectors, services
from schoolkeep.accounts.models import ApiToken, User
from schoolkeep.audit.context import audit_context, cli_actor_label
from schoolkeep.lib.errors import DomainError


class OneLineParser(CommandParser):
    """Bad arguments: one line on stderr (not argparse's usage block) and exit status 2."""

    def error(self, message: str) -> NoReturn:
        if self.called_from_command_line:
            self.exit(2, f"{self.prog}: error: {message}\n")
        raise CommandError(f"Error: {message}")


class Command(BaseCommand):
    help = "Create, revoke and list API tokens."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.__class__ = OneLineParser
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", metavar="{create,revoke,list}",
                                    parser_class=OneLineParser)
        create = sub.add_parser("create", help="Create a token for a user; prints it last.")
        create.add_argument("--email", help="The user's e-mail address.")
        create.add_argument("--name", default="", help="What will use the token.")
        create.add_argument("--read-only", action="store_true",
                            help="The token may read but not change anything.")
        create.add_argument("--days", default=str(services.TOKEN_DEFAULT_DAYS),
                            help="Days until it expires (1 to 365, default 90).")
        revoke = sub.add_parser("revoke", help="Revoke one token, or all of a user's.")
        revoke.add_argument("--id", dest="token_id", help="The token's id (see `token list`).")
        revoke.add_argument("--email", help="Revoke every active token of this user.")
        listing = sub.add_parser("list", help="List tokens (without their secrets).")
        listing.add_argument("--email", help="Only this user's tokens.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options.get("action")
        if action is None:
            raise CommandError("Say what to do: token create, token revoke or token list.")
        with audit_context(actor_label=cli_actor_label()):
            try:
                getattr(self, f"_{action}")(options)
            except DomainError as exc:
                where = f"--{exc.field}: " if exc.field in ("days", "name") else ""
                raise CommandError(f"{where}{exc.message}") from None

    def _user(self, email: str | None) -> User:
        if not email:
            raise CommandError("--email is required.")
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No user has the e-mail address {email.strip()}.")
        return user

    def _create(self, options: dict[str, Any]) -> None:
        user = self._user(options.get("email"))
        try:
            days = int(options["days"])
        except (TypeError, ValueError):
            raise CommandError("--days must be a whole number from 1 to 365.") from None
        name = options.get("name") or f"Created on the command line {timezone.localdate():%d %b %Y}"
        token, secret = services.token_create(
            user=user, name=name, read_only=options["read_only"], days=days
        )
        access = "read-only" if token.read_only else "read and write"
        self.stdout.write(f"Token {token.public_id} for {user.email} ({access}), "
                          f"expires {timezone.localtime(token.expires_at):%Y-%m-%d %H:%M}.")
        self.stdout.write("It is shown only now; only its hash is kept.")
        self.stdout.write(secret)

    def _revoke(self, options: dict[str, Any]) -> None:
        token_id, email = options.get("token_id"), options.get("email")
        if bool(token_id) == bool(email):
            raise CommandError("Give either --id or --email.")
        if token_id:
            try:
                public_id = uuid.UUID(token_id)
            except ValueError:
                raise CommandError(f"{token_id} is not a token id.") from None
            token = ApiToken.objects.filter(public_id=public_id).first()
            if token is None:
                raise CommandError(f"No token has the id {token_id}.")
            tokens = [token]
        else:
            user = self._user(email)
            tokens = list(ApiToken.objects.filter(user=user, revoked_at__isnull=True))
        for token in tokens:
            services.token_revoke(token=token, actor=None)
        self.stdout.write(f"Revoked {len(tokens)} token{'s' if len(tokens) != 1 else ''}.")

    def _list(self, options: dict[str, Any]) -> None:
        email = options.get("email")
        if email:
            self._user(email)
        tokens = selectors.token_list(email=email)
        if not tokens:
            self.stdout.write("No tokens.")
            return
        for token in tokens:
            used = (f"{timezone.localtime(token.last_used_at):%Y-%m-%d %H:%M}"
                    if token.last_used_at else "never")
            self.stdout.write(
                f"{token.public_id}  {token.user.email}  {token.name!r}  {token.prefix}…  "
                f"{'read-only' if token.read_only else 'read-write'}  {token.status}  "
                f"expires {timezone.localtime(token.expires_at):%Y-%m-%d}  last used {used}"
            )

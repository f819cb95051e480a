"""``manage.py api_token``: issue, list and revoke hashed API tokens.

``api_token create erp`` prints the new secret once (it is stored hashed);
``api_token revoke PREFIX`` or ``--user erp`` withdraws tokens at once;
``api_token list [--user erp]`` shows prefixes, expiry and revocation.
"""

from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from interactions_crm.platform.api.auth import issue_token, revoke_tokens
from interactions_crm.platform.api.tokens import DEFAULT_TOKEN_DAYS, ApiToken

# A command run on the server is the system (no user signed in).
ACTOR = None


class Command(BaseCommand):
    help = "Issue, list or revoke API tokens (stored hashed, with an expiry)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Issue a token for a user.")
        create.add_argument("username")
        create.add_argument("--name", default="", help="What the token is for.")
        validity = create.add_mutually_exclusive_group()
        validity.add_argument(
            "--days",
            type=int,
            default=DEFAULT_TOKEN_DAYS,
            help=f"Days until it expires (default {DEFAULT_TOKEN_DAYS}).",
        )
        validity.add_argument(
            "--no-expiry", action="store_true", help="The token never expires."
        )
        revoke = actions.add_parser("revoke", help="Revoke tokens.")
        revoke.add_argument("prefix", nargs="?", help="The token's prefix.")
        revoke.add_argument("--user", help="Revoke every token of this user.")
        listing = actions.add_parser("list", help="List tokens.")
        listing.add_argument("--user", help="Only this user's tokens.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self.create(options)
        elif action == "revoke":
            self.revoke(options)
        else:
            self.list(options)

    def create(self, options: dict[str, Any]) -> None:
        user = self.user(options["username"])
        if options["days"] < 1:
            raise CommandError("--days must be at least 1 (or use --no-expiry).")
        token = issue_token(
            actor=ACTOR,
            user=user,
            name=options["name"],
            valid_days=None if options["no_expiry"] else options["days"],
        )
        expiry = token.expires_at.isoformat() if token.expires_at else "never"
        self.stdout.write(
            f"Generated token {token.key} for user {user.get_username()} "
            f"(expires {expiry}). It is stored hashed: copy it now."
        )

    def revoke(self, options: dict[str, Any]) -> None:
        if bool(options["prefix"]) == bool(options["user"]):
            raise CommandError("Give either a token prefix or --user, not both.")
        tokens = ApiToken.objects.all()
        if options["prefix"]:
            tokens = tokens.filter(prefix=options["prefix"])
        else:
            tokens = tokens.filter(user=self.user(options["user"]))
        if not tokens.exists():
            raise CommandError("No such token.")
        count = revoke_tokens(actor=ACTOR, tokens=tokens)
        self.stdout.write(f"{count} token(s) revoked.")

    def list(self, options: dict[str, Any]) -> None:
        tokens = ApiToken.objects.select_related("user")
        if options["user"]:
            tokens = tokens.filter(user=self.user(options["user"]))
        for token in tokens:
            state = (
                "revoked"
                if token.is_revoked
                else "expired"
                if token.is_expired
                else "active"
            )
            expiry = token.expires_at.isoformat() if token.expires_at else "never"
            self.stdout.write(
                f"{token.prefix}  {token.user.get_username()}  {state}  "
                f"expires {expiry}  {token.name}"
            )

    def user(self, username: str) -> Any:
        try:
            return get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"No user {username!r}.") from exc

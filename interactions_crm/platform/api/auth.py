"""Authentication of API requests by a hashed token (:mod:`.tokens`).

Clients send ``Authorization: Token <secret>`` as before (the header DRF's
``TokenAuthentication`` defined, so the documented curl calls and generated
clients keep working); the secret is looked up by its digest in one query
together with its user. An unknown, expired or revoked token, or one of an
inactive user, answers 401 with a message saying which.

:func:`issue_token` and :func:`revoke_tokens` are the only ways tokens are
made and withdrawn (admin, ``manage.py api_token``, tests); both are audited.
"""

import datetime as dt
import secrets
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from interactions_crm.platform.actors import Actor
from interactions_crm.platform.api.tokens import (
    DEFAULT_TOKEN_DAYS,
    PREFIX_LENGTH,
    ApiToken,
    digest_of,
)
from interactions_crm.platform.audit import record_audit


class ApiTokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <secret>`` checked against :class:`ApiToken`."""

    keyword = "Token"
    model = ApiToken

    def authenticate_credentials(self, key: str) -> tuple[Any, ApiToken]:
        token = (
            ApiToken.objects.select_related("user")
            .filter(digest=digest_of(key))
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if token.is_revoked:
            raise exceptions.AuthenticationFailed(_("The token has been revoked."))
        if token.is_expired:
            raise exceptions.AuthenticationFailed(_("The token has expired."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return token.user, token


@transaction.atomic
def issue_token(
    *,
    actor: Actor,
    user: Any,
    name: str = "",
    valid_days: int | None = DEFAULT_TOKEN_DAYS,
) -> ApiToken:
    """Create a token for ``user``; its secret is on the result's ``key`` only.

    It expires ``valid_days`` from now; ``None`` means never (to be chosen
    explicitly, e.g. for a service account rotated by other means).
    """
    if valid_days is not None and valid_days < 1:
        raise ValueError("valid_days must be at least 1 (or None for no expiry).")
    secret = secrets.token_hex(32)
    expires_at = (
        None if valid_days is None else timezone.now() + dt.timedelta(days=valid_days)
    )
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[:PREFIX_LENGTH],
        digest=digest_of(secret),
        expires_at=expires_at,
    )
    token.key = secret
    record_audit(
        actor=actor,
        action="api_token.issue",
        obj=token,
        changes={"user": user.get_username(), "prefix": token.prefix},
    )
    return token


@transaction.atomic
def revoke_tokens(*, actor: Actor, tokens: models.QuerySet[ApiToken]) -> int:
    """Revoke those of ``tokens`` not yet revoked, at once; returns how many."""
    prefixes = list(
        tokens.filter(revoked_at__isnull=True).values_list("prefix", flat=True)
    )
    count = tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    if count:
        record_audit(
            actor=actor,
            action="api_token.revoke",
            object_type=ApiToken._meta.label_lower,
            count=count,
            changes={"prefixes": prefixes},
        )
    return count

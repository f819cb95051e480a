"""API tokens stored as a hash, with an expiry and a revocation (issue #11).

A token is a random secret shown once, when it is issued; the database keeps
only its SHA-256 digest, the first characters (``prefix``, to recognise it in
the admin) and who it belongs to. Why SHA-256 and not Django's password
hashers or django-rest-knox:

* the secret is 256 random bits, not a password a person chose, so a fast
  hash cannot be reversed by guessing — while a slow hasher (PBKDF2, 10⁶
  rounds) would cost ~0.3 s of CPU on *every* API request and make each wrong
  token a cheap denial of service;
* a deterministic digest is one indexed lookup (token and user in one query),
  where knox scans the tokens sharing a prefix, reads the user's other tokens
  on every request and *deletes* expired ones (no trace of who had access).

Revoking keeps the row (``revoked_at``) for the record; an expired or revoked
token answers 401 with a message that says which.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Characters of the secret stored in clear to recognise a token in lists.
PREFIX_LENGTH = 8
# The validity of a token issued without an explicit expiry.
DEFAULT_TOKEN_DAYS = 365


def digest_of(secret: str) -> str:
    """The stored form of a token's secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> "ApiTokenQuerySet":
        """Tokens that authenticate now: not revoked and not expired."""
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """One API credential of a user (an integrator's ERP, a script …)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(
        _("name"), max_length=100, blank=True, help_text=_("What the token is for.")
    )
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH, editable=False)
    digest = models.CharField(_("digest"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(
        _("expires at"), null=True, blank=True, help_text=_("Empty: never expires.")
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    # The secret, only on the instance that issued it (never stored).
    key: str = ""

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

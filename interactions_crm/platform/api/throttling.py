"""Throttles that hold for anonymous callers and wrong tokens, not only for users.

DRF checks throttles after authentication and permissions, so a request
without credentials is refused (401) and a wrong token fails authentication
before any throttle runs: an attacker could guess tokens at full speed and the
anonymous rate never applied. Here both are counted *during* authentication,
per client address (``NUM_PROXIES`` decides which address that is):

* :class:`ThrottledTokenAuthentication` counts wrong tokens
  (``auth_failure`` rate). Once a client is over the rate, every token attempt
  from it answers 429 — a correct token too — until the window has passed, so
  the answers stop telling a guess from a hit.
* :class:`AnonymousRateLimit`, the last authentication class, counts requests
  that brought no credentials against the ``anon`` rate.
* :class:`BulkThrottleMixin`: actions that may touch thousands of rows (delete
  canceled entries, log a segment) share the ``bulk`` rate (setting
  ``API_BULK_THROTTLE_RATE``), so one client cannot start them in a tight loop.

Throttled requests get DRF's JSON 429 with ``Retry-After``. The counters live
in Django's default cache, which the settings make shared by every process
(the database cache, or Redis).
"""

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser
from rest_framework import exceptions, throttling
from rest_framework.authentication import (
    BaseAuthentication,
    get_authorization_header,
)
from rest_framework.request import Request

from interactions_crm.platform.api.auth import ApiTokenAuthentication

# Set on the Django request once AnonymousRateLimit has counted it, so the
# AnonRateThrottle of a view that allows anonymous access does not count it
# a second time.
_COUNTED = "_crm_anonymous_request_counted"


class ClientHistoryMixin(throttling.SimpleRateThrottle):
    """Load and check a client address's history without DRF's user check.

    During authentication there is no user yet (asking for ``request.user``
    there would authenticate again), so these throttles key on the address.
    """

    # Set by SimpleRateThrottle.__init__ from the rate (not in the stubs).
    num_requests: int
    duration: int

    def load_client_history(self, request: Request) -> None:
        self.key = self.cache_format % {
            "scope": self.scope,
            "ident": self.get_ident(request),
        }
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()

    def is_full(self) -> bool:
        return len(self.history) >= self.num_requests

    def refusal(self) -> exceptions.Throttled:
        return exceptions.Throttled(wait=self.wait())


class AuthFailureThrottle(ClientHistoryMixin):
    """Wrong credentials per client address (scope ``auth_failure``).

    Unlike the other throttles, a request is only *recorded* when its
    authentication failed; :meth:`refuses` checks without recording.
    """

    scope = "auth_failure"

    def refuses(self, request: Request) -> bool:
        """Whether this client has used up its failures for the window."""
        if self.rate is None:
            return False
        self.load_client_history(request)
        return self.is_full()

    def record_failure(self, request: Request) -> None:
        if self.rate is None:
            return
        self.load_client_history(request)
        self.throttle_success()  # records "now" in the history


class ThrottledTokenAuthentication(ApiTokenAuthentication):
    """The hashed-token authentication, refusing clients that guess tokens."""

    def authenticate(self, request: Request) -> tuple[AbstractBaseUser, Any] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None  # no token: the next authentication class decides
        throttle = AuthFailureThrottle()
        if throttle.refuses(request):
            raise throttle.refusal()
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            throttle.record_failure(request)
            raise


class AnonRateThrottle(ClientHistoryMixin, throttling.AnonRateThrottle):
    """DRF's anonymous rate, counting a request once however it is reached."""

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if getattr(request._request, _COUNTED, False):
            return None
        return super().get_cache_key(request, view)


class AnonymousRateLimit(BaseAuthentication):
    """Last authentication class: counts requests that brought no credentials.

    It authenticates no one; it only raises 429 once the client is over the
    ``anon`` rate, before permissions answer 401.
    """

    def authenticate(self, request: Request) -> None:
        throttle = AnonRateThrottle()
        if throttle.rate is None:
            return None
        throttle.load_client_history(request)
        if throttle.is_full():
            raise throttle.refusal()
        throttle.throttle_success()
        setattr(request._request, _COUNTED, True)
        return None


# --- the "bulk" scope ---------------------------------------------------------


BULK_SCOPE = "bulk"


class BulkThrottleMixin:
    """Rate-limit the long-running actions named in ``bulk_actions`` ("bulk")."""

    bulk_actions: ClassVar[frozenset[str]] = frozenset()

    @property
    def throttle_scope(self) -> str | None:
        return (
            BULK_SCOPE if getattr(self, "action", None) in self.bulk_actions else None
        )

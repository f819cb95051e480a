"""``Idempotency-Key`` for the API's creating POSTs (DESIGN.md §4.3).

An integrator that times out does not know whether its request took effect; it
retries with the same key. The first successful (2xx) response is stored with
a fingerprint of the request, in the same transaction as the change, and a
retry with the same key and the same request gets that response replayed
(header ``Idempotent-Replayed: true``). The same key with a different request
is refused with 422. Error responses are not stored: the change did not
happen, so a corrected retry may use the key again.

Two concurrent first requests with one key: both run, the second one's insert
of the key fails on the unique constraint (after the first commits), its
transaction — including its change — rolls back, and it replays the first
response. Keys expire after :data:`KEY_TTL`.
"""

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotAuthenticated, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from interactions_crm.platform.api.errors import UnprocessableEntity
from interactions_crm.platform.api.schema import IDEMPOTENCY_HEADER
from interactions_crm.platform.models import IdempotencyKey

KEY_TTL = dt.timedelta(hours=24)
MAX_KEY_LENGTH = 255
REPLAYED_HEADER = "Idempotent-Replayed"


class _LostRace(Exception):
    """Another request stored the same key first; roll back and replay it."""


def request_fingerprint(request: Request) -> str:
    """SHA-256 of method, path and the parsed body (key order ignored)."""
    data = request.data
    if hasattr(data, "lists"):  # QueryDict from a form or multipart body
        data = {key: values for key, values in data.lists()}
    body = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    raw = f"{request.method} {request.path}\n{body}"
    return hashlib.sha256(raw.encode()).hexdigest()


def _key_from(request: Request) -> str | None:
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ValidationError(
            {
                IDEMPOTENCY_HEADER: [
                    _("Use 1 to %(max)d characters.") % {"max": MAX_KEY_LENGTH}
                ]
            }
        )
    return key


def _user_id(request: Request) -> int:
    """The id of the user the key belongs to (keys are per user).

    The permission check runs before the handler, so the user is always
    authenticated here; a key is never stored for nobody.
    """
    user = request.user
    if isinstance(user, AnonymousUser):
        raise NotAuthenticated()
    user_id: int = user.pk
    return user_id


def _stored(request: Request, key: str) -> IdempotencyKey | None:
    return IdempotencyKey.objects.filter(
        user_id=_user_id(request), key=key, created_at__gte=timezone.now() - KEY_TTL
    ).first()


def _replay(stored: IdempotencyKey, fingerprint: str) -> Response:
    if stored.fingerprint != fingerprint:
        raise UnprocessableEntity(
            {
                IDEMPOTENCY_HEADER: [
                    _(
                        "This key was already used for a different request. Use a "
                        "new key for a new request."
                    )
                ]
            }
        )
    headers = {REPLAYED_HEADER: "true"}
    if stored.location:
        headers["Location"] = stored.location
    return Response(stored.response_body, status=stored.status_code, headers=headers)


def _store(request: Request, key: str, fingerprint: str, response: Response) -> None:
    # Expired keys of this user go first, so the key can be reused after 24 h.
    IdempotencyKey.objects.filter(
        user_id=_user_id(request), created_at__lt=timezone.now() - KEY_TTL
    ).delete()
    body = None
    if response.data is not None:
        body = json.loads(JSONRenderer().render(response.data))
    try:
        with transaction.atomic():
            IdempotencyKey.objects.create(
                user_id=_user_id(request),
                key=key,
                fingerprint=fingerprint,
                status_code=response.status_code,
                response_body=body,
                location=response.headers.get("Location", ""),
            )
    except IntegrityError as exc:
        raise _LostRace from exc


def idempotent(handler: Callable[..., Response]) -> Callable[..., Response]:
    """Make a view handler honour ``Idempotency-Key`` (and document it).

    The handler and the stored response commit in one transaction.
    """

    @functools.wraps(handler)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = _key_from(request)
        if key is None:
            return handler(view, request, *args, **kwargs)
        fingerprint = request_fingerprint(request)
        stored = _stored(request, key)
        if stored is not None:
            return _replay(stored, fingerprint)
        try:
            with transaction.atomic():
                response = handler(view, request, *args, **kwargs)
                if 200 <= response.status_code < 300:
                    _store(request, key, fingerprint, response)
        except _LostRace:
            stored = _stored(request, key)
            assert stored is not None
            return _replay(stored, fingerprint)
        return response

    wrapper.idempotent = True  # type: ignore[attr-defined]
    return wrapper

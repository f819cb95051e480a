"""Per-request facts the database router needs: may this read use the replica?

:class:`ReplicaReadsMiddleware` records, for the request being served, whether
it is a safe (reading) request, and after a write request remembers in the
shared cache that its user wrote — for ``CRM_READ_YOUR_WRITES_SECONDS``, that
user's reads stay on the primary, from every process and for the browser and
the API alike. :func:`replica_allowed` is what
:class:`~interactions_crm.platform.routers.ReplicaRouter` asks.

Nothing here runs without ``CRM_READ_REPLICA`` (``DATABASE_REPLICA_URL``).
"""

from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.http import HttpRequest, HttpResponseBase
from django.utils.functional import LazyObject, empty

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class _RequestReads:
    request: HttpRequest
    safe: bool
    # user id → whether that user's reads may use the replica (asked once).
    allowed: dict[str, bool] = field(default_factory=dict)


_serving: ContextVar[_RequestReads | None] = ContextVar(
    "crm_request_reads", default=None
)


def wrote_recently_key(user_id: str) -> str:
    return f"crm:wrote:{user_id}"


def note_write(user_id: str) -> None:
    """Keep ``user_id``'s reads on the primary for the read-your-writes window."""
    cache.set(wrote_recently_key(user_id), True, settings.CRM_READ_YOUR_WRITES_SECONDS)


def _user_id(request: HttpRequest) -> str | None:
    """The request's user id, known without reading the user table.

    The user is either still a lazy object (session authentication, perhaps
    being evaluated right now by the very read the router is asked about — so
    the id comes from the session), or the user DRF authenticated.
    """
    user = request.__dict__.get("user")
    if user is None:
        return None
    if isinstance(user, LazyObject):
        if user._wrapped is empty:
            session = getattr(request, "session", None)
            user_id = session.get(SESSION_KEY) if session is not None else None
            return str(user_id) if user_id is not None else None
        user = user._wrapped
    return str(user.pk) if user.is_authenticated else None


def replica_allowed() -> bool:
    """Whether reads right now may go to the replica (see the router's rules)."""
    state = _serving.get()
    if state is None or not state.safe:
        return False
    user_id = _user_id(state.request)
    if user_id is None:
        return True
    if user_id not in state.allowed:
        state.allowed[user_id] = not cache.get(wrote_recently_key(user_id))
    return state.allowed[user_id]


def _streamed_while_serving(
    state: _RequestReads, content: Iterable[bytes]
) -> Iterator[bytes]:
    """Keep the request's routing while a streaming response is produced.

    The WSGI server iterates the body after the middleware has returned.
    """
    token = _serving.set(state)
    try:
        yield from content
    finally:
        try:
            _serving.reset(token)
        except ValueError:  # closed from another context (garbage collector)
            _serving.set(None)


class ReplicaReadsMiddleware:
    """Route this request's reads; after a write request, mark its user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not settings.CRM_READ_REPLICA:
            return self.get_response(request)
        state = _RequestReads(request=request, safe=request.method in SAFE_METHODS)
        token = _serving.set(state)
        try:
            response = self.get_response(request)
            if not state.safe:
                user = getattr(request, "user", None)
                if user is not None and user.is_authenticated:
                    note_write(str(user.pk))
        finally:
            _serving.reset(token)
        if response.streaming:
            response.streaming_content = _streamed_while_serving(  # type: ignore[attr-defined]
                state,
                response.streaming_content,  # type: ignore[attr-defined]
            )
        return response

"""One exception handler for the REST API (DESIGN.md §4.3, STYLE.md "API").

Services raise Django's ``ValidationError`` with a message per field; this maps
it, and the other exceptions a service or the ORM can raise for something the
caller can fix, to JSON errors, so the API never answers 500 for them:

* ``ValidationError`` (Django's or DRF's) → 400 ``{"field": ["message", …]}``
  (messages that belong to no field are under ``non_field_errors``) when the
  request breaks a rule the OpenAPI schema states; → 409 when its code says the
  request conflicts with the current state (:data:`CONFLICT_CODES`, among them
  a duplicate key: :data:`DUPLICATE_CODES`); → 422 when the request matches the
  schema but breaks a rule the schema cannot state
  (:data:`UNPROCESSABLE_CODES`: a key in the body that does not exist, a rule
  across fields). See :func:`refusal_status`.
* :class:`Conflict`, ``ProtectedError``/``RestrictedError`` (master data that
  history refers to) and ``IntegrityError`` (a concurrent duplicate) → 409.
* ``DataError`` (a value the database cannot store or compare, e.g. a NUL
  character on PostgreSQL) → 400.
* ``PermissionDenied`` → 403, ``Http404`` → 404 (DRF's own mapping), and every
  DRF ``APIException`` with its own status.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

# Error codes on a service's ValidationError that mean "the request is fine,
# but the object is not in a state that allows it" (HTTP 409). Services pass
# one of them as ``code=`` (e.g. un-canceling an entry whose logged segment is
# canceled, logging a segment twice, deleting master data that entries use).
CONFLICT_CODES = frozenset(
    {"conflict", "state", "invalid_state", "protected", "in_use", "already_logged"}
)
# A key that is already taken (a code table's code, a template's content in a
# language …): 409 Conflict with the field named, as a create of an existing
# resource. ``unique``/``unique_together`` are the codes of DRF's
# ``UniqueValidator`` and of Django's ``full_clean``.
DUPLICATE_CODES = frozenset({"unique", "unique_together", "duplicate"})
# The request matches the OpenAPI schema, but a rule the schema cannot state
# refuses it (HTTP 422): a key in the body that does not exist (DRF's related
# fields say ``does_not_exist``), a rule across fields or across the body and
# the URL (an end date before the start date; "exactly one of"; a confirmation
# that must repeat the URL's key), content the schema cannot describe (a
# bounce that is not a delivery status notification). Raised with
# ``code=UNPROCESSABLE``.
UNPROCESSABLE = "unprocessable"
UNPROCESSABLE_CODES = frozenset({"does_not_exist", UNPROCESSABLE})


class Conflict(exceptions.APIException):
    """The request conflicts with the current state of the resource."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The request conflicts with the current state.")
    default_code = "conflict"


class UnprocessableEntity(exceptions.APIException):
    """Well-formed but refused, e.g. an ``Idempotency-Key`` reused for another body."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _("The request cannot be processed.")
    default_code = "unprocessable"


def _error_codes(exc: DjangoValidationError) -> set[str]:
    if hasattr(exc, "error_dict"):
        errors = [error for errors in exc.error_dict.values() for error in errors]
    else:
        errors = exc.error_list
    # A message without a code is an ordinary invalid value (400).
    return {error.code or "invalid" for error in errors}


def validation_error_data(exc: DjangoValidationError) -> dict[str, list[str]]:
    """``{"field": ["message", …]}`` for a Django ``ValidationError``."""
    if hasattr(exc, "error_dict"):
        data = {}
        for field, messages in exc.message_dict.items():
            key = (
                api_settings.NON_FIELD_ERRORS_KEY
                if field == NON_FIELD_ERRORS
                else field
            )
            data[key] = [str(message) for message in messages]
        return data
    return {api_settings.NON_FIELD_ERRORS_KEY: [str(m) for m in exc.messages]}


def is_conflict(exc: DjangoValidationError) -> bool:
    return bool(_error_codes(exc) & (CONFLICT_CODES | DUPLICATE_CODES))


def _flat_codes(codes: Any) -> set[str]:
    """Every code of DRF's ``ValidationError.get_codes()`` (nested dicts/lists)."""
    if isinstance(codes, dict):
        return {code for value in codes.values() for code in _flat_codes(value)}
    if isinstance(codes, list):
        return {code for value in codes for code in _flat_codes(value)}
    return {str(codes)}


def refusal_status(codes: set[str]) -> int:
    """The status of a refusal whose messages carry ``codes``.

    409 when every message is a conflict with the current state (a duplicate
    key …) or a rule beyond the schema and at least one is a conflict; 422
    when every message is a rule beyond the schema; otherwise 400 (at least
    one message is about a rule the schema states: the request is invalid).
    """
    conflict = CONFLICT_CODES | DUPLICATE_CODES
    if codes and codes <= conflict | UNPROCESSABLE_CODES:
        return (
            status.HTTP_409_CONFLICT
            if codes & conflict
            else status.HTTP_422_UNPROCESSABLE_ENTITY
        )
    return status.HTTP_400_BAD_REQUEST


@contextmanager
def conflict_on_refusal() -> Iterator[None]:
    """Answer a service's refusal inside this block with 409 instead of 400.

    For calls whose only refusals are about the object's state (deleting a
    contact that entries refer to, un-canceling an entry of a canceled logged
    segment …); the body keeps the messages by field.
    """
    try:
        yield
    except DjangoValidationError as exc:
        raise Conflict(validation_error_data(exc)) from exc


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Map domain and ORM exceptions to JSON errors; defer the rest to DRF."""
    if isinstance(exc, DjangoValidationError):
        set_rollback()
        codes = _error_codes(exc)
        # A service's state refusal wins, whatever else it says (as before).
        code = (
            status.HTTP_409_CONFLICT
            if codes & CONFLICT_CODES
            else refusal_status(codes)
        )
        return Response(validation_error_data(exc), status=code)
    if isinstance(exc, exceptions.ValidationError):
        response = drf_exception_handler(exc, context)
        if response is not None:
            response.status_code = refusal_status(_flat_codes(exc.get_codes()))
        return response
    if isinstance(exc, (ProtectedError, RestrictedError)):
        set_rollback()
        referring = (
            exc.protected_objects
            if isinstance(exc, ProtectedError)
            else exc.restricted_objects
        )
        message = ngettext(
            "It cannot be deleted: %(count)d other record refers to it.",
            "It cannot be deleted: %(count)d other records refer to it.",
            len(referring),
        )
        return Response(
            {"detail": message % {"count": len(referring)}},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DataError):
        # A value the database cannot hold: a NUL character in a query string
        # or URL (PostgreSQL), a number out of the column's range …
        set_rollback()
        return Response(
            {
                "detail": _(
                    "The request contains a value that cannot be stored or "
                    "searched for, such as a NUL character."
                )
            },
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, IntegrityError):
        set_rollback()
        return Response(
            {
                "detail": _(
                    "The change conflicts with existing data (another request may "
                    "have made it at the same time). Reload and try again."
                )
            },
            status=status.HTTP_409_CONFLICT,
        )
    return drf_exception_handler(exc, context)


# --- Django's error views: JSON under the API's prefix ----------------------
#
# Errors raised before a DRF view runs (an unknown URL, a body over
# DATA_UPLOAD_MAX_MEMORY_SIZE, a server error outside the view) are answered by
# Django's handler views, which render HTML. Under /api/ a client expects JSON
# with the documented {"detail": …}, so these wrap Django's defaults (the
# staff site keeps its HTML pages).

API_PREFIX = "/api/"


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _json_error(status_code: int, detail: Any) -> JsonResponse:
    return JsonResponse({"detail": str(detail)}, status=status_code)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400 — or 413 for a body over the size limit — as JSON under /api/."""
    if not is_api_request(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        return _json_error(
            status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            _("The request body is larger than %(limit)d bytes.")
            % {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE},
        )
    return _json_error(status.HTTP_400_BAD_REQUEST, _("Bad request."))


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api_request(request):
        return defaults.permission_denied(request, exception)
    return _json_error(
        status.HTTP_403_FORBIDDEN, exceptions.PermissionDenied.default_detail
    )


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api_request(request):
        return defaults.page_not_found(request, exception)
    return _json_error(status.HTTP_404_NOT_FOUND, exceptions.NotFound.default_detail)


def server_error(request: HttpRequest) -> HttpResponse:
    if not is_api_request(request):
        return defaults.server_error(request)
    return _json_error(
        status.HTTP_500_INTERNAL_SERVER_ERROR, _("A server error occurred.")
    )


@login_not_required  # an API client authenticates by token, never by login page
@csrf_exempt
def api_not_found(request: HttpRequest) -> HttpResponse:
    """A URL under /api/ that no API view serves: the API's JSON 404."""
    return _json_error(status.HTTP_404_NOT_FOUND, exceptions.NotFound.default_detail)

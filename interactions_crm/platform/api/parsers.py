"""The API's request parser: JSON that every supported database can store.

A body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is refused with 413 before it is
read (a JSON error like every other, not Django's HTML 400).

PostgreSQL refuses text with NUL characters (``\\u0000``) that SQLite accepts,
and a deeply nested document makes Python's JSON decoder recurse too deep; both
would end as a server error. They are refused as unparseable input (400)
instead, the same on every database.
"""

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import parsers, status
from rest_framework.exceptions import APIException, ParseError


def contains_nul(value: Any) -> bool:
    """Whether any string (key or value) in parsed JSON contains ``\\x00``."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(contains_nul(k) or contains_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(contains_nul(item) for item in value)
    return False


class PayloadTooLarge(APIException):
    """The request body exceeds the size the server accepts."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "payload_too_large"


def check_body_size(request: Any) -> None:
    """Refuse (413) a body whose declared length is over the limit."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if limit is not None and length > limit:
        raise PayloadTooLarge(
            _("The request body is larger than %(limit)d bytes.") % {"limit": limit}
        )


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing NUL characters, excessive nesting and
    bodies over the size limit (413)."""

    def parse(
        self, stream: Any, media_type: str | None = None, parser_context: Any = None
    ) -> Any:
        request = (parser_context or {}).get("request")
        if request is not None:
            check_body_size(request)
        try:
            data = super().parse(stream, media_type, parser_context)
            has_nul = contains_nul(data)
        except RecursionError as exc:
            raise ParseError(
                _("JSON parse error - the document is nested too deeply.")
            ) from exc
        if has_nul:
            raise ParseError(_("Text must not contain NUL characters (\\u0000)."))
        return data

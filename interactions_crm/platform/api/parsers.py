"""The API's request parser: JSON that every supported database can store.

PostgreSQL refuses text with NUL characters (``\\u0000``) that SQLite accepts,
and a deeply nested document makes Python's JSON decoder recurse too deep; both
would end as a server error. They are refused as unparseable input (400)
instead, the same on every database.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


def contains_nul(value: Any) -> bool:
    """Whether any string (key or value) in parsed JSON contains ``\\x00``."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(contains_nul(k) or contains_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(contains_nul(item) for item in value)
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing NUL characters and excessive nesting."""

    def parse(
        self, stream: Any, media_type: str | None = None, parser_context: Any = None
    ) -> Any:
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

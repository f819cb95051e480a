"""Keyset (cursor) pagination for the REST API (``platform.keyset``).

DRF's own ``CursorPagination`` positions on the *first* ordering field only and
pages through ties with an OFFSET capped at 1,000 rows, so it cannot walk a
logged segment of thousands of entries with the same date. This class pages on
the full unique ordering (``(-date, -entry_no)`` for the log) with the shared
``keyset_page`` helper: constant cost at any depth and never a ``COUNT(*)``.

A view declares its orderings in ``keyset_orderings`` (name → unique ordering
tuple; the first one is the default). With more than one, clients pick with
``?ordering=``; a cursor only continues the ordering it was issued for.
"""

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from interactions_crm.platform.keyset import (
    InvalidCursor,
    KeysetPage,
    decode_cursor,
    keyset_page,
)

INVALID_CURSOR = _("Invalid cursor.")


class KeysetPagination(BasePagination):
    """Forward-only pages of ``page_size`` rows after an opaque ``cursor``."""

    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    ordering_query_param = "ordering"
    page_size = 50
    max_page_size = 100

    def __init__(self) -> None:
        self.page: KeysetPage | None = None
        self.request: Request | None = None
        self.ordering_name: str = ""

    # --- request parsing --------------------------------------------------------
    @staticmethod
    def get_orderings(view: Any) -> dict[str, tuple[str, ...]]:
        orderings: dict[str, tuple[str, ...]] | None = getattr(
            view, "keyset_orderings", None
        )
        if not orderings:
            raise AssertionError(
                f"{type(view).__name__} must declare keyset_orderings for "
                "KeysetPagination."
            )
        return orderings

    def get_page_size(self, request: Request) -> int:
        values = request.query_params.getlist(self.page_size_query_param)
        if not values:
            return self.page_size
        # Exactly one whole number in ASCII digits: no "", " 5", "+5", "٥",
        # and no second page_size that would silently win.
        raw = values[0]
        size = int(raw) if len(values) == 1 and raw.isascii() and raw.isdigit() else 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Enter a whole number from 1 to %(max)d.")
                        % {"max": self.max_page_size}
                    ]
                }
            )
        return size

    def get_ordering(self, request: Request, view: Any) -> tuple[str, tuple[str, ...]]:
        orderings = self.get_orderings(view)
        values = request.query_params.getlist(self.ordering_query_param)
        # Left out: the first ordering. Given: exactly one of the enum ("" and
        # a second ordering are refused, as the schema's enum says).
        name = values[0] if values else next(iter(orderings))
        if name not in orderings or len(values) > 1:
            raise ValidationError(
                {
                    self.ordering_query_param: [
                        _("Choose one of: %(choices)s.")
                        % {"choices": ", ".join(orderings)}
                    ]
                }
            )
        return name, orderings[name]

    @staticmethod
    def check_cursor(
        queryset: QuerySet[Any, Any], ordering: tuple[str, ...], cursor: str
    ) -> None:
        """Refuse a cursor whose values do not fit the ordering's fields.

        A tampered cursor must be a 400, not a database error: every value is
        converted by its model field before it reaches a query.
        """
        try:
            values = decode_cursor(cursor, len(ordering))
            for name, value in zip(ordering, values, strict=True):
                field = queryset.model._meta.get_field(name.lstrip("-"))
                if value is None or isinstance(value, (list, dict, bool)):
                    raise InvalidCursor("unexpected value")
                field.to_python(value)
        except (InvalidCursor, DjangoValidationError, FieldDoesNotExist) as exc:
            raise ValidationError({"cursor": [INVALID_CURSOR]}) from exc

    # --- BasePagination API -----------------------------------------------------
    def paginate_queryset(
        self,
        queryset: QuerySet[Any, Any] | Sequence[Any],
        request: Request,
        view: Any = None,
    ) -> list[Any]:
        if not isinstance(queryset, QuerySet):
            raise TypeError("KeysetPagination pages querysets only, not lists.")
        self.request = request
        self.ordering_name, ordering = self.get_ordering(request, view)
        size = self.get_page_size(request)
        cursor = request.query_params.get(self.cursor_query_param) or None
        if cursor:
            self.check_cursor(queryset, ordering, cursor)
        self.page = keyset_page(queryset, ordering=ordering, cursor=cursor, size=size)
        return self.page.rows

    def get_next_link(self) -> str | None:
        assert self.page is not None and self.request is not None
        if not self.page.next_cursor:
            return None
        url = self.request.build_absolute_uri()
        url = replace_query_param(url, self.cursor_query_param, self.page.next_cursor)
        return url

    def get_paginated_response(self, data: list[Any]) -> Response:
        assert self.page is not None
        return Response(
            OrderedDict(
                [
                    ("next", self.get_next_link()),
                    ("next_cursor", self.page.next_cursor),
                    ("results", data),
                ]
            )
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["next", "next_cursor", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": str(
                        _("URL of the next page; null on the last page.")
                    ),
                },
                "next_cursor": {
                    "type": "string",
                    "nullable": True,
                    "description": str(
                        _("Cursor of the next page (?cursor=); null at the end.")
                    ),
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": str(
                    _("Opaque cursor from next_cursor of the previous page.")
                ),
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": str(_("Number of results per page.")),
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                },
            },
        ]
        orderings = self.get_orderings(view)
        if len(orderings) > 1:
            parameters.append(
                {
                    "name": self.ordering_query_param,
                    "required": False,
                    "in": "query",
                    "description": str(_("Sort order of the pages.")),
                    "schema": {
                        "type": "string",
                        "enum": list(orderings),
                        "default": next(iter(orderings)),
                    },
                }
            )
        return parameters

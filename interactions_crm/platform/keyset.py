"""Keyset (cursor) pagination over a unique ordering, shared by pages and the API.

Offset pagination and ``COUNT(*)`` get slower the deeper and the bigger the log
is. A keyset page instead asks for "the next N rows after this key", which an
index on the ordering answers at the same cost at any depth. The ordering must
be unique — ``(-date, -entry_no)`` for the log — so thousands of entries with
the same date (a logged segment) still page exactly once each.

Cursors are opaque, URL-safe strings; a tampered cursor raises ``InvalidCursor``.
"""

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, QuerySet
from django.db.models.fields.tuple_lookups import (
    Tuple,
    TupleGreaterThan,
    TupleLessThan,
)


class InvalidCursor(ValueError):
    pass


@dataclass(frozen=True)
class KeysetPage:
    rows: list[Any]
    next_cursor: str | None
    has_next: bool


def _encode_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"n": str(value)}
    return value


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict):
        if "dt" in value:
            return dt.datetime.fromisoformat(value["dt"])
        if "d" in value:
            return dt.date.fromisoformat(value["d"])
        if "n" in value:
            return Decimal(value["n"])
        raise InvalidCursor("unknown value")
    return value


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps([_encode_value(v) for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, length: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        if not isinstance(values, list) or len(values) != length:
            raise InvalidCursor("wrong length")
        return [_decode_value(v) for v in values]
    except (binascii.Error, UnicodeDecodeError, json.JSONDecodeError, TypeError) as exc:
        raise InvalidCursor(str(exc)) from exc
    except ValueError as exc:
        raise InvalidCursor(str(exc)) from exc


def _after(
    ordering: tuple[str, ...], values: list[Any]
) -> Q | TupleLessThan | TupleGreaterThan:
    """Rows strictly after ``values`` in ``ordering`` (lexicographic).

    When every field sorts the same way this is a row-value comparison,
    ``(date, entry_no) < (%s, %s)``, which the database answers as one range
    scan of the matching index at any depth; mixed directions fall back to the
    equivalent ``OR`` chain.
    """
    directions = {field.startswith("-") for field in ordering}
    # Integers beyond 64 bits (a tampered cursor) take the OR chain, whose
    # per-field lookups handle out-of-range values.
    in_range = all(not isinstance(v, int) or -(2**63) <= v < 2**63 for v in values)
    if len(directions) == 1 and in_range:
        columns = Tuple(*(F(field.lstrip("-")) for field in ordering))
        if directions == {True}:
            return TupleLessThan(columns, tuple(values))
        return TupleGreaterThan(columns, tuple(values))
    condition = Q()
    for i, field in enumerate(ordering):
        name = field.lstrip("-")
        comparison = "lt" if field.startswith("-") else "gt"
        step = Q(**{f"{name}__{comparison}": values[i]})
        for prev_field, prev_value in zip(ordering[:i], values[:i], strict=True):
            step &= Q(**{prev_field.lstrip("-"): prev_value})
        condition |= step
    return condition


def keyset_page(
    queryset: QuerySet[Any],
    *,
    ordering: tuple[str, ...],
    cursor: str | None = None,
    size: int = 50,
) -> KeysetPage:
    """One page of ``queryset`` in ``ordering`` after ``cursor``.

    Fetches ``size + 1`` rows to know whether there is a next page, so no count
    query is ever issued.
    """
    queryset = queryset.order_by(*ordering)
    if cursor:
        queryset = queryset.filter(
            _after(ordering, decode_cursor(cursor, len(ordering)))
        )
    rows = list(queryset[: size + 1])
    has_next = len(rows) > size
    rows = rows[:size]
    next_cursor = None
    if has_next and rows:
        last = rows[-1]
        values = [
            last[f.lstrip("-")]
            if isinstance(last, dict)
            else getattr(last, f.lstrip("-"))
            for f in ordering
        ]
        next_cursor = encode_cursor(values)
    return KeysetPage(rows=rows, next_cursor=next_cursor, has_next=has_next)

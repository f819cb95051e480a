"""List pages written as JSON by PostgreSQL (issue #12).

On PostgreSQL a list page's rows are not read as 37 values each and turned
into dicts for DRF's renderer: the page's statement writes each row's JSON
text itself (``'{"entry_no":' || to_json(entry_no) || …``), exactly as the
renderer writes the serializer's value of each field, and Python only splices
in what the database cannot know (:func:`_plan`):

* a reference's business key (contact no., template code …), read with one
  query for the whole page as on the other path (:func:`read_labels`);
* a timestamp, shown in the request's time zone (Python's time-zone rules,
  which the database's may not match);
* any field whose representation is not known to match (a new field type):
  it is read as a value and shown by the serializer's own field.

The marker between the pieces is a control character, which ``to_json``
always escapes, so it cannot come from the data. The page's envelope (next
link, cursor) is rendered by the view's renderer itself; the body is what the
renderer would write for the same data, byte for byte, and ``response.data``
still answers the data (parsed from the body when someone asks for it).

Only for DRF's own ``JSONRenderer`` with its default options (UTF-8, compact,
no indent); any other renderer (the browsable API, ``indent=``) and SQLite
take the dict path of :mod:`interactions.api.entries.lean`.
"""

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import BaseIterable
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings

from interactions.api.entries.lean import (
    _COLUMN_TYPES,
    ENTRY_REFERENCES,
    EntryRowsIterable,
    _column,
    _is_iso,
    _static_converter,
    _timestamp_converter,
    lean_entry_rows,
    order_terms,
    page_filter,
    plain,
    read_labels,
    read_rows,
)
from interactions.api.entries.serializers import InteractionLogEntrySerializer
from interactions.models import InteractionLogEntry
from interactions_crm.platform.api.fields import ClockTimeField

#: Between the pieces of a row's JSON text: never in ``to_json``'s output.
MARK = "\x01"
#: What DRF's renderer writes for them (a strict JavaScript subset).
_LINE_SEPARATORS = (("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


@dataclass(frozen=True)
class _Slot:
    """A field Python writes into the row's JSON: how, from which column."""

    name: str
    column: str
    kind: str  # "reference", "timestamp" or "field"
    #: The serializer's field (``to_representation`` keeps no state).
    field: serializers.Field[Any, Any, Any, Any]


@dataclass(frozen=True)
class _Plan:
    """The row's JSON text as a SQL expression, and the slots left in it."""

    body: str
    slots: tuple[_Slot, ...]


def _literal(text: str) -> str:
    """``text`` as a SQL string literal (``%`` doubled for the driver)."""
    return "'" + text.replace("'", "''").replace("%", "%%") + "'"


def _read_as(name: str) -> type | None:
    """The Python type the entry's column of field ``name`` is read as."""
    model_field = InteractionLogEntry._meta.get_field(name)
    target = getattr(model_field, "target_field", None)
    if getattr(model_field, "is_relation", False) and target is not None:
        model_field = target
    return _COLUMN_TYPES.get(model_field.get_internal_type())


def _sql_value(
    name: str, field: serializers.Field[Any, Any, Any, Any], column: str
) -> str | None:
    """A SQL expression writing the field's JSON exactly as DRF's renderer
    writes ``field.to_representation`` of the column; None: Python writes it.
    """
    model_field = InteractionLogEntry._meta.get_field(name)
    kind = type(field)
    if _static_converter(field, name) is None and _read_as(name) is not None:
        # Shown as it is (text, number, boolean).
        if _read_as(name) is int:
            value = f"{column}::text"
        elif _read_as(name) is bool:
            value = f"CASE WHEN {column} THEN 'true' ELSE 'false' END"
        else:
            # to_json escapes text as json.dumps(ensure_ascii=False): the same
            # seven escapes, other control characters as \u00xx.
            value = f"to_json({column})::text"
    elif kind is serializers.DateField and _is_iso(field, api_settings.DATE_FORMAT):
        # ISO 8601 (whatever DateStyle says) for every date Python can hold.
        value = f"to_json({column})::text"
    elif (
        isinstance(field, serializers.DecimalField)
        and kind is serializers.DecimalField
        and getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
        and not field.localize
        and field.decimal_places == getattr(model_field, "decimal_places", None)
        and field.max_digits == getattr(model_field, "max_digits", None)
    ):
        # The column keeps exactly the field's places ("12.50", "NaN"): its
        # text is the quantized value as DRF's '{:f}' writes it.
        value = f"'\"' || {column}::text || '\"'"
    elif (
        kind is ClockTimeField
        and _is_iso(field, api_settings.TIME_FORMAT)
        and model_field.get_internal_type() == "TimeField"
    ):
        # time.isoformat(): HH:MM:SS, and six digits of fraction when not 0
        # (the column's text drops the fraction's trailing zeros).
        text = f"{column}::text"
        value = (
            f"'\"' || CASE WHEN length({text}) = 8 THEN {text} "
            f"ELSE rpad({text}, 15, '0') END || '\"'"
        )
    else:
        return None
    return f"COALESCE({value}, 'null')" if model_field.null else value


@cache
def _plan(alias: str) -> _Plan:
    """The row's JSON on database ``alias``: literal keys, SQL values, slots."""
    connection = connections[alias]
    table = connection.ops.quote_name(InteractionLogEntry._meta.db_table)
    pieces: list[str] = []  # arguments of one concat(): one copy of the text
    literal = ""
    slots = []
    for index, (name, field) in enumerate(
        InteractionLogEntrySerializer().fields.items()
    ):
        column = f"{table}.{connection.ops.quote_name(_column(name))}"
        literal += ("{" if index == 0 else ",") + json.dumps(name) + ":"
        if name in ENTRY_REFERENCES:
            value, kind = None, "reference"
        elif isinstance(field, serializers.DateTimeField):
            value, kind = None, "timestamp"
        else:
            value, kind = _sql_value(name, field, column), "field"
        if value is None:
            slots.append(_Slot(name=name, column=column, kind=kind, field=field))
            literal += MARK
        else:
            pieces += [_literal(literal), value]
            literal = ""
    pieces.append(_literal(literal + "}"))
    return _Plan(body=f"concat({', '.join(pieces)})", slots=tuple(slots))


@cache
def _row_type(keys: tuple[str, ...]) -> type[tuple[Any, ...]]:
    """A row tuple whose last values are readable by name (the keyset's keys)."""
    attributes = {
        name: property(itemgetter(index - len(keys))) for index, name in enumerate(keys)
    }
    return type("JsonRow", (tuple,), {"__slots__": (), **attributes})


def _statement(
    queryset: QuerySet[Any],
) -> tuple[str, list[Any], tuple[str, ...]] | None:
    """The page's statement (JSON text, slot columns, keyset keys) and the
    names of the key columns that end each row; None unless it is plain."""
    query = queryset.query
    terms = order_terms(query) if plain(query) else None
    if terms is None:
        return None
    connection = connections[queryset.db]
    quote = connection.ops.quote_name
    plan = _plan(queryset.db)
    table = quote(InteractionLogEntry._meta.db_table)
    keys = [f"{table}.{quote(column)}" for column, _direction in terms]
    where, params, limit = page_filter(queryset)
    columns = ", ".join([plan.body, *(slot.column for slot in plan.slots), *keys])
    order_by = ", ".join(
        f"{key} {direction}"
        for key, (_column, direction) in zip(keys, terms, strict=True)
    )
    parts = (f"SELECT {columns} FROM {table}", where, f"ORDER BY {order_by}", limit)
    names = tuple(column for column, _direction in terms)
    return " ".join(part for part in parts if part), params, names


class JsonRowsIterable(BaseIterable):
    """Iterating the queryset yields rows of JSON text (:func:`_statement`), or
    the dict rows of :func:`read_rows` when the queryset is not plain."""

    def __iter__(self) -> Iterator[Any]:
        from django.core.exceptions import EmptyResultSet

        try:
            statement = _statement(self.queryset)
        except EmptyResultSet:
            return iter([])
        if statement is None:
            return iter(read_rows(self.queryset))
        sql, params, names = statement
        with connections[self.queryset.db].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return map(_row_type(names), rows)


def applies(view: GenericAPIView[Any], alias: str) -> bool:
    """Whether the page can be written by the database: PostgreSQL, and DRF's
    JSON renderer with its defaults (UTF-8, compact, no indent)."""
    request = view.request
    renderer = getattr(request, "accepted_renderer", None)
    return connections[alias].vendor == "postgresql" and _plain_json(
        renderer, getattr(request, "accepted_media_type", None), {}
    )


def _plain_json(renderer: Any, media_type: str | None, context: dict[str, Any]) -> bool:
    """DRF's own JSON renderer writing UTF-8, compact, without indent."""
    return (
        type(renderer) is JSONRenderer
        and not renderer.ensure_ascii
        and renderer.compact
        and renderer.get_indent(media_type or "", context) is None
    )


def _writer(slot: _Slot, encode: Callable[[Any], str]) -> Callable[[Any], str]:
    """The JSON of a timestamp (the request's time zone) or any other field
    the database does not write, as the renderer writes the field's value."""
    field = slot.field
    if isinstance(field, serializers.DateTimeField):
        convert: Callable[[Any], Any] = _timestamp_converter(field)
    else:
        convert = _static_converter(field, slot.name) or (lambda value: value)

    def write(value: Any) -> str:
        return "null" if value is None else encode(convert(value))

    return write


def json_rows(rows: list[Any], alias: str, encoder: json.JSONEncoder) -> str:
    """``rows`` (:class:`JsonRowsIterable`) as the JSON array the renderer
    writes for the serializer's data of the same entries."""
    slots = _plan(alias).slots
    keys: dict[str, set[Any]] = {}
    for index, slot in enumerate(slots, start=1):
        if slot.kind == "reference":
            keys[slot.name] = {row[index] for row in rows}
    labels = read_labels(keys)
    encode = encoder.encode
    shown: dict[tuple[type[Any], str], dict[Any, str]] = {}
    for table, found in labels.items():
        shown[table] = {pk: encode(label) for pk, label in found.items()}
        shown[table][None] = "null"
    writers: list[Callable[[Any], str]] = []
    for slot in slots:
        if slot.kind == "reference":
            writers.append(shown[ENTRY_REFERENCES[slot.name]].__getitem__)
        else:
            writers.append(_writer(slot, encode))
    written: list[str] = []
    append = written.append
    indexed = list(enumerate(writers, start=1))
    for row in rows:
        parts = row[0].split(MARK)
        append(parts[0])
        for (index, write), part in zip(indexed, parts[1:], strict=True):
            append(write(row[index]))
            append(part)
        append(",")
    if written:
        written.pop()
    text = "[" + "".join(written) + "]"
    for character, escaped in _LINE_SEPARATORS:
        if character in text:
            text = text.replace(character, escaped)
    return text


class JsonPageResponse(Response):
    """A page whose rows are JSON text already (:func:`json_rows`).

    The renderer writes the envelope (``next``, ``next_cursor``) with empty
    ``results``, and the rows take their place. ``data`` is the page's data
    as the dict path answers it, parsed from the rows when asked for; another
    renderer than the plain JSON one renders that data.
    """

    def __init__(self, envelope: dict[str, Any], rows: str) -> None:
        self._envelope = envelope
        self._rows = rows
        self._parsed: dict[str, Any] | None = None
        self._envelope_only = False
        super().__init__(None)

    @property
    def data(self) -> dict[str, Any]:
        if self._envelope_only:
            return {**self._envelope, "results": []}
        if self._parsed is None:
            self._parsed = {**self._envelope, "results": json.loads(self._rows)}
        return self._parsed

    @data.setter
    def data(self, value: Any) -> None:
        assert value is None, "a page's data comes from its rows"

    @property
    def rendered_content(self) -> Any:
        renderer = getattr(self, "accepted_renderer", None)
        media_type = getattr(self, "accepted_media_type", None)
        context = getattr(self, "renderer_context", None) or {}
        if not _plain_json(renderer, media_type, context):
            return super().rendered_content
        self._envelope_only = True
        try:
            envelope = super().rendered_content
        finally:
            self._envelope_only = False
        assert envelope.endswith(b'"results":[]}'), envelope
        return envelope[:-3] + self._rows.encode() + b"}"


def lean_list(view: GenericAPIView[Any], queryset: QuerySet[Any]) -> Response:
    """A list action's answer from rows of columns, or of JSON text written by
    PostgreSQL (:func:`applies`); both answer what the serializer would.

    ``queryset`` is the view's; its joins are dropped, the view's filters and
    keyset pagination apply as for any list.
    """
    rows = view.filter_queryset(queryset.select_related(None)).all()
    as_json = applies(view, rows.db)
    rows._iterable_class = JsonRowsIterable if as_json else EntryRowsIterable
    page = view.paginate_queryset(rows)
    assert page is not None, "lean_list needs the view's (keyset) pagination"
    if not as_json or (page and isinstance(page[0], dict)):
        return view.get_paginated_response(lean_entry_rows(page))
    paginator = view.paginator
    assert paginator is not None
    envelope = paginator.get_paginated_response([]).data
    renderer = view.request.accepted_renderer
    assert isinstance(renderer, JSONRenderer)
    encoder = renderer.encoder_class(
        ensure_ascii=False, separators=(",", ":"), allow_nan=not renderer.strict
    )
    return JsonPageResponse(dict(envelope), json_rows(page, rows.db, encoder))

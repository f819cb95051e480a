"""List pages written as JSON text directly (issue #12).

The list and a contact's timeline answer exactly what DRF's ``JSONRenderer``
writes for :class:`InteractionLogEntrySerializer`'s data, but no dict is built
per row and the renderer does not walk the rows: each column is written as
JSON at once, and the page is one string of the field names
(``{"entry_no":``, ``,"contact":`` …) and the rows' values in turn
(:func:`template_rows`):

* free text by ``json``'s own string encoder (what the renderer calls);
* a date, clock time, amount, choice, boolean or small counter by the
  serializer's field once per distinct value, then remembered with the
  field's name (:class:`_Memo`);
* a reference by its business key, read for the whole page with one query
  (:func:`read_labels`), a timestamp in the request's time zone from the
  database's own text of it (:mod:`~interactions.api.entries.lean_timestamps`);
* a column with one value on the whole page once for all its rows
  (:func:`_written_alike`).

The rows are read as tuples with the statement of
:mod:`interactions.api.entries.lean` (compiled once). The page's envelope
(next link, cursor) is rendered by the view's renderer itself and the rows
take the place of its empty ``results`` (:class:`JsonPageResponse`).
``response.data`` still answers the page's data, parsed from the rows when
someone asks for it. Only with DRF's own ``JSONRenderer`` and its defaults
(UTF-8, compact, no indent); any other renderer (the browsable API,
``indent=``) gets the dict rows of :func:`lean_entry_rows`.
"""

import datetime as dt
import json
from collections.abc import Callable, Iterator
from decimal import Decimal
from functools import cache
from itertools import chain, repeat
from operator import itemgetter
from typing import Any

from django.db.models import QuerySet
from django.db.models.query import BaseIterable
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from interactions.api.entries.lean import (
    _COLUMN_TYPES,
    ENTRY_FIELDS,
    ENTRY_REFERENCES,
    EntryRowsIterable,
    _static_converter,
    keeps_decimal,
    lean_entry_rows,
    read_labels,
    read_tuples,
)
from interactions.api.entries.lean_timestamps import timestamp_writer
from interactions.api.entries.serializers import InteractionLogEntrySerializer
from interactions.models import InteractionLogEntry

#: What DRF's renderer escapes besides JSON's own (a strict JavaScript subset).
_LINE_SEPARATORS = (("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def _read_as(name: str) -> type | None:
    """The Python type the entry's column of field ``name`` is read as."""
    model_field = InteractionLogEntry._meta.get_field(name)
    target = getattr(model_field, "target_field", None)
    if getattr(model_field, "is_relation", False) and target is not None:
        model_field = target
    return _COLUMN_TYPES.get(model_field.get_internal_type())


def _plain_json(renderer: Any, media_type: str | None, context: dict[str, Any]) -> bool:
    """DRF's own JSON renderer writing UTF-8, compact, without indent."""
    return (
        type(renderer) is JSONRenderer
        and not renderer.ensure_ascii
        and renderer.compact
        and renderer.get_indent(media_type or "", context) is None
    )


#: Distinct values whose JSON is remembered per field.
_MEMO_SIZE = 4096


class _Memo(dict[Any, str]):
    """value → its JSON text, worked out on the first miss (``write``) and
    kept when ``keep`` says equal values are written the same."""

    def __init__(self, write: Callable[[Any], str], keep: Callable[[Any], bool]):
        super().__init__()
        self.write = write
        self.keep = keep

    def __missing__(self, value: Any) -> str:
        text = self.write(value)
        if len(self) < _MEMO_SIZE and self.keep(value):
            self[value] = text
        return text


def _keep(value: Any) -> bool:
    """Values that equal only values written the same: not an aware time (equal
    across offsets), not a NaN, infinite or negative zero amount (-0.00 equals
    0.00), nothing but these types (a text: a choice, or an amount as the
    database writes it)."""
    kind = type(value)
    if kind is dt.time:
        return value.tzinfo is None
    if kind is Decimal:
        return keeps_decimal(value)
    return kind in (str, int, bool, dt.date)


def _never(value: Any) -> bool:
    return False


def _written_alike(kind: str, value: Any) -> bool:
    """Whether every value equal to ``value`` in a column of ``kind`` is
    written as ``value`` is: a key (its label), text, a number, a flag or
    nothing; a remembered kind's value that may be remembered (:func:`_keep`).
    Not a ``datetime`` (SQLite's timestamps: equal across zones)."""
    if kind == "reference" or value is None:
        return True
    if kind == "memo":
        return _keep(value)
    return type(value) in (str, int, bool)


@cache
def _template() -> tuple[tuple[str, ...], tuple[tuple[str, Any], ...]]:
    """What comes before each field's value in a row (``{"entry_no":``,
    ``,"contact":`` …) and, per field, how its value is written: a ``_Memo``
    or function of the value, or the reference/timestamp it is."""
    encode = json.encoder.encode_basestring  # what JSONEncoder writes for str
    writers: list[tuple[str, Any]] = []
    fields = InteractionLogEntrySerializer().fields
    assert tuple(fields) == ENTRY_FIELDS, "rows are read in the serializer's order"
    for name, field in fields.items():
        if name in ENTRY_REFERENCES:
            writers.append(("reference", ENTRY_REFERENCES[name]))
            continue
        if isinstance(field, serializers.DateTimeField):
            writers.append(("timestamp", field))
            continue
        convert = _static_converter(field, name)
        column = InteractionLogEntry._meta.get_field(name)
        # Free text and unique numbers are written each time; choices, flags,
        # amounts, dates and small counters are remembered (few values).
        as_is = convert is None and not column.null
        choice = isinstance(field, serializers.ChoiceField)
        if as_is and _read_as(name) is str and not choice:
            writers.append(("static", encode))
        elif as_is and _read_as(name) is int and getattr(column, "unique", False):
            writers.append(("static", int.__repr__))
        else:
            writers.append(("memo", (field, convert)))
    keys = tuple(json.dumps(name) + ":" for name in ENTRY_FIELDS)
    return ("{" + keys[0], *("," + key for key in keys[1:])), tuple(writers)


def _nullable(
    convert: Callable[[Any], Any], encode: Callable[[Any], str], prefix: str
) -> Callable[[Any], str]:
    def write(value: Any) -> str:
        return prefix + ("null" if value is None else encode(convert(value)))

    return write


_MEMOS: dict[str, _Memo] = {}


def _memo(
    field: serializers.Field[Any, Any, Any, Any],
    convert: Callable[[Any], Any] | None,
    *,
    prefix: str,
    encode: Callable[[Any], str],
) -> _Memo:
    """The field's values written as JSON after ``prefix`` (its name), kept
    across pages (the page path runs only with the default renderer: one way
    of writing)."""
    name = str(field.field_name)
    memo = _MEMOS.get(name)
    if memo is None:
        write = _nullable(convert or (lambda value: value), encode, prefix)
        memo = _Memo(write, _keep)
        memo[None] = prefix + "null"
        memo = _MEMOS.setdefault(name, memo)
    return memo


def template_rows(rows: list[Any], encoder: json.JSONEncoder) -> str:
    """``rows`` (tuples of ``ENTRY_FIELDS``) as the JSON array the renderer
    writes for the serializer's data of the same entries."""
    if not rows:
        return "[]"
    before, plan = _template()
    # Column by column: each writer maps its column in one C-level loop (a
    # memo hit is a dict lookup, no Python frame).
    columns = list(zip(*rows, strict=True))
    labels = read_labels(
        {
            name: set(column)
            for name, (kind, _target), column in zip(
                ENTRY_FIELDS, plan, columns, strict=True
            )
            if kind == "reference"
        }
    )
    encode = encoder.encode
    labels_json = {
        table: {pk: encode(label) for pk, label in found.items()}
        for table, found in labels.items()
    }
    # A piece per column and row: the field's name and value (one piece when
    # the value is looked up, two when a function writes it). A column with
    # one value on the whole page (the contact of a timeline, a field left
    # empty) is written once, and with the constant columns beside it: one
    # piece per row for the run.
    count = len(rows)
    pieces: list[Any] = []
    run: list[str] = []
    for prefix, (kind, target), column in zip(before, plan, columns, strict=True):
        if kind == "static":
            write = target
        elif kind == "reference":
            shown = {pk: prefix + text for pk, text in labels_json[target].items()}
            shown[None] = prefix + "null"
            write = shown.__getitem__
        elif kind == "timestamp":
            write = timestamp_writer(target, encode, prefix)
            if InteractionLogEntry._meta.get_field(target.field_name).null:
                # Mostly empty (canceled_at): null looked up, no Python call.
                nulls = _Memo(write, _never)
                nulls[None] = prefix + "null"
                write = nulls.__getitem__
        else:
            write = _memo(*target, prefix=prefix, encode=encode).__getitem__
        first = column[0]
        if _written_alike(kind, first) and column.count(first) == count:
            run.append(prefix + write(first) if kind == "static" else write(first))
            continue
        if run:
            pieces.append(repeat("".join(run), count))
            run = []
        if kind == "static":
            pieces += (repeat(prefix, count), map(write, column))
        else:
            pieces.append(map(write, column))
    run.append("},")
    pieces.append(repeat("".join(run), count))
    # Each row's pieces in turn, in one string: no per-row template.
    rows_text = "".join(chain.from_iterable(zip(*pieces, strict=True)))
    text = "[" + rows_text[:-1] + "]"
    for character, escaped in _LINE_SEPARATORS:
        if character in text:
            text = text.replace(character, escaped)
    return text


class JsonPageResponse(Response):
    """A page whose rows are JSON text already (:func:`template_rows`).

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
        self._replaced = False
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
        # None from Response.__init__; anything else replaces the page.
        if value is not None:
            self._parsed, self._replaced = value, True

    @property
    def rendered_content(self) -> Any:
        renderer = getattr(self, "accepted_renderer", None)
        media_type = getattr(self, "accepted_media_type", None)
        context = getattr(self, "renderer_context", None) or {}
        if self._replaced or not _plain_json(renderer, media_type, context):
            return super().rendered_content
        self._envelope_only = True
        try:
            envelope = super().rendered_content
        finally:
            self._envelope_only = False
        assert envelope.endswith(b'"results":[]}'), envelope
        return envelope[:-3] + self._rows.encode() + b"}"


#: A row of ENTRY_FIELDS' values, each also readable by name (the keyset's).
EntryTuple = type(
    "EntryTuple",
    (tuple,),
    {
        "__slots__": (),
        **{name: property(itemgetter(i)) for i, name in enumerate(ENTRY_FIELDS)},
    },
)


class TupleRowsIterable(BaseIterable):
    """Iterating the queryset yields :func:`read_tuples` as ``EntryTuple``."""

    def __iter__(self) -> Iterator[Any]:
        return map(EntryTuple, read_tuples(self.queryset, as_text=True))


def lean_list(view: GenericAPIView[Any], queryset: QuerySet[Any]) -> Response:
    """A list action's answer from rows of columns, written as JSON text when
    the renderer is DRF's plain JSON one (:func:`template_rows`), else as the
    dicts of :func:`lean_entry_rows`; both answer what the serializer would.

    ``queryset`` is the view's; its joins are dropped, the view's filters and
    keyset pagination apply as for any list.
    """
    rows = view.filter_queryset(queryset.select_related(None)).all()
    request = view.request
    renderer = getattr(request, "accepted_renderer", None)
    as_json = _plain_json(renderer, getattr(request, "accepted_media_type", None), {})
    rows._iterable_class = TupleRowsIterable if as_json else EntryRowsIterable
    page = view.paginate_queryset(rows)
    assert page is not None, "lean_list needs the view's (keyset) pagination"
    if not as_json:
        return view.get_paginated_response(lean_entry_rows(page))
    paginator = view.paginator
    assert paginator is not None and isinstance(renderer, JSONRenderer)
    envelope = paginator.get_paginated_response([]).data
    encoder = renderer.encoder_class(
        ensure_ascii=False, separators=(",", ":"), allow_nan=not renderer.strict
    )
    return JsonPageResponse(dict(envelope), template_rows(page, encoder))

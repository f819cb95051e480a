"""The lean output path of entry lists (issue #12).

A list page answers exactly what :class:`InteractionLogEntrySerializer`
answers, but builds it from ``values()`` rows: the entry's own columns in one
query with no join, and the business keys of the referenced rows (contact no.,
template code …) in one more query, a ``UNION ALL`` of primary-key lookups in
each small table. A 9-table join cost PostgreSQL 60–180 ms of planning per
page; full model instances and nested DRF fields cost ~40 % of the request's
Python time.

Every value is shown as the serializer's own field shows it; what is worked
out once instead of per value (:func:`_plan`):

* a field that returns the value unchanged (a text, number or boolean column)
  is copied as it is;
* a date, clock time or decimal is formatted once per distinct value (a page
  holds few: hundreds of entries share a date) — their representation depends
  on the value only;
* a timestamp is converted to the request's time zone, as DRF's
  ``DateTimeField`` does, with the time zone looked up once per page rather
  than per value.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections, router
from django.db.models import QuerySet
from django.db.models.query import BaseIterable
from django.db.models.sql import Query
from psycopg.types.string import TextLoader
from rest_framework import ISO_8601, relations, serializers
from rest_framework.settings import api_settings

from contacts.models import Contact, Salesperson
from interactions.api.entries.serializers import InteractionLogEntrySerializer
from interactions.models import (
    Campaign,
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
)

Convert = Callable[[Any], Any]
#: (model, business key) → {pk: business key}
Labels = dict[tuple[type[Any], str], dict[Any, Any]]

#: Reference field → (model, business key) of what it shows.
ENTRY_REFERENCES: dict[str, tuple[type[Any], str]] = {
    "contact": (Contact, "no"),
    "contact_company": (Contact, "no"),
    "template": (InteractionTemplate, "code"),
    "group": (InteractionGroup, "code"),
    "salesperson": (Salesperson, "code"),
    "campaign": (Campaign, "no"),
    "logged_by": (get_user_model(), "username"),
    "canceled_by": (get_user_model(), "username"),
}


def _column(name: str) -> str:
    """The ``values()`` name of serializer field ``name`` (``_id`` for keys)."""
    field = InteractionLogEntry._meta.get_field(name)
    return str(getattr(field, "attname", name))


#: The serializer's fields, in its order, and the entry's own columns it shows
#: (``values(*ENTRY_COLUMNS)``: ``contact_id`` for ``contact``).
ENTRY_FIELDS: tuple[str, ...] = tuple(InteractionLogEntrySerializer.Meta.fields)
ENTRY_COLUMNS: tuple[str, ...] = tuple(_column(name) for name in ENTRY_FIELDS)

#: Serializer fields that show a value of the given type as the value itself
#: (``str(s)``, ``int(i)``, a choice's own value, a bool) …
_IDENTITY: dict[type[serializers.Field[Any, Any, Any, Any]], type] = {
    serializers.ChoiceField: str,
    serializers.CharField: str,
    serializers.BooleanField: bool,
    serializers.IntegerField: int,
}
#: … and the model columns ``values()`` always reads as that type.
_COLUMN_TYPES: dict[str, type] = {
    **dict.fromkeys(("CharField", "TextField", "SlugField"), str),
    "BooleanField": bool,
    **dict.fromkeys(
        (
            "AutoField",
            "BigAutoField",
            "SmallAutoField",
            "IntegerField",
            "BigIntegerField",
            "SmallIntegerField",
            "PositiveIntegerField",
            "PositiveBigIntegerField",
            "PositiveSmallIntegerField",
        ),
        int,
    ),
}
#: Distinct values remembered per field (dates, times, amounts of a log).
MEMO_SIZE = 4096


def _memoized(
    represent: Convert, kind: type, keep: Callable[[Any], bool] | None = None
) -> Convert:
    """``represent`` remembering its answer for each value of type ``kind``.

    Only for fields whose answer depends on the value alone, and only for
    values that are equal exactly when their answers are (``keep`` says which
    of them may be remembered).
    """
    memo: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        if type(value) is not kind:
            return represent(value)
        try:
            return memo[value]
        except (KeyError, TypeError):  # TypeError: unhashable (a signaling NaN)
            answer = represent(value)
            if len(memo) < MEMO_SIZE and (keep is None or keep(value)):
                memo[value] = answer
            return answer

    return convert


def keeps_decimal(value: Decimal) -> bool:
    """Whether ``value``'s representation may be remembered for equal amounts:
    not a NaN or infinity, and not a negative zero (-0.00 == 0.00, but DRF
    writes "-0.00")."""
    return value.is_finite() and not (value.is_zero() and value.is_signed())


def _is_iso(field: serializers.Field[Any, Any, Any, Any], default: str | None) -> bool:
    output_format = getattr(field, "format", default)
    return isinstance(output_format, str) and output_format.lower() == ISO_8601


def _static_converter(
    field: serializers.Field[Any, Any, Any, Any], column: str
) -> Convert | None:
    """How field ``field`` shows a value read from ``column``; None: as it is.

    Timestamps are not handled here: their answer depends on the request's
    time zone (:func:`timestamp_converter`).
    """
    kind = type(field)
    model_field = InteractionLogEntry._meta.get_field(column)
    read_as = _COLUMN_TYPES.get(model_field.get_internal_type())
    if kind in _IDENTITY:
        if read_as is _IDENTITY[kind]:
            return None
        python_type, represent = _IDENTITY[kind], field.to_representation
        return lambda v: v if type(v) is python_type else represent(v)
    if (
        kind is serializers.BigIntegerField
        and read_as is int
        and not getattr(field, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING)
    ):
        return None  # int(value) of an int
    if (
        isinstance(field, relations.PrimaryKeyRelatedField)
        and kind is relations.PrimaryKeyRelatedField
        and field.pk_field is None
    ):
        return None  # a key shown as itself (logged_segment)
    if kind is serializers.DateField and _is_iso(field, api_settings.DATE_FORMAT):
        return _memoized(field.to_representation, dt.date)
    if isinstance(field, serializers.TimeField) and _is_iso(
        field, api_settings.TIME_FORMAT
    ):
        # Aware times compare equal across offsets: only naive ones are kept.
        return _memoized(field.to_representation, dt.time, lambda v: not v.tzinfo)
    if (
        isinstance(field, serializers.DecimalField)
        and kind is serializers.DecimalField
        and field.decimal_places is not None
        and not field.localize
    ):
        # Quantized to fixed places, equal amounts (1.5, 1.50) read the same.
        return _memoized(field.to_representation, Decimal, keeps_decimal)
    return field.to_representation


def timestamp_zone(field: serializers.DateTimeField) -> dt.tzinfo | None:
    """The zone ``field`` writes timestamps in, as ISO 8601, now (the request's:
    ``timezone.activate``); None when it writes them otherwise."""
    if not _is_iso(field, api_settings.DATETIME_FORMAT):
        return None
    return field.timezone if hasattr(field, "timezone") else field.default_timezone()


def timestamp_converter(field: serializers.DateTimeField) -> Convert:
    """DRF's ``DateTimeField.to_representation`` with the time zone of now.

    Built per page: the time zone is the request's (``timezone.activate``).
    Anything but an aware ``datetime`` in ISO 8601 goes to the field itself.
    """
    represent = field.to_representation
    zone = timestamp_zone(field)
    if zone is None:
        return represent

    def convert(value: Any) -> Any:
        if type(value) is not dt.datetime or value.utcoffset() is None:
            return represent(value)  # naive: the field makes it aware
        try:
            text = value.astimezone(zone).isoformat()
        except OverflowError:
            return represent(value)  # the field's own error
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return convert


@cache
def _plan() -> tuple[
    tuple[tuple[str, tuple[type[Any], str]], ...],
    tuple[tuple[str, Convert], ...],
    tuple[tuple[str, serializers.DateTimeField], ...],
]:
    """What every page does with the fields' values, worked out once.

    The reference fields (and what they refer to); the fields converted the
    same way on every page; the timestamp fields.
    """
    references, converted, timestamps = [], [], []
    # The serializer's own fields (``to_representation`` keeps no state).
    for name, field in InteractionLogEntrySerializer().fields.items():
        if name in ENTRY_REFERENCES:
            references.append((name, ENTRY_REFERENCES[name]))
        elif isinstance(field, serializers.DateTimeField):
            timestamps.append((name, field))
        elif (convert := _static_converter(field, _column(name))) is not None:
            converted.append((name, convert))
    return tuple(references), tuple(converted), tuple(timestamps)


def _labels(rows: list[dict[str, Any]]) -> Labels:
    """(model, key) → {pk: business key} of every row ``rows`` refer to: one query
    (:func:`read_labels`)."""
    return read_labels({name: {row[name] for row in rows} for name in ENTRY_REFERENCES})


def read_labels(keys: dict[str, set[Any]]) -> Labels:
    """(model, key) → {pk: business key} of the keys of each reference field.

    A ``UNION ALL`` of primary-key lookups, one per table, written out here:
    compiling six ORM querysets cost more Python than the rows themselves. On
    PostgreSQL each lookup takes its integer keys as one array parameter,
    written as text (``= ANY(%s::bigint[])``; the driver's own list adaptation
    costs more than the query): the statement's text is the same for every
    page, so the driver parses it once.
    """
    wanted: dict[tuple[type[Any], str], set[Any]] = {}
    for name, table in ENTRY_REFERENCES.items():
        ids = keys.get(name, set()) - {None}
        if ids:
            wanted.setdefault(table, set()).update(ids)
    labels: Labels = {table: {} for table in ENTRY_REFERENCES.values()}
    if not wanted:
        return labels
    tables = list(wanted)
    connection = connections[router.db_for_read(InteractionLogEntry)]
    quote = connection.ops.quote_name
    parts, params = [], []
    for index, ((model, key), ids) in enumerate(wanted.items()):
        meta = model._meta
        pk = quote(meta.pk.column)
        ordered = sorted(ids)
        if connection.vendor == "postgresql" and all(type(k) is int for k in ordered):
            where = f"{pk} = ANY(%s::{meta.pk.cast_db_type(connection)}[])"
            params.append("{" + ",".join(map(str, ordered)) + "}")
        else:
            where = f"{pk} IN ({', '.join(['%s'] * len(ordered))})"
            params += ordered
        parts.append(
            f"SELECT {index}, {pk}, {quote(meta.get_field(key).column)} "
            f"FROM {quote(meta.db_table)} WHERE {where}"
        )
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for index, pk, label in cursor.fetchall():
            labels[tables[index]][pk] = label
    return labels


def lean_entry_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` (from :func:`read_rows`) as InteractionLogEntrySerializer
    answers the same entries, with one query for every referenced key.

    The rows are changed in place: a converted value takes the place of the
    one read (a dict keeps a key's position when its value changes).
    """
    references, converted, timestamps = _plan()
    labels = _labels(rows)
    # Per page: the reference keys just read, the request's time zone.
    conversions = [
        *((name, labels[table].__getitem__) for name, table in references),
        *converted,
        *((name, timestamp_converter(field)) for name, field in timestamps),
    ]
    for row in rows:
        for name, convert in conversions:
            value = row[name]
            if value is not None:
                row[name] = convert(value)
    return rows


# --- Reading the page's rows --------------------------------------------------
#
# ``values(*ENTRY_COLUMNS)`` makes Django resolve and compile 37 columns on
# every request (~1.5 ms, more than the query takes the database). The list's
# statement is always the same ``SELECT … FROM`` the entries table, so it is
# compiled once (:func:`_select`); a page compiles only its ``WHERE`` (filters
# and cursor) and writes its ``ORDER BY`` and ``LIMIT``. A queryset that is
# not that simple (a join, an annotation …) is read through ``values()``.


@dataclass(frozen=True)
class _Select:
    """``SELECT <ENTRY_COLUMNS> FROM <entries>`` as Django compiles it."""

    sql: str
    converters: dict[int, tuple[list[Any], Any]]


@cache
def _select(alias: str) -> _Select:
    """The lean list's ``SELECT … FROM`` on database ``alias``, compiled once."""
    query = (
        InteractionLogEntry._base_manager.using(alias)
        .values(*ENTRY_COLUMNS)
        .order_by()
        .query
    )
    compiler = query.get_compiler(alias)
    sql, params = compiler.as_sql()
    assert not params and " WHERE " not in sql, sql
    assert query.values_select == ENTRY_COLUMNS, query.values_select
    # What Django applies to each value read (SQLite: dates, decimals …).
    converters = compiler.get_converters(
        [column for column, _sql, _as in compiler.select]
    )
    return _Select(sql=sql, converters=converters)


def order_terms(query: Query) -> list[tuple[str, str]] | None:
    """(column, ``ASC``/``DESC``) of ``query``'s ``ORDER BY`` when it orders by
    columns the list shows.

    Anything else (a relation, ``pk``, an expression) is left to Django; so is
    a key column, whose field name differs (the cursor reads the row by it).
    """
    terms: list[tuple[str, str]] = []
    for name in query.order_by:
        if not isinstance(name, str):
            return None
        column = name.lstrip("-")
        if (
            column not in ENTRY_FIELDS
            or column not in ENTRY_COLUMNS
            or any(seen == column for seen, _direction in terms)
        ):
            return None
        terms.append((column, "DESC" if name.startswith("-") else "ASC"))
    return terms or None


def _order_by(query: Query) -> str | None:
    """``ORDER BY`` of ``query`` (:func:`order_terms`) as Django writes it: by
    the selected column's position (``ORDER BY 4 DESC``)."""
    terms = order_terms(query)
    if terms is None:
        return None
    return ", ".join(
        f"{ENTRY_COLUMNS.index(column) + 1} {direction}" for column, direction in terms
    )


def plain(query: Query) -> bool:
    """Whether ``query`` reads entries of one table, filtered, ordered, sliced."""
    return (
        query.model is InteractionLogEntry
        and query.base_table == InteractionLogEntry._meta.db_table
        # A filter on a key (``template__in``) leaves its join unused.
        and not any(query.alias_refcount[alias] for alias in list(query.alias_map)[1:])
        and query.default_cols
        and query.standard_ordering
        and not (
            query.select
            or query.values_select
            or query.annotations
            or query.extra
            or query.extra_order_by
            or query.distinct
            or query.group_by is not None
            or query.combinator
            or query.select_for_update
            or query.select_related
            or query.where.contains_aggregate
            or query.where.contains_over_clause
        )
        and query.high_mark is not None
    )


def page_statement(queryset: QuerySet[Any]) -> tuple[str, list[Any]] | None:
    """The statement of ``queryset.values(*ENTRY_COLUMNS)``, its select compiled
    once; ``None`` unless the queryset is plain (:func:`plain`).

    Raises ``EmptyResultSet`` when nothing can match, as Django's compiler.
    """
    query = queryset.query
    select = _select(queryset.db)
    order_by = _order_by(query) if plain(query) else None
    if order_by is None:
        return None
    where, params, limit = page_filter(queryset)
    parts = (select.sql, where, f"ORDER BY {order_by}")
    return " ".join(part for part in (*parts, limit) if part), params


def page_filter(queryset: QuerySet[Any]) -> tuple[str, list[Any], str]:
    """``WHERE …`` (or ""), its parameters and ``LIMIT …`` of a plain queryset.

    Raises ``EmptyResultSet`` when nothing can match, as Django's compiler.
    """
    query = queryset.query
    compiler = query.get_compiler(queryset.db)
    try:
        where, params = compiler.compile(query.where)
    except FullResultSet:
        where, params = "", []
    limit = compiler.connection.ops.limit_offset_sql(query.low_mark, query.high_mark)
    return (f"WHERE {where}" if where else ""), list(params), limit


def read_rows(queryset: QuerySet[Any]) -> list[dict[str, Any]]:
    """The rows of ``queryset``: the values of the serializer's fields as read
    (keys for references), read with :func:`page_statement` when plain."""
    return [dict(zip(ENTRY_FIELDS, row, strict=True)) for row in read_tuples(queryset)]


def read_tuples(
    queryset: QuerySet[Any], *, as_text: bool = False
) -> Iterable[tuple[Any, ...]]:
    """The rows of :func:`read_rows` as tuples of ``ENTRY_FIELDS``' values.

    ``as_text``: on PostgreSQL, a plain queryset's timestamps and amounts are
    read as the database writes them (``2026-11-27 10:11:12.5+00``,
    ``12.50``), for the JSON rows of
    :mod:`~interactions.api.entries.lean_json`: they are written from that
    text, not from a ``datetime`` or ``Decimal`` built for it.
    """
    try:
        statement = page_statement(queryset)
    except EmptyResultSet:
        return []  # as Django: nothing can match, no query
    if statement is None:
        rows: Any = queryset.values_list(*ENTRY_COLUMNS)
    else:
        connection = connections[queryset.db]
        with connection.cursor() as cursor:
            if as_text and connection.vendor == "postgresql":
                for column_type in ("timestamptz", "numeric"):
                    cursor.cursor.adapters.register_loader(column_type, TextLoader)
            cursor.execute(*statement)
            rows = cursor.fetchall()
        converters = _select(queryset.db).converters
        if converters:
            compiler = queryset.query.get_compiler(queryset.db)
            rows = compiler.apply_converters(rows, converters)
    return rows


class EntryRowsIterable(BaseIterable):
    """Iterating the queryset yields :func:`read_rows`."""

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(read_rows(self.queryset))

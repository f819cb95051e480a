"""The log's CSV export (DOMAIN §6.1; issue #12 item 5, issue #13 item 2).

One file, two ways to write it:

* **PostgreSQL** streams ``COPY (SELECT …) TO STDOUT WITH (FORMAT csv)``
  through psycopg 3's ``cursor.copy()``: the filtered queryset's own SQL, with
  the labels, dates and decimals formatted in the ``SELECT`` (``CASE`` over the
  choice codes, the date output of a ``DateStyle``, ``replace``), so no Python
  touches a row. The
  first byte (the header) leaves at once and memory stays flat.
* **SQLite** iterates the same filtered queryset in chunks and formats each
  row in Python.

Both write the same bytes (``tests/interactions/test_export.py`` compares them
on PostgreSQL): a header row in the user's language, choice labels instead of
codes, Yes/No for checkmarks, dates and times in the language's
``DATE_FORMAT``/``TIME_FORMAT`` (``interactions_crm/formats``), decimals with
the language's decimal separator and no thousands grouping (so spreadsheets
read them as numbers), ``\\n`` line ends. Quoting is PostgreSQL's: a value
with a comma, quote or line break is quoted, an empty text as ``""``, a
missing value (no time, no salesperson, a blank choice) as an empty cell.

Cost (issue #12: ≤ 1.2 × a raw ``COPY`` of the same rows): every expression
in the ``SELECT`` costs per row, so text columns go out as they are, a choice
``CASE`` tests the blank code first, and dates use PostgreSQL's own output
with a ``DateStyle`` set for the ``COPY`` only (ISO for ``Y-m-d``, German for
``d.m.Y``; other formats fall back to ``to_char``). Around the ``COPY`` the
view adds no Python per row: psycopg hands over one row per block, and
``BytesIO.writelines`` over ``islice`` gathers :data:`CHUNK_ROWS` of them into
one response chunk in C. Bench case 5 times the view against a bare
``cursor.copy()`` loop over this very statement.
"""

import decimal
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any, cast

from django.db import DatabaseError, connections
from django.db.models import (
    Case,
    CharField,
    Expression,
    F,
    Func,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Replace
from django.utils import dateformat
from django.utils.formats import get_format
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contacts.models import CorrespondenceType
from interactions.models import (
    DeliveryStatus,
    DocumentType,
    Evaluation,
    InformationFlow,
    InitiatedBy,
    InteractionLogEntry,
)
from interactions.selectors.log import filtered_entries, log_filterset
from interactions.selectors.log_page import PAGE_SORTS, page_sort

if TYPE_CHECKING:
    from django.db.backends.postgresql.operations import (
        DatabaseOperations as PostgresOperations,
    )

#: How a column's value is written.
TEXT, DATE, TIME, DECIMAL, BOOLEAN = "text", "date", "time", "decimal", "boolean"

#: Choice columns: field → its choices (the label replaces the code).
CHOICES: dict[str, Any] = {
    "information_flow": InformationFlow,
    "initiated_by": InitiatedBy,
    "evaluation": Evaluation,
    "correspondence_type": CorrespondenceType,
    "delivery_status": DeliveryStatus,
    "document_type": DocumentType,
}

#: The columns of the CSV export: field path → (header, kind).
EXPORT_COLUMNS: tuple[tuple[str, Promise, str], ...] = (
    ("entry_no", _("Entry no."), TEXT),
    ("date", _("Date"), DATE),
    ("time", _("Time"), TIME),
    ("contact__no", _("Contact no."), TEXT),
    ("contact__name", _("Contact name"), TEXT),
    ("contact_company__no", _("Company no."), TEXT),
    ("description", _("Description"), TEXT),
    ("subject", _("Subject"), TEXT),
    ("template__code", _("Interaction template"), TEXT),
    ("group__code", _("Interaction group"), TEXT),
    ("salesperson__code", _("Salesperson"), TEXT),
    ("campaign__no", _("Campaign no."), TEXT),
    ("cost", _("Cost (LCY)"), DECIMAL),
    ("duration", _("Duration (min.)"), DECIMAL),
    ("information_flow", _("Information flow"), TEXT),
    ("initiated_by", _("Initiated by"), TEXT),
    ("evaluation", _("Evaluation"), TEXT),
    ("attempt_failed", _("Attempt failed"), BOOLEAN),
    ("correspondence_type", _("Correspondence type"), TEXT),
    ("delivery_status", _("Delivery status"), TEXT),
    ("canceled", _("Canceled"), BOOLEAN),
    ("segment_no", _("Segment no."), TEXT),
    ("document_type", _("Document type"), TEXT),
    ("document_no", _("Document no."), TEXT),
    ("opportunity_ref", _("Opportunity"), TEXT),
)

#: Rows per response chunk (about 300 KB; every column is a bounded text, so
#: memory stays flat): one encode per chunk on the Python path, and on the
#: COPY path one chunk rather than one per row (psycopg's blocks are rows).
CHUNK_ROWS = 2000

#: DATE_FORMATs that PostgreSQL's own date output writes, by ``DateStyle``.
DATE_STYLES = {"Y-m-d": "ISO, DMY", "d.m.Y": "German, DMY"}

#: Django date format characters → PostgreSQL ``to_char`` patterns. Only
#: numeric ones: a month or day name would need the database's locale, which
#: is not the user's language.
TO_CHAR = {
    "d": "DD",
    "j": "FMDD",
    "m": "MM",
    "n": "FMMM",
    "Y": "YYYY",
    "y": "YY",
    "H": "HH24",
    "G": "FMHH24",
    "i": "MI",
    "s": "SS",
}


class UnsupportedFormat(ValueError):
    """A ``DATE_FORMAT``/``TIME_FORMAT`` the PostgreSQL export cannot write."""


def to_char_pattern(django_format: str) -> str:
    """A Django date format as a ``to_char`` pattern, literals double-quoted.

    Raises :class:`UnsupportedFormat` naming the character for anything but
    the numeric characters of :data:`TO_CHAR` and punctuation, rather than
    writing a date the Python path would write differently.
    """
    parts: list[str] = []
    for char in django_format:
        if char in TO_CHAR:
            parts.append(TO_CHAR[char])
        elif char.isalpha() or char in '\\"':
            raise UnsupportedFormat(
                f"The CSV export cannot write the date format character {char!r} "
                f"of {django_format!r} in PostgreSQL; use one of "
                f"{''.join(TO_CHAR)} and punctuation (interactions_crm/formats)."
            )
        else:
            parts.append(f'"{char}"')
    return "".join(parts)


@dataclass(frozen=True)
class ExportFormat:
    """Everything language-dependent of one export, resolved up front.

    Built while the request's language is active (:meth:`current`), so the
    rows streamed later do not depend on which language the thread has then.
    """

    header: tuple[str, ...]
    labels: Mapping[str, Mapping[str, str]]
    yes: str
    no: str
    date_format: str
    time_format: str
    decimal_separator: str

    @classmethod
    def current(cls) -> "ExportFormat":
        """The active language's header, labels and formats."""
        return cls(
            header=tuple(str(header) for _name, header, _kind in EXPORT_COLUMNS),
            labels={
                name: {str(code): str(label) for code, label in choices.choices if code}
                for name, choices in CHOICES.items()
            },
            yes=gettext("Yes"),
            no=gettext("No"),
            date_format=str(get_format("DATE_FORMAT")),
            time_format=str(get_format("TIME_FORMAT")),
            decimal_separator=str(get_format("DECIMAL_SEPARATOR")),
        )

    @property
    def date_style(self) -> str | None:
        """The ``DateStyle`` whose date output is :attr:`date_format`, if any."""
        return DATE_STYLES.get(self.date_format)

    def header_line(self) -> bytes:
        return csv_line(self.header).encode()

    # --- the Python path ---------------------------------------------------------

    def cell(self, name: str, kind: str, value: Any) -> str | None:
        """One value as the file writes it (the SQL of :meth:`expression`).

        ``None`` is a missing value (an empty cell), ``""`` an empty text.
        """
        if value is None:
            return None
        if name in self.labels:
            return self.labels[name].get(value, value) if value else None
        if kind == BOOLEAN:
            return self.yes if value else self.no
        if kind == DATE:
            return dateformat.format(value, self.date_format)
        if kind == TIME:
            return dateformat.time_format(value, self.time_format)
        if kind == DECIMAL:
            return format(decimal.Decimal(value), "f").replace(
                ".", self.decimal_separator
            )
        return str(value)

    def row(self, values: tuple[Any, ...]) -> list[str | None]:
        return [
            self.cell(name, kind, value)
            for (name, _header, kind), value in zip(EXPORT_COLUMNS, values, strict=True)
        ]

    # --- the PostgreSQL path -----------------------------------------------------

    def expression(self, name: str, kind: str) -> Expression | F:
        """The SQL that writes column ``name`` as :meth:`cell` does.

        ``COPY`` writes ``NULL`` as an empty cell and an empty text as ``""``;
        :func:`csv_line` does the same for ``None`` and ``""``.
        """
        text = CharField()
        if name in self.labels:
            # Blank first: most entries have no document type, delivery …,
            # and a CASE tests its branches in order.
            return Case(
                When(**{name: ""}, then=Value(None)),
                *(
                    When(**{name: code}, then=Value(label))
                    for code, label in self.labels[name].items()
                ),
                default=F(name),
                output_field=text,
            )
        if kind == BOOLEAN:
            return Case(
                When(**{name: True}, then=Value(self.yes)),
                default=Value(self.no),
                output_field=text,
            )
        if kind == DATE and self.date_style:
            return F(name)  # the DateStyle of copy_lines writes it
        if kind == DATE:
            return Func(
                F(name),
                Value(to_char_pattern(self.date_format)),
                function="to_char",
                output_field=text,
            )
        if kind == TIME and self.time_format == "H:i":
            # PostgreSQL writes a time as HH:MM:SS[.ffffff] in every DateStyle.
            return Func(
                Cast(F(name), text), Value(5), function="left", output_field=text
            )
        if kind == TIME:
            # date + time is a timestamp, which to_char formats like a date.
            return Func(
                F(name),
                Value(to_char_pattern(self.time_format)),
                template="to_char(DATE '2000-01-01' + %(expressions)s)",
                output_field=text,
            )
        if kind == DECIMAL:
            if self.decimal_separator == ".":
                return Cast(F(name), text)
            return Replace(
                Cast(F(name), text), Value("."), Value(self.decimal_separator)
            )
        return F(name)

    def copy_statement(self, rows: QuerySet[InteractionLogEntry]) -> str:
        """``COPY (the formatted SELECT of rows) TO STDOUT`` with its values bound."""
        formatted = rows.values_list(
            *(self.expression(name, kind) for name, _header, kind in EXPORT_COLUMNS)
        )
        sql, params = formatted.query.sql_with_params()
        operations = cast("PostgresOperations", connections[rows.db].ops)
        select = operations.compose_sql(sql, params)
        return f"COPY ({select}) TO STDOUT WITH (FORMAT csv, HEADER false)"


def csv_line(cells: Sequence[str | None]) -> str:
    """One CSV line as PostgreSQL's ``COPY … (FORMAT csv)`` writes it.

    ``None`` is an empty cell, ``""`` a quoted empty text; a cell with a comma,
    a quote or a line break is quoted, its quotes doubled; ``\\n`` ends it.
    """
    return ",".join(map(_csv_cell, cells)) + "\n"


def _csv_cell(cell: str | None) -> str:
    if cell is None:
        return ""
    if not cell:
        return '""'
    if "," in cell or '"' in cell or "\n" in cell or "\r" in cell:
        return '"' + cell.replace('"', '""') + '"'
    return cell


def export_entries(
    params: Mapping[str, Any], *, sort: str
) -> QuerySet[InteractionLogEntry]:
    """The filtered log in sort order (the rows of the export, no columns yet).

    ``sort`` is one of the log page's sort orders (the page's export link
    carries it); an unknown one raises ``UnknownSort`` (of ``log_page``).
    """
    filterset = log_filterset(params, InteractionLogEntry.objects.visible())
    return filtered_entries(filterset).order_by(*PAGE_SORTS[page_sort(sort)].ordering)


def export_rows(rows: QuerySet[InteractionLogEntry]) -> QuerySet[Any]:
    """``rows`` as tuples of the raw values of :data:`EXPORT_COLUMNS`."""
    return rows.values_list(*(name for name, _header, _kind in EXPORT_COLUMNS))


def python_lines(
    rows: QuerySet[InteractionLogEntry],
    form: ExportFormat,
    *,
    chunk_size: int = CHUNK_ROWS,
) -> Iterator[bytes]:
    """The CSV file, formatted in Python, in chunks of ``chunk_size`` rows."""
    yield form.header_line()
    lines: list[str] = []
    for values in export_rows(rows).iterator(chunk_size=chunk_size):
        lines.append(csv_line(form.row(values)))
        if len(lines) == chunk_size:
            yield "".join(lines).encode()
            lines.clear()
    if lines:
        yield "".join(lines).encode()


def copy_lines(
    rows: QuerySet[InteractionLogEntry],
    form: ExportFormat,
    *,
    chunk_size: int = CHUNK_ROWS,
) -> Iterator[bytes]:
    """The CSV file through PostgreSQL's ``COPY … TO STDOUT`` (psycopg 3).

    Chunks of ``chunk_size`` rows as the server wrote them: ``writelines``
    consumes psycopg's row blocks from ``islice`` without a line of Python per
    row, so the view costs what a bare ``cursor.copy()`` loop costs.
    """
    yield form.header_line()
    if rows.query.is_empty():  # an invalid filter selects nothing (no SQL)
        return
    statement = form.copy_statement(rows)
    database = connections[rows.db]
    database.ensure_connection()
    with database.connection.cursor() as cursor:
        style = form.date_style
        previous = _set_date_style(cursor, style) if style else None
        try:
            with cursor.copy(statement) as copy:
                blocks = iter(copy)
                while True:
                    chunk = io.BytesIO()
                    chunk.writelines(islice(blocks, chunk_size))
                    if not chunk.tell():
                        break
                    yield chunk.getvalue()
        finally:
            if previous is not None:
                _restore_date_style(database, cursor, previous)


def _set_date_style(cursor: Any, style: str) -> str:
    """Set the session's ``DateStyle`` to ``style``; return the one it had.

    Session-wide, so it holds in autocommit and inside a transaction alike;
    :func:`copy_lines` puts the old one back when the ``COPY`` ends or the
    download is abandoned.
    """
    cursor.execute(
        "SELECT current_setting('DateStyle'), set_config('DateStyle', %s, false)",
        [style],
    )
    previous: str = cursor.fetchone()[0]
    return previous


def _restore_date_style(database: Any, cursor: Any, previous: str) -> None:
    """Put ``DateStyle`` back; close the connection if that fails.

    psycopg reads timestamps with time zone only in ISO style, so a connection
    must never go back to Django with another one. (In a transaction that
    failed, its rollback restores the setting too.)
    """
    try:
        _set_date_style(cursor, previous)
    except DatabaseError:
        database.close()
        raise


def export_lines(params: Mapping[str, Any], *, sort: str) -> Iterator[bytes]:
    """The filtered log as CSV in the active language: COPY on PostgreSQL.

    The language-dependent parts are resolved now (the caller's request);
    the rows are read while the returned iterator is consumed.
    """
    rows = export_entries(params, sort=sort)
    form = ExportFormat.current()
    if connections[rows.db].vendor == "postgresql":
        return copy_lines(rows, form)
    return python_lines(rows, form)

"""The one owner of :class:`~interactions.models.ContactFigures` (DOMAIN §7).

The contact card's figures are kept as the log is written, like NAV's SIFT
totals behind FlowFields, so the card reads one row instead of every entry.
Every write that changes what counts calls this module in its own
transaction:

* entries **added** to the count (created, resumed from postponed, a segment
  logged, a document recorded): :func:`add_entry` / :func:`add_logged_segment`
  add them with one ``INSERT … SELECT … GROUP BY … ON CONFLICT DO UPDATE``
  (``count = count + n``, dates with the greater of both), so two requests
  adding to the same contact never lose an increment;
* entries **leaving or re-entering** the count (cancel, un-cancel, one by one
  or with their logged segment): :func:`recount` the contacts they name, set-
  based, after locking their rows.

Deleting canceled or postponed entries changes nothing (they never count);
privacy erasure scrubs text only; an entry's contact and contact company never
change after it is written (a person moving company keeps its old entries'
company, as the company card's aggregate did). :func:`differences` compares
every row with a full recount (the ``recount_contact_figures`` command).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from contacts.models import Contact
from interactions.models import (
    ContactFigures,
    FiguresScope,
    InitiatedBy,
    InteractionLogEntry,
)
from interactions.services.sql import concrete_field

#: The entry column each scope sums by.
SCOPE_COLUMNS = {
    FiguresScope.CONTACT: "contact_id",
    FiguresScope.COMPANY: "contact_company_id",
}
#: Contacts recounted per statement (keeps the parameter lists short).
CHUNK = 1000
FIGURES = ("count", "cost", "duration", "last_interaction_date", "last_attempted_date")
ZERO: dict[str, Any] = {
    "count": 0,
    "cost": 0,
    "duration": 0,
    "last_interaction_date": None,
    "last_attempted_date": None,
}


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _tables() -> tuple[str, str]:
    return _q(ContactFigures._meta.db_table), _q(InteractionLogEntry._meta.db_table)


def _greatest(left: str, right: str) -> str:
    """The later of two nullable dates (SQLite's two-argument MAX is NULL if
    either is; PostgreSQL's GREATEST ignores NULLs)."""
    if connection.vendor == "postgresql":
        return f"GREATEST({left}, {right})"
    return f"MAX(COALESCE({left}, {right}), COALESCE({right}, {left}))"


def _aggregates(alias: str) -> str:
    """count, cost, duration and the two dates of ``alias``'s counted entries.

    The same definitions as ``contact_statistics``' aggregate (the counted
    condition goes in the WHERE or the JOIN of the caller).
    """
    return (
        f"COUNT({alias}.entry_no), COALESCE(SUM({alias}.cost), 0), "
        f"COALESCE(SUM({alias}.duration), 0), "
        f"MAX(CASE WHEN {alias}.attempt_failed THEN NULL ELSE {alias}.date END), "
        f"MAX(CASE WHEN {alias}.initiated_by = %s THEN {alias}.date END)"
    )


def _target() -> str:
    return (
        "(contact_id, scope, count, cost, duration, last_interaction_date, "
        "last_attempted_date)"
    )


def _add(where: str, params: list[Any]) -> None:
    """Add the counted entries matching ``where`` (on ``e``) to their rows.

    One statement for both scopes; rows in contact order, so concurrent
    writers lock them in the same order.
    """
    figures, entries = _tables()
    selects = []
    select_params: list[Any] = []
    for scope, column in SCOPE_COLUMNS.items():
        selects.append(
            f"SELECT e.{column} AS contact_id, %s AS scope, {_aggregates('e')} "
            f"FROM {entries} e WHERE {where} AND e.{column} IS NOT NULL "
            "AND NOT e.canceled AND NOT e.postponed "
            f"GROUP BY e.{column}"
        )
        select_params += [scope.value, InitiatedBy.US.value, *params]
    f = figures
    sql = (
        f"INSERT INTO {figures} {_target()} "
        f"SELECT * FROM ({' UNION ALL '.join(selects)}) AS added "
        "WHERE true ORDER BY contact_id, scope "
        "ON CONFLICT (contact_id, scope) DO UPDATE SET "
        f"count = {f}.count + excluded.count, "
        f"cost = {f}.cost + excluded.cost, "
        f"duration = {f}.duration + excluded.duration, "
        "last_interaction_date = "
        f"{_greatest(f'{f}.last_interaction_date', 'excluded.last_interaction_date')}, "
        "last_attempted_date = "
        f"{_greatest(f'{f}.last_attempted_date', 'excluded.last_attempted_date')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, select_params)


def add_entry(entry: InteractionLogEntry) -> None:
    """Count one entry just written (nothing if it is postponed or canceled)."""
    if entry.postponed or entry.canceled:
        return
    _add("e.entry_no = %s", [entry.entry_no])


def add_logged_segment(logged_segment_id: int) -> None:
    """Count every entry a segment logging has just inserted (set-based)."""
    _add("e.logged_segment_id = %s", [logged_segment_id])


@dataclass(frozen=True)
class Affected:
    """The contacts whose figures a change of some entries touches, by scope."""

    contacts: frozenset[int]
    companies: frozenset[int]

    def __bool__(self) -> bool:
        return bool(self.contacts or self.companies)


def affected(entries: Iterable[tuple[int, int | None]]) -> Affected:
    """The contacts named by ``(contact_id, contact_company_id)`` pairs."""
    contacts: set[int] = set()
    companies: set[int] = set()
    for contact_id, company_id in entries:
        contacts.add(contact_id)
        if company_id is not None:
            companies.add(company_id)
    return Affected(frozenset(contacts), frozenset(companies))


def affected_by(queryset: Any) -> Affected:
    """:func:`affected` for a queryset of entries (one query)."""
    return affected(
        queryset.order_by()
        .values_list("contact_id", "contact_company_id")
        .distinct()
        .iterator()
    )


def recount(changed: Affected) -> None:
    """Recount the rows of the affected contacts from their counted entries.

    Two statements per chunk of contacts, in the caller's transaction: the
    first creates the missing rows and locks the existing ones (a no-op
    ``ON CONFLICT DO UPDATE`` locks them, in ``(contact, scope)`` order — the
    order :func:`_add` writes in, so the two never deadlock); the second
    overwrites them with the aggregate. Its snapshot is taken after the locks,
    so an adding transaction that committed first is seen, and one still
    running adds on top of the recount.
    """
    wanted = {(i, FiguresScope.CONTACT.value) for i in changed.contacts}
    wanted |= {(i, FiguresScope.COMPANY.value) for i in changed.companies}
    ordered = sorted(wanted)
    with transaction.atomic(savepoint=False):
        for start in range(0, len(ordered), CHUNK):
            _recount_rows(ordered[start : start + CHUNK])


def _recount_rows(keys: list[tuple[int, str]]) -> None:
    figures, entries = _tables()
    contact = _q(Contact._meta.db_table)
    wanted: list[str] = []
    recounted: list[str] = []
    wanted_params: list[Any] = []
    recounted_params: list[Any] = []
    for scope, column in SCOPE_COLUMNS.items():
        ids = [i for i, s in keys if s == scope.value]
        if not ids:
            continue
        marks = ", ".join(["%s"] * len(ids))
        wanted.append(
            f"SELECT c.id AS contact_id, %s AS scope FROM {contact} c "
            f"WHERE c.id IN ({marks})"
        )
        wanted_params += [scope.value, *ids]
        recounted.append(
            f"SELECT f.contact_id, f.scope, {_aggregates('e')} "
            f"FROM {figures} f LEFT JOIN {entries} e ON e.{column} = f.contact_id "
            "AND NOT e.canceled AND NOT e.postponed "
            f"WHERE f.scope = %s AND f.contact_id IN ({marks}) "
            "GROUP BY f.contact_id, f.scope"
        )
        recounted_params += [InitiatedBy.US.value, scope.value, *ids]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {figures} (contact_id, scope, count, cost, duration) "
            f"SELECT contact_id, scope, 0, 0, 0 FROM ({' UNION ALL '.join(wanted)}) "
            "AS wanted WHERE true ORDER BY contact_id, scope "
            f"ON CONFLICT (contact_id, scope) DO UPDATE SET count = {figures}.count",
            wanted_params,
        )
        cursor.execute(
            f"INSERT INTO {figures} {_target()} "
            f"SELECT * FROM ({' UNION ALL '.join(recounted)}) AS recounted "
            "WHERE true ORDER BY contact_id, scope "
            "ON CONFLICT (contact_id, scope) DO UPDATE SET "
            + ", ".join(f"{name} = excluded.{name}" for name in FIGURES),
            recounted_params,
        )


def expected_figures() -> dict[tuple[int, str], dict[str, Any]]:
    """Every contact's figures recounted from the entries (non-zero ones)."""
    _figures, entries = _tables()
    result: dict[tuple[int, str], dict[str, Any]] = {}
    with connection.cursor() as cursor:
        for scope, column in SCOPE_COLUMNS.items():
            cursor.execute(
                f"SELECT e.{column}, {_aggregates('e')} FROM {entries} e "
                f"WHERE e.{column} IS NOT NULL AND NOT e.canceled "
                f"AND NOT e.postponed GROUP BY e.{column}",
                [InitiatedBy.US.value],
            )
            for contact_id, *values in cursor.fetchall():
                result[(contact_id, scope.value)] = _normalised(values)
    return result


def _normalised(values: Iterable[Any]) -> dict[str, Any]:
    """Figures in comparable Python types (SQLite returns dates as text)."""
    row = dict(zip(FIGURES, values, strict=True))
    return {
        name: concrete_field(ContactFigures, name).to_python(value)
        if value is not None
        else None
        for name, value in row.items()
    }


def stored_figures() -> dict[tuple[int, str], dict[str, Any]]:
    """Every stored row (zero rows left out: a missing row means zeros)."""
    rows = ContactFigures.objects.values_list("contact_id", "scope", *FIGURES)
    result = {}
    for contact_id, scope, *values in rows.iterator():
        figures = _normalised(values)
        if figures != _normalised(ZERO.values()):
            result[(contact_id, scope)] = figures
    return result


def differences() -> dict[tuple[int, str], tuple[dict[str, Any], dict[str, Any]]]:
    """``(contact_id, scope) -> (stored, recounted)`` for every row that differs."""
    stored = stored_figures()
    expected = expected_figures()
    zero = _normalised(ZERO.values())
    return {
        key: (stored.get(key, zero), expected.get(key, zero))
        for key in sorted(stored.keys() | expected.keys())
        if stored.get(key, zero) != expected.get(key, zero)
    }


def repair(keys: Iterable[tuple[int, str]]) -> None:
    """Recount the given ``(contact_id, scope)`` rows."""
    keys = list(keys)
    recount(
        Affected(
            contacts=frozenset(c for c, s in keys if s == FiguresScope.CONTACT),
            companies=frozenset(c for c, s in keys if s == FiguresScope.COMPANY),
        )
    )


def rebuild_all() -> None:
    """Replace every row with a full recount (bulk loads, the bench dataset)."""
    figures, entries = _tables()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {figures}")
        for scope, column in SCOPE_COLUMNS.items():
            cursor.execute(
                f"INSERT INTO {figures} {_target()} "
                f"SELECT e.{column}, %s, {_aggregates('e')} FROM {entries} e "
                f"WHERE e.{column} IS NOT NULL AND NOT e.canceled "
                f"AND NOT e.postponed GROUP BY e.{column}",
                [scope.value, InitiatedBy.US.value],
            )

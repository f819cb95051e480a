"""One batch of "delete canceled entries" in SQL (DOMAIN §6.4), set-based.

A batch deletes the next canceled entries in entry-number order with the rows
that depend on them (comments, outbox messages: every relation pointing at
entries, by its ``on_delete``) and the attachments nothing else uses any
more. No entry is loaded into Python.

On PostgreSQL a batch is **one statement**: data-modifying CTEs pick the
batch's entry numbers (in entry-number order), delete the matching entries
up to the last of them — the ``DELETE`` locks each row and rechecks the
conditions on one changed meanwhile, so an entry un-canceled by another
transaction is kept — then their dependents and orphaned attachments from
the rows that ``DELETE … RETURNING`` gave back, so every part works on the
same rows without the entry numbers making a round trip. Dependents whose
foreign key cascades in the database (comments and outbox messages,
migration 0016) are left to it. Elsewhere (SQLite, whose
writers are serialised) the batch is a few statements over the entry numbers.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, partial
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections, models, transaction
from django.db.models import QuerySet

from interactions.models import Attachment, InteractionLogEntry


@dataclass(frozen=True)
class Batch:
    """What one batch did: entries deleted, last entry number it reached."""

    deleted: int
    #: Entries the batch took; fewer than asked: it was the last.
    found: int
    upper: int | None


def _quote(name: str | None) -> str:
    """A table or column name quoted for SQL (a concrete field's column is set)."""
    assert name is not None
    return connection.ops.quote_name(name)


def _dependents(
    *, skip: frozenset[tuple[str, str]] = frozenset()
) -> list[tuple[str, str, Any]]:
    """(table, column, on_delete) of every relation pointing at entries.

    CASCADE rows are deleted with the batch, SET_NULL ones unlinked; any
    other (PROTECT) makes the batch fail at commit (the foreign key), never
    silently. Relations in ``skip`` ((table, column), unquoted) are left out.
    """
    return [
        (
            _quote(relation.related_model._meta.db_table),
            _quote(relation.field.column),
            relation.on_delete,
        )
        for relation in InteractionLogEntry._meta.related_objects
        if relation.one_to_many
        and relation.on_delete in (models.CASCADE, models.SET_NULL)
        and (relation.related_model._meta.db_table, str(relation.field.column))
        not in skip
    ]


@cache
def _cascaded_by_database(alias: str) -> frozenset[tuple[str, str]]:
    """(table, column) of the foreign keys to entries that cascade in the
    PostgreSQL database itself (migration 0016: comments, outbox messages).

    The database deletes those rows with their entry, one lookup per entry at
    the end of the statement; deleting them in the batch's own SQL as well
    would look every entry up twice. Read from the catalog once per process:
    a key that lost its cascade (an ``AlterField`` recreates it without) is
    deleted by the batch again, never left to fail.
    """
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT t.relname, a.attname FROM pg_constraint c "
            "JOIN pg_class t ON t.oid = c.conrelid "
            "JOIN pg_attribute a ON a.attrelid = c.conrelid "
            "AND a.attnum = ANY(c.conkey) "
            "WHERE c.contype = 'f' AND c.confdeltype = 'c' "
            "AND cardinality(c.conkey) = 1 AND c.confrelid = %s::regclass",
            [InteractionLogEntry._meta.db_table],
        )
        return frozenset(cursor.fetchall())


def _still_used(attachment: str, *, excluded_entries: str = "") -> str:
    """SQL: the attachment ``attachment`` (an id column) is used by a row.

    Every relation pointing at Attachment counts (entries, template contents,
    segments and any added later). ``excluded_entries`` is a subquery of
    entry numbers that no longer count (deleted in the same statement).
    """
    checks = []
    entry_key = _quote(InteractionLogEntry._meta.pk.column)
    for relation in Attachment._meta.related_objects:
        table = _quote(relation.related_model._meta.db_table)
        column = _quote(relation.field.column)
        condition = f"u.{column} = {attachment}"
        if relation.related_model is InteractionLogEntry and excluded_entries:
            condition += f" AND u.{entry_key} NOT IN ({excluded_entries})"
        checks.append(f"EXISTS (SELECT 1 FROM {table} u WHERE {condition})")
    return " OR ".join(checks) or "false"


def delete_files_after_commit(names: Sequence[str]) -> None:
    """Remove deleted attachments' files from storage after commit.

    Attachment rows may name the same stored file (a logged segment's copies
    share the template's file): a file another row still names stays.
    """
    names = sorted({name for name in names if name})
    if not names:
        return
    named = set(
        Attachment.objects.filter(file__in=names).values_list("file", flat=True)
    )
    unused = [name for name in names if name not in named]
    if unused:
        transaction.on_commit(partial(_delete_files, unused))


def _delete_files(names: list[str]) -> None:
    storage = Attachment._meta.get_field("file").storage
    for name in names:
        storage.delete(name)


def delete_next_batch(
    matching: QuerySet[InteractionLogEntry], *, after: int, size: int
) -> Batch:
    """Delete the first ``size`` entries of ``matching`` numbered above ``after``.

    Run inside the batch's transaction. ``matching`` selects only canceled,
    non-postponed entries (the caller's filters and preview bound).
    """
    batch = matching.filter(entry_no__gt=after).order_by("entry_no")
    if connection.vendor == "postgresql":
        return _delete_in_one_statement(batch, size)
    return _delete_in_statements(batch, size)


def _delete_in_one_statement(batch: QuerySet[InteractionLogEntry], size: int) -> Batch:
    entries = _quote(InteractionLogEntry._meta.db_table)
    key = _quote(InteractionLogEntry._meta.pk.column)
    attachment_id = _quote(InteractionLogEntry._meta.get_field("attachment").column)
    attachments = _quote(Attachment._meta.db_table)
    file = _quote(Attachment._meta.get_field("file").column)
    # The batch's entry numbers, not locked: the DELETE locks its rows and
    # rechecks the conditions on a row changed meanwhile (a lock first wrote
    # every row twice — ~1.3× the plain DELETE's time at 500,000 entries).
    picked = batch.values("entry_no")[:size]
    try:
        locked_sql, locked_params = picked.query.sql_with_params()
        # The batch's own conditions on the entries table itself (no join),
        # so the DELETE rechecks them on a row changed meanwhile.
        compiler = batch.query.get_compiler(connection=connection)
        where_sql, where_params = compiler.compile(batch.query.where)
    except EmptyResultSet:  # a bound that matches nothing (empty preview)
        return Batch(deleted=0, found=0, upper=None)
    params = (*locked_params, *where_params)
    ctes = [
        f"locked AS ({locked_sql})",
        # The range up to the last locked entry, scanned in entry-number
        # order like the lock: exactly the locked rows.
        f"doomed AS (DELETE FROM {entries} WHERE {where_sql} "
        f"AND {entries}.{key} <= (SELECT max({key}) FROM locked) "
        f"RETURNING {entries}.{key}, {entries}.{attachment_id})",
    ]
    cascaded = _cascaded_by_database(connection.alias)
    for index, (table, column, on_delete) in enumerate(_dependents(skip=cascaded)):
        if on_delete is models.CASCADE:
            change = f"DELETE FROM {table}"
        else:
            change = f"UPDATE {table} SET {column} = NULL"
        ctes.append(
            f"dependent_{index} AS ({change} "
            f"WHERE {column} = ANY(ARRAY(SELECT {key} FROM doomed)))"
        )
    used = _still_used("a.id", excluded_entries=f"SELECT {key} FROM doomed")
    ctes.append(
        f"orphans AS (DELETE FROM {attachments} a WHERE a.id IN "
        f"(SELECT {attachment_id} FROM doomed) AND NOT ({used}) RETURNING a.{file})"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH {', '.join(ctes)} SELECT (SELECT count(*) FROM doomed), "
            f"(SELECT count(*) FROM locked), (SELECT max({key}) FROM locked), "
            f"ARRAY(SELECT {file} FROM orphans WHERE {file} <> '')",
            params,
        )
        deleted, found, upper, files = cursor.fetchone()
    delete_files_after_commit(files)
    return Batch(deleted=deleted, found=found, upper=upper)


def _delete_in_statements(batch: QuerySet[InteractionLogEntry], size: int) -> Batch:
    """The batch as separate statements over its entry numbers (not PostgreSQL).

    The entries are read (and locked where the database can) first, so every
    statement works on the same rows.
    """
    rows = list(
        batch.select_for_update().values_list("entry_no", "attachment_id")[:size]
    )
    if not rows:
        return Batch(deleted=0, found=0, upper=None)
    keys = [entry_no for entry_no, _attachment in rows]
    candidates = sorted({attachment for _entry, attachment in rows if attachment})
    placeholders = ", ".join(["%s"] * len(keys))
    entries = _quote(InteractionLogEntry._meta.db_table)
    key = _quote(InteractionLogEntry._meta.pk.column)
    with connection.cursor() as cursor:
        for table, column, on_delete in _dependents():
            if on_delete is models.CASCADE:
                change = f"DELETE FROM {table}"
            else:
                change = f"UPDATE {table} SET {column} = NULL"
            cursor.execute(f"{change} WHERE {column} IN ({placeholders})", keys)
        cursor.execute(f"DELETE FROM {entries} WHERE {key} IN ({placeholders})", keys)
        deleted = cursor.rowcount
        if candidates:
            attachments = _quote(Attachment._meta.db_table)
            file = _quote(Attachment._meta.get_field("file").column)
            listed = ", ".join(["%s"] * len(candidates))
            cursor.execute(
                f"DELETE FROM {attachments} WHERE id IN ({listed}) AND NOT "
                f"({_still_used(f'{attachments}.id')}) RETURNING {file}",
                candidates,
            )
            delete_files_after_commit([name for (name,) in cursor.fetchall()])
    return Batch(deleted=deleted, found=len(keys), upper=keys[-1])

"""Bulk cases of ``make bench``: the CSV export (5), logging a segment (1) and
deleting canceled entries (2), each against hand-written SQL doing the same
work. Shared helpers and the context are in :mod:`bench.cases`."""

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.utils import timezone, translation

from bench.cases import (
    BULK_LIMIT,
    CASE_DELETE,
    CASE_EXPORT,
    CASE_SEGMENT,
    EXPORT_URL,
    MEMORY_LIMIT_MB,
    PROFILE_ROWS,
    Context,
    _diagnose_if_failed,
    get_ok,
)
from bench.dataset import generated_rows
from bench.harness import (
    Check,
    PeakRss,
    captured_queries,
    checkpoint,
    explain,
    in_turns,
    progress,
    python_profile,
    timed,
    top_queries,
)
from bench.segment_log import raw_insert_select
from interactions.models import (
    Attachment,
    EntryComment,
    InteractionLogEntry,
    LoggedSegment,
    OutboxMessage,
    Segment,
    TemplateContent,
)
from interactions.selectors.export import (
    ExportFormat,
    export_entries,
)
from interactions.services import (
    CanceledEntryFilter,
    delete_canceled_entries,
    log_segment,
)

EXPORT_RATIO = 1.2  # the export vs a raw COPY of its own SELECT (issue #12)


def _export_queryset() -> Any:
    """The rows of the unfiltered export: the view's own filters and sort order."""
    return export_entries({}, sort="newest")


def _copy_statement() -> tuple[ExportFormat, str]:
    """The view's header and formats, and its ``COPY (SELECT …) TO STDOUT``.

    The same SELECT as the measured side, labels, dates and decimals formatted
    in it, in the language of the bench client's requests (the site's).
    """
    with translation.override(settings.LANGUAGE_CODE):
        form = ExportFormat.current()
    return form, form.copy_statement(_export_queryset())


def _last_rows_query() -> str:
    """Export filter for the newest PROFILE_ROWS entries (a cheaper profile)."""
    last = InteractionLogEntry.objects.order_by("-entry_no").values_list(
        "entry_no", flat=True
    )[:1]
    return urlencode({"entry_no_from": max(1, last[0] - PROFILE_ROWS + 1)})


def _stream_export(client: Client, query: str = "") -> tuple[int, int]:
    """Download the export; return (bytes, lines) without keeping the body."""
    response = get_ok(client, f"{EXPORT_URL}?{query}" if query else EXPORT_URL)
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    response.close()
    return size, lines


def _copy_export(statement: str, date_style: str | None) -> int:
    """Run ``statement`` (a ``COPY … TO STDOUT``) through psycopg 3; bytes read.

    Every byte is read, block by block as psycopg hands them over; the
    ``DateStyle`` is set and reset around it as the view does.
    """
    connection.ensure_connection()
    size = 0
    with connection.connection.cursor() as cursor:
        if date_style:
            cursor.execute("SELECT set_config('DateStyle', %s, false)", [date_style])
        with cursor.copy(statement) as copy:
            for block in copy:
                size += len(block)
        if date_style:
            cursor.execute("RESET DateStyle")
    return size


def export_checks(ctx: Context) -> list[Check]:
    expected_lines = ctx.dataset.entries + 1
    form, statement = _copy_statement()
    header = len(form.header_line())
    export_samples: list[float] = []
    copy_samples: list[float] = []
    growth: list[float] = []
    sizes: dict[str, int] = {}

    def export() -> None:
        with PeakRss() as memory:
            start = time.perf_counter()
            size, lines = _stream_export(ctx.web)
            export_samples.append(time.perf_counter() - start)
        growth.append(memory.growth_mb)
        if lines != expected_lines:
            raise RuntimeError(f"The export has {lines} lines, not {expected_lines}")
        sizes["export"] = size

    def copy() -> None:
        start = time.perf_counter()
        sizes["copy"] = _copy_export(statement, form.date_style)
        copy_samples.append(time.perf_counter() - start)

    for run in range(ctx.heavy_runs):
        progress(f"  export run {run + 1}/{ctx.heavy_runs}")
        in_turns(run, copy, export)
        # The same bytes on both sides (the export adds its header line).
        if sizes["export"] != sizes["copy"] + header:
            raise RuntimeError(
                f"The export wrote {sizes['export']:,} bytes, the COPY "
                f"{sizes['copy']:,} + a {header}-byte header"
            )
    checks = [
        Check.timed(
            CASE_EXPORT,
            f"GET {EXPORT_URL} ({ctx.dataset.entries:,} rows, streamed)",
            export_samples,
            "COPY (the view's SELECT) TO STDOUT (psycopg 3)",
            copy_samples,
            kind="max_ratio",
            limit=EXPORT_RATIO,
        ),
        Check(
            case=CASE_EXPORT,
            what="RSS growth during the export (max of runs)",
            value=max(growth),
            unit="MB",
            kind="max_value",
            limit=MEMORY_LIMIT_MB,
            runs=len(growth),
            samples=growth,
        ),
    ]
    _diagnose_if_failed(checks, lambda: _export_diagnosis(ctx.web))
    return checks


def _export_diagnosis(client: Client) -> dict[str, Any]:
    """Split the export's time: the COPY alone vs the view around it."""
    form, statement = _copy_statement()
    select = statement.removeprefix("COPY (").rsplit(") TO STDOUT", 1)[0]
    return {
        "COPY of the view's SELECT alone, ms": round(
            timed(lambda: _copy_export(statement, form.date_style)) * 1000
        ),
        "the whole view (test client, read to the end), ms": round(
            timed(lambda: _stream_export(client)) * 1000
        ),
        f"Python profile of an export of the last {PROFILE_ROWS:,} entries "
        "(own time)": "\n".join(
            python_profile(lambda: _stream_export(client, _last_rows_query()))
        ),
        "EXPLAIN ANALYZE of the export's SELECT": explain(select),
    }


# --- 1. Log a segment ---------------------------------------------------------------


def _vacuum_entries() -> None:
    """Clear the dead rows a rolled-back or deleted run left behind."""
    with connection.cursor() as cursor:
        for model in (InteractionLogEntry, EntryComment):
            cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")


def _logged_content(segment_no: str) -> dict[tuple[Any, ...], int]:
    """What the logged entries recorded as sent: (language, subject, the
    attachment's subject, body, file, read-only) → entries, and how many
    attachments they use — both sides of case 1 must write the same."""
    entries = InteractionLogEntry.objects.filter(segment_no=segment_no)
    recorded = {
        tuple(row[:-1]): row[-1]
        for row in entries.order_by()
        .values_list(
            "language",
            "subject",
            "attachment__subject",
            "attachment__body",
            "attachment__file",
            "attachment__read_only",
        )
        .annotate(entries=Count("pk"))
    }
    copies = entries.exclude(attachment=None).values("attachment").distinct()
    recorded[("attachments",)] = copies.count()
    return recorded


def _rolled_back(
    prepare: Callable[[], Callable[[], Any]], segment_no: str, expected: int
) -> tuple[float, dict[tuple[Any, ...], int]]:
    """Seconds the function made by ``prepare()`` takes, then roll everything back.

    ``prepare`` runs untimed in the same transaction. Afterwards (untimed,
    before the rollback) the entries carrying the segment's number are
    counted, so both sides provably inserted them all, and what they recorded
    as sent is returned (:func:`_logged_content`) for the caller to compare.
    """
    with transaction.atomic():
        try:
            measured = prepare()
            checkpoint()
            elapsed = timed(measured)
            count = InteractionLogEntry.objects.filter(segment_no=segment_no).count()
            if count != expected:
                raise RuntimeError(f"Inserted {count} entries, expected {expected}")
            recorded = _logged_content(segment_no)
        finally:
            transaction.set_rollback(True)
    _vacuum_entries()
    return elapsed, recorded


def segment_checks(ctx: Context) -> list[Check]:
    data = ctx.dataset
    segment = Segment.objects.get(no=data.segment_no)
    expected = data.segment_lines

    def service() -> None:
        log_segment(segment=segment, actor=ctx.user)

    def raw() -> Callable[[], Any]:
        logged = LoggedSegment.objects.create(
            segment_no=f"{segment.no}-RAW",
            description=segment.description,
            date=timezone.localdate(),
        )
        return lambda: raw_insert_select(segment, logged)

    service_samples: list[float] = []
    raw_samples: list[float] = []
    recorded: dict[str, dict[tuple[Any, ...], int]] = {}

    def run_side(name: str, prepare: Callable[[], Callable[[], Any]]) -> None:
        elapsed, recorded[name] = _rolled_back(prepare, segment.no, expected)
        (raw_samples if name == "raw" else service_samples).append(elapsed)

    for run in range(ctx.heavy_runs):
        progress(f"  log segment run {run + 1}/{ctx.heavy_runs}")
        in_turns(
            run,
            lambda: run_side("raw", raw),
            lambda: run_side("service", lambda: service),
        )
        if recorded["raw"] != recorded["service"]:
            raise RuntimeError(
                "The baseline recorded other content than log_segment: "
                f"{recorded['raw']} != {recorded['service']}"
            )
    checks = [
        Check.timed(
            CASE_SEGMENT,
            f"log_segment ({expected:,} lines)",
            service_samples,
            "raw INSERT … SELECT of the same rows and attachments, "
            "segment deleted (`bench/segment_log.py`)",
            raw_samples,
            kind="max_ratio",
            limit=BULK_LIMIT,
            detail="each run in a transaction rolled back afterwards (commit "
            "excluded from both sides); entries table vacuumed between runs; "
            f"both sides store the same {recorded['service'][('attachments',)]:,} "
            "attachment(s) and subjects (checked every run); the baseline also "
            "deletes the segment, as logging does",
        )
    ]

    def diagnose() -> dict[str, Any]:
        with transaction.atomic():
            with captured_queries() as queries:
                service()
            transaction.set_rollback(True)
        _vacuum_entries()
        return {
            "statements": len(queries.captured_queries),
            "slowest statements": top_queries(queries.captured_queries, 5),
        }

    _diagnose_if_failed(checks, diagnose)
    return checks


# --- 2. Delete canceled entries ----------------------------------------------------

BACKUP_ENTRIES = "bench_backup_canceled_entries"
BACKUP_COMMENTS = "bench_backup_canceled_comments"
BACKUP_OUTBOX = "bench_backup_canceled_outbox"
BACKUP_ATTACHMENTS = "bench_backup_canceled_attachments"
BACKUPS = (BACKUP_ENTRIES, BACKUP_COMMENTS, BACKUP_OUTBOX, BACKUP_ATTACHMENTS)


def _backup_canceled() -> int:
    """Keep a copy of the canceled entries and of every row deleted with them
    (comments, outbox messages, attachments) to restore them; return how
    many attachments the canceled entries have."""
    entries = InteractionLogEntry._meta.db_table
    dependents = {
        BACKUP_COMMENTS: (EntryComment._meta.db_table, "entry_id"),
        BACKUP_OUTBOX: (OutboxMessage._meta.db_table, "entry_id"),
    }
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {', '.join(BACKUPS)}")
        cursor.execute(
            f"CREATE UNLOGGED TABLE {BACKUP_ENTRIES} AS SELECT * FROM {entries} "
            "WHERE canceled AND NOT postponed"
        )
        for backup, (table, column) in dependents.items():
            cursor.execute(
                f"CREATE UNLOGGED TABLE {backup} AS SELECT d.* FROM {table} d "
                f"JOIN {BACKUP_ENTRIES} e ON e.entry_no = d.{column}"
            )
        cursor.execute(
            f"CREATE UNLOGGED TABLE {BACKUP_ATTACHMENTS} AS SELECT * FROM "
            f"{Attachment._meta.db_table} WHERE id IN "
            f"(SELECT attachment_id FROM {BACKUP_ENTRIES})"
        )
        cursor.execute(f"SELECT count(*) FROM {BACKUP_ATTACHMENTS}")
        (attachments,) = cursor.fetchone()
    return attachments


def _restore_canceled() -> None:
    """Put the deleted rows back as they were (their references still exist)."""
    restore = [
        (Attachment._meta.db_table, BACKUP_ATTACHMENTS),
        (InteractionLogEntry._meta.db_table, BACKUP_ENTRIES),
        (EntryComment._meta.db_table, BACKUP_COMMENTS),
        (OutboxMessage._meta.db_table, BACKUP_OUTBOX),
    ]
    with transaction.atomic(), generated_rows(), connection.cursor() as cursor:
        for table, backup in restore:
            # A shared attachment still in use was not deleted.
            cursor.execute(
                f"INSERT INTO {table} SELECT * FROM {backup} ON CONFLICT DO NOTHING"
            )
    _vacuum_entries()


def _drop_backup() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {', '.join(BACKUPS)}")


def _raw_delete() -> int:
    """The baseline: the service's deletions as hand-written ``DELETE`` statements.

    The attachments nothing else uses (no entry left, no template content, no
    segment), then the entries — their comments and outbox messages go with
    them, as the foreign keys cascade in the database (migration 0016) — in
    one transaction, committed.
    """
    entries = InteractionLogEntry._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {Attachment._meta.db_table} a WHERE a.id IN "
            f"(SELECT attachment_id FROM {entries} WHERE canceled AND NOT postponed) "
            f"AND NOT EXISTS (SELECT 1 FROM {entries} e WHERE e.attachment_id = a.id "
            "AND NOT (e.canceled AND NOT e.postponed)) "
            f"AND NOT EXISTS (SELECT 1 FROM {TemplateContent._meta.db_table} c "
            "WHERE c.attachment_id = a.id) "
            f"AND NOT EXISTS (SELECT 1 FROM {Segment._meta.db_table} s "
            "WHERE s.attachment_id = a.id) RETURNING a.file"
        )
        cursor.fetchall()  # the files to remove after commit (none in the data)
        cursor.execute(f"DELETE FROM {entries} WHERE canceled AND NOT postponed")
        return cursor.rowcount


def _check_dependents_deleted() -> None:
    """Both sides must delete the same rows: no comment or outbox message of
    a deleted entry may be left (checked after every run, untimed)."""
    backups = {EntryComment: BACKUP_COMMENTS, OutboxMessage: BACKUP_OUTBOX}
    with connection.cursor() as cursor:
        for model, backup in backups.items():
            cursor.execute(
                f"SELECT count(*) FROM {model._meta.db_table} "
                f"WHERE id IN (SELECT id FROM {backup})"
            )
            (left,) = cursor.fetchone()
            if left:
                raise RuntimeError(f"{left} {model.__name__} rows were not deleted")


def delete_checks(ctx: Context) -> list[Check]:
    expected = ctx.dataset.canceled

    def service() -> int:
        return delete_canceled_entries(actor=ctx.user, filters=CanceledEntryFilter())

    def measured(fn: Callable[[], int]) -> tuple[float, float]:
        """Seconds and RSS growth of one deletion; the rows are restored after.

        Restoring 500,000 rows writes as much WAL as deleting them: each side
        starts after a checkpoint (:func:`bench.harness.checkpoint`).
        """
        checkpoint()
        with PeakRss() as memory:
            start = time.perf_counter()
            count = fn()
            elapsed = time.perf_counter() - start
        _check_dependents_deleted()
        _restore_canceled()
        if count != expected:
            raise RuntimeError(f"Deleted {count} entries, expected {expected}")
        return elapsed, memory.growth_mb

    attachments = _backup_canceled()
    service_samples: list[float] = []
    raw_samples: list[float] = []
    growth: list[float] = []
    try:

        def run_service() -> None:
            elapsed, grown = measured(service)
            service_samples.append(elapsed)
            growth.append(grown)

        for run in range(ctx.heavy_runs):
            progress(f"  delete run {run + 1}/{ctx.heavy_runs}")
            in_turns(
                run, lambda: raw_samples.append(measured(_raw_delete)[0]), run_service
            )
        checks = [
            Check.timed(
                CASE_DELETE,
                f"delete_canceled_entries ({expected:,} of {ctx.dataset.entries:,})",
                service_samples,
                "raw DELETE (orphaned attachments, then entries; their "
                "comments and outbox messages cascade)",
                raw_samples,
                kind="max_ratio",
                limit=BULK_LIMIT,
                detail="both commit; the service in batches of "
                f"{settings.CRM_DELETE_BATCH_SIZE} (one transaction each); both "
                "delete the same comments, outbox messages (checked every run) "
                f"and orphaned attachments ({attachments:,} attachments on the "
                "canceled entries); the deleted rows are restored and the table "
                "vacuumed after every run, then a checkpoint (untimed) before "
                "each side",
            ),
            Check(
                case=CASE_DELETE,
                what="RSS growth during delete_canceled_entries (max of runs)",
                value=max(growth),
                unit="MB",
                kind="max_value",
                limit=MEMORY_LIMIT_MB,
                runs=len(growth),
                samples=growth,
            ),
        ]

        def diagnose() -> dict[str, Any]:
            with captured_queries() as queries:
                service()
            _restore_canceled()
            return {
                "statements": len(queries.captured_queries),
                "slowest statements": top_queries(queries.captured_queries, 5),
            }

        _diagnose_if_failed(checks, diagnose)
    finally:
        _drop_backup()
    return checks

"""Measure logging a large segment on PostgreSQL (DESIGN.md §8, first case).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/crm_x \
        .venv/bin/python bench/segment_log.py [--lines 100000] [--runs 3]

Builds the data set-based (contacts with ``generate_series``, lines with the
``add_contacts`` service, itself one ``INSERT … SELECT``), then times
``log_segment`` and, as the baseline, hand-written SQL doing the same writes
(:func:`raw_insert_select`: the attachments, the entries, the segment
deleted), each run inside a savepoint that is rolled back. Everything happens in
one transaction that is rolled back at the end, so the database is left as
it was (it must be migrated). Prints the times and the statement count.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interactions_crm.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from contacts.models import Contact, Salesperson  # noqa: E402
from interactions.models import (  # noqa: E402
    Attachment,
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
    LoggedSegment,
    Segment,
    SegmentContent,
    SegmentCriteriaAction,
    SegmentLine,
    TemplateContent,
)
from interactions.services import (  # noqa: E402
    add_contacts,
    create_segment,
    figures,
    log_segment,
)

PREFIX = "BENCHSEG"


class Rollback(Exception):
    """Leaves the database exactly as it was."""


def insert_contacts(count: int) -> None:
    """``count`` persons in one statement; unlisted columns get model defaults."""
    expressions = {
        "no": f"'{PREFIX}' || lpad(n::text, 7, '0')",
        "type": "'person'",
        "name": "'Bench person ' || n",
        "email": "'p' || n || '@bench.example'",
        "city": "'Oslo'",
        "language": "CASE WHEN n %% 3 = 0 THEN 'nb' ELSE '' END",
        "correspondence_type": "CASE WHEN n %% 2 = 0 THEN 'email' ELSE '' END",
        "created_at": "now()",
        "updated_at": "now()",
    }
    columns, values, params = [], [], []
    for field in Contact._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.name in expressions:
            values.append(expressions[field.name])
        else:
            values.append("%s")
            params.append(field.get_db_prep_save(field.get_default(), connection))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Contact._meta.db_table} ({', '.join(columns)}) "
            f"SELECT {', '.join(values)} FROM generate_series(1, %s) AS n",
            [*params, count],
        )


def raw_insert_select(segment: Segment, logged: LoggedSegment) -> int:
    """The baseline: the service's rows in hand-written SQL, nothing more.

    ``log_segment`` stores the content each contact gets and consumes the
    segment, so the baseline does the same writes: one read-only attachment
    per language of the segment's content (the bench content has no merge
    field, so every contact of a language gets the same copy), the entries
    straight from the lines with that copy's id and subject (the language's
    content, else the default language's), then the segment's lines,
    contents, criteria actions and header are deleted. The contact figures
    get the service's one set-based statement.
    """
    quote = connection.ops.quote_name
    copied = [
        field
        for field in SegmentLine._meta.concrete_fields
        if field.name not in ("id", "segment", "subject", "date")
    ]
    columns = [quote(field.column) for field in copied]
    values = [f"l.{quote(field.column)}" for field in copied]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Attachment._meta.db_table} (file, file_name, "
            "content_type, subject, body, read_only, created_at) "
            "SELECT '', '', '', subject, body, true, now() "
            f"FROM {SegmentContent._meta.db_table} WHERE segment_id = %s "
            "ORDER BY language RETURNING id, subject",
            [segment.pk],
        )
        copies = cursor.fetchall()
        # The same order as the INSERT's (the database's collation).
        languages = segment.contents.order_by("language").values_list(
            "language", flat=True
        )
        by_language = dict(zip(languages, copies, strict=True))
        default = by_language[segment.language]
        other = {
            code: copy for code, copy in by_language.items() if code != segment.language
        }
        when = " ".join("WHEN %s THEN %s" for _code in other)
        copy_id = f"CASE l.language {when} ELSE %s END"
        copy_params = [v for code, copy in other.items() for v in (code, copy[0])]
        subject_params = [v for code, copy in other.items() for v in (code, copy[1])]
        extra = {
            "date": ("coalesce(l.date, current_date)", []),
            "time": ("localtime(0)", []),
            "subject": (copy_id, [*subject_params, default[1]]),
            "group_id": ("t.group_id", []),
            "delivery_status": ("''", []),
            "segment_no": ("%s", [segment.no]),
            "logged_segment_id": ("%s", [logged.pk]),
            "attachment_id": (copy_id, [*copy_params, default[0]]),
            "document_type": ("''", []),
            "document_no": ("''", []),
            "version_no": ("0", []),
            "doc_occurrence": ("0", []),
            "opportunity_ref": ("''", []),
            "created_at": ("now()", []),
            "canceled": ("false", []),
            "cancel_reason": ("''", []),
            "canceled_with_segment": ("false", []),
            "postponed": ("false", []),
        }
        columns += [quote(column) for column in extra]
        values += [sql for sql, _params in extra.values()]
        params = [
            param for _sql, extra_params in extra.values() for param in extra_params
        ]
        cursor.execute(
            f"INSERT INTO {InteractionLogEntry._meta.db_table} ({', '.join(columns)}) "
            f"SELECT {', '.join(values)} "
            f"FROM {SegmentLine._meta.db_table} l "
            f"JOIN {InteractionTemplate._meta.db_table} t ON t.id = l.template_id "
            "WHERE l.segment_id = %s ORDER BY l.id",
            [*params, segment.pk],
        )
        inserted = cursor.rowcount
        # The contact figures the service maintains: the same one statement
        # (INSERT … SELECT … GROUP BY … ON CONFLICT DO UPDATE), so the
        # comparison stays like for like.
        figures.add_logged_segment(logged.pk)
        for model in (SegmentLine, SegmentContent, SegmentCriteriaAction):
            cursor.execute(
                f"DELETE FROM {model._meta.db_table} WHERE segment_id = %s",
                [segment.pk],
            )
        cursor.execute(
            f"DELETE FROM {Segment._meta.db_table} WHERE id = %s", [segment.pk]
        )
        return inserted


def timed(function) -> tuple[float, object]:
    savepoint = transaction.savepoint()
    start = time.perf_counter()
    try:
        result = function()
        return time.perf_counter() - start, result
    finally:
        transaction.savepoint_rollback(savepoint)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run this on PostgreSQL (DATABASE_URL=postgresql://…).")
    try:
        with transaction.atomic():
            run(args.lines, args.runs)
            raise Rollback
    except Rollback:
        pass


def run(lines: int, runs: int) -> None:
    start = time.perf_counter()
    insert_contacts(lines)
    group = InteractionGroup.objects.create(code=f"{PREFIX}G")
    template = InteractionTemplate.objects.create(
        code=f"{PREFIX}T", group=group, description="Bench mailing", unit_cost=1
    )
    TemplateContent.objects.create(template=template, language="", subject="Hi")
    TemplateContent.objects.create(template=template, language="nb", subject="Hei")
    salesperson = Salesperson.objects.create(code=f"{PREFIX}S", name="Bench")
    segment = create_segment(
        actor=None,
        description="Bench segment",
        template=template,
        salesperson=salesperson,
    )
    added_in, added = timed_keep(
        lambda: add_contacts(
            segment=segment, actor=None, criteria={"name": "Bench person"}
        )
    )
    built = time.perf_counter() - start
    print(f"data: {lines:,} contacts and {added:,} lines in {built:.1f} s")
    print(f"  add_contacts ({added:,} lines, one INSERT … SELECT): {added_in:.2f} s")

    raw_times, log_times, statements = [], [], 0
    for run_no in range(runs):
        logged = LoggedSegment.objects.create(
            segment_no=f"{PREFIX}-RAW{run_no}",
            description="raw",
            date=timezone.localdate(),
        )
        seconds, count = timed(lambda logged=logged: raw_insert_select(segment, logged))
        assert count == added
        raw_times.append(seconds)

        def service() -> int:
            with CaptureQueriesContext(connection) as queries:
                logged = log_segment(segment=segment, actor=None)
            assert logged.entries.count() == added
            if os.environ.get("BENCH_VERBOSE"):
                for query in queries.captured_queries:
                    print(f"    {float(query['time']):7.3f} s  {query['sql'][:90]}")
            return len(queries.captured_queries)

        seconds, statements = timed(service)
        log_times.append(seconds)
        print(
            f"  run {run_no + 1}: raw INSERT … SELECT {raw_times[-1]:.2f} s, "
            f"log_segment {log_times[-1]:.2f} s"
        )
    raw, logged_in = statistics.median(raw_times), statistics.median(log_times)
    print(
        f"log_segment, {added:,} lines: median {logged_in:.2f} s "
        f"({statements} SQL statements, savepoints included); "
        f"raw INSERT … SELECT median {raw:.2f} s; ratio {logged_in / raw:.2f} "
        "(budget ≤ 1.2)"
    )


def timed_keep(function) -> tuple[float, object]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


if __name__ == "__main__":
    main()

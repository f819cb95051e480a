"""``make bench``: build the dataset, run the cases of DESIGN.md §8, report.

Environment:

* ``DATABASE_URL`` — a PostgreSQL database whose name contains ``bench``
  (default ``postgresql://postgres@127.0.0.1:5432/crm_bench``). It is created
  when missing and migrated; its interaction tables are EMPTIED and refilled.
  Case 6 (cost growth) uses a second database beside it, the same name with
  ``_small`` (``crm_bench_small``), for its log of 10,000 entries: created,
  migrated and refilled the same way (and left in place), so that its pages
  are timed in turns with the full log's (:mod:`bench.databases`). Without
  case 6 that database is not touched.
* ``BENCH_SCALE`` — 1.0 (default) is 100,000 contacts and 1,000,000 entries;
  0.01 makes a smoke run of a few seconds.
* ``BENCH_RUNS`` (default 40) timed runs of each request case after a few
  warm-up ones; ``BENCH_HEAVY_RUNS`` runs of each bulk case (default 3, or 5
  at ``BENCH_SCALE`` ≤ 0.1).
* ``BENCH_CASES`` — a comma-separated subset of the cases (``1,2``) for work
  on one of them. A partial run writes ``bench/results.json`` only: the table
  in ``docs/benchmarks.md`` is generated from whole runs.

Writes ``bench/results.json`` and the generated section of
``docs/benchmarks.md``. Exits 1 when a budget is missed, 0 otherwise.
"""

import os
import platform
import sys
import time
import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/crm_bench"
RESULTS = ROOT / "bench" / "results.json"
REPORT = ROOT / "docs" / "benchmarks.md"
REPORT_TITLE = "# Benchmarks\n"
# The growth case compares the full log with one of this size (DESIGN §8).
SMALL_CONTACTS = 1_000
SMALL_ENTRIES = 10_000


def configure() -> str:
    """Environment for Django; return the database URL after checking it."""
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interactions_crm.settings")
    # Pages render without a collected static manifest.
    os.environ.setdefault("STATIC_MANIFEST", "0")
    warnings.filterwarnings("ignore", message="No directory at", module="django")
    import dj_database_url

    parsed = dj_database_url.parse(url)
    if "postgresql" not in parsed["ENGINE"]:
        sys.exit("make bench needs PostgreSQL: set DATABASE_URL=postgresql://…")
    if "bench" not in parsed["NAME"]:
        sys.exit(
            f"Refusing to empty database {parsed['NAME']!r}: the benchmark refills "
            "its tables. Use a database whose name contains 'bench' "
            f"(default {DEFAULT_DATABASE_URL})."
        )
    return url


def ensure_database(url: str) -> None:
    """Create the benchmark database when it does not exist yet."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    parsed = dj_database_url.parse(url)
    conninfo = {
        "host": parsed["HOST"] or None,
        "port": parsed["PORT"] or None,
        "user": parsed["USER"] or None,
        "password": parsed["PASSWORD"] or None,
        "dbname": "postgres",
    }
    with psycopg.connect(
        **{k: v for k, v in conninfo.items() if v}, autocommit=True
    ) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [parsed["NAME"]]
        ).fetchone()
        if not exists:
            conn.execute(
                sql.SQL("CREATE DATABASE {}").format(sql.Identifier(parsed["NAME"]))
            )


def env_number(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        sys.exit(f"{name} must be a number")


def machine() -> str:
    from django.db import connection

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(
                line.split(":", 1)[1].strip()
                for line in info
                if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    import django

    return (
        f"{os.cpu_count()} CPU ({cpu}), {memory:.0f} GiB RAM, shared with other "
        f"work; PostgreSQL {server} on the same machine; Python "
        f"{platform.python_version()}, Django {django.get_version()}"
    )


ALL_CASES = ("1", "2", "3", "4", "5", "6", "7", "8", "9")


def selected_cases() -> set[str]:
    """The cases named by ``BENCH_CASES`` (all when unset)."""
    raw = os.environ.get("BENCH_CASES", "").strip()
    if not raw:
        return set(ALL_CASES)
    chosen = {part.strip() for part in raw.split(",") if part.strip()}
    unknown = chosen - set(ALL_CASES)
    if unknown or not chosen:
        sys.exit(
            f"BENCH_CASES: unknown case(s) {', '.join(sorted(unknown)) or raw!r}; "
            f"the cases are {', '.join(ALL_CASES)}"
        )
    return chosen


def main() -> int:
    started = time.monotonic()
    load_before = os.getloadavg()
    url = configure()
    scale = env_number("BENCH_SCALE", 1.0)
    # 40: a request case's samples spread ±40 % on this shared machine; the
    # median of 15 moved a ratio by ±0.1 between runs of the same code.
    runs = int(env_number("BENCH_RUNS", 40))
    # Bulk cases are cheap on a small log, so they get more runs there.
    heavy_runs = int(env_number("BENCH_HEAVY_RUNS", 5 if scale <= 0.1 else 3))
    if scale <= 0 or runs < 1 or heavy_runs < 1:
        sys.exit("BENCH_SCALE must be > 0, BENCH_RUNS and BENCH_HEAVY_RUNS ≥ 1")
    selected = selected_cases()
    ensure_database(url)

    import dj_database_url
    import django

    django.setup()
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connections

    from bench import bulk_cases, cases, page_cases
    from bench.databases import SMALL, add_alias, on_database, small_database_url
    from bench.dataset import DatasetSpec, build_dataset
    from bench.harness import (
        generated_section,
        progress,
        write_report,
        write_results,
    )

    progress(f"migrating {url.rsplit('/', 1)[-1]}")
    call_command("migrate", verbosity=0, interactive=False)

    small = small_ctx = None
    if "6" in selected:
        # The growth case's small log: a database of its own, timed in turns
        # with the full one once that is built (bench/databases.py).
        small_url = small_database_url(url)
        ensure_database(small_url)
        small_name = dj_database_url.parse(small_url)["NAME"]
        add_alias(SMALL, small_name)
        small_spec = DatasetSpec.sized(contacts=SMALL_CONTACTS, entries=SMALL_ENTRIES)
        with on_database(SMALL):
            progress(f"migrating {small_name}")
            call_command("migrate", verbosity=0, interactive=False)
            progress(
                f"building the small dataset ({small_spec.entries:,} entries) "
                f"in {small_name}"
            )
            small = build_dataset(small_spec)
        small_ctx = cases.make_context(
            small, runs=runs, heavy_runs=heavy_runs, database=SMALL
        )
        # Django caches content types per alias ("default" then stood for the
        # small database, whose migration read them): the main one's ids may
        # differ.
        ContentType.objects.clear_cache()

    spec = DatasetSpec.for_scale(scale)
    progress(
        f"building the dataset: {spec.contacts:,} contacts, {spec.entries:,} entries"
    )
    build_started = time.monotonic()
    dataset = build_dataset(spec)
    build_seconds = time.monotonic() - build_started
    progress(f"  built in {build_seconds:.1f} s: {dataset.as_dict()}")
    ctx = cases.make_context(dataset, runs=runs, heavy_runs=heavy_runs)
    # The requests are timed in a process settled as a web process is
    # (interactions_crm/wsgi.py): URLconf loaded, startup objects frozen.
    from interactions_crm.platform.startup import settle

    settle()

    results: dict[str, list] = {}
    if small_ctx is not None:
        progress("case 6: the same pages on the small and the full log, in turns")
        results["6"] = cases.growth_checks(small_ctx, ctx)
        connections[SMALL].close()

    def throughput(ctx: cases.Context) -> list:
        from bench.throughput import throughput_checks

        return throughput_checks(
            url,
            cases.bench_user()[1],
            dataset.filter_group,
            seconds=env_number("BENCH_LOAD_SECONDS", 30 if scale >= 1 else 9),
        )

    def outbox(_ctx: cases.Context) -> list:
        from bench.outbox import outbox_checks

        return outbox_checks(scale)

    # In this order: the request cases first (case 9 plans the queries cases 3
    # and 4 collected), the bulk ones last (they write to the log).
    order: list[tuple[str, str, Callable[[cases.Context], list]]] = [
        ("4", "contact timeline", page_cases.timeline_checks),
        ("3", "API list", page_cases.api_checks),
        (
            "9",
            "planning and execution of the hot queries",
            lambda ctx: page_cases.planning_checks(ctx, ctx.hot),
        ),
        ("8", "gunicorn throughput", throughput),
        ("5", "CSV export", bulk_cases.export_checks),
        ("1", "log a segment", bulk_cases.segment_checks),
        ("2", "delete canceled entries", bulk_cases.delete_checks),
        ("7", "outbox throughput", outbox),
    ]
    for case, label, run_case in order:
        if case in selected:
            progress(f"case {case}: {label}")
            results[case] = run_case(ctx)

    checks = [check for key in sorted(results) for check in results[key]]
    meta: dict[str, Any] = {
        "finished_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "scale": scale,
        "runs": runs,
        "heavy_runs": heavy_runs,
        "dataset": dataset.as_dict(),
        "small_dataset": small.as_dict() if small is not None else None,
        "cases": sorted(selected),
        "build_seconds": round(build_seconds, 1),
        "duration_s": round(time.monotonic() - started, 1),
        "machine": machine(),
        # 1-minute load average when the run started and ended: on a shared
        # machine, other work inflates wall-clock times (ratios less so).
        "load_average": [round(load_before[0], 1), round(os.getloadavg()[0], 1)],
    }
    write_results(RESULTS, meta, checks)
    whole = selected == set(ALL_CASES)
    if whole:
        if not REPORT.exists():
            REPORT.write_text(REPORT_TITLE)
        write_report(REPORT, generated_section(meta, checks))
    failed = [c for c in checks if not c.passed]
    for check in checks:
        status = "FAIL" if not check.passed else "ok"
        ratio = f" ratio {check.ratio:.2f}" if check.ratio is not None else ""
        progress(
            f"{status:4} {check.case} — {check.what}: {check.value:.2f} "
            f"{check.unit}{ratio} (budget {check.budget})"
        )
    progress(
        f"done in {meta['duration_s']:.0f} s: {len(failed)} budget(s) missed; "
        f"wrote {RESULTS.relative_to(ROOT)}"
        + (f" and {REPORT.relative_to(ROOT)}" if whole else " (partial run)")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

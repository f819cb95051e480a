"""The cases of ``make bench``: the shared context and helpers, and cost growth (6).

The request cases (3, 4, 9) are in :mod:`bench.page_cases`, the bulk cases
(1, 2, 5) in :mod:`bench.bulk_cases`, gunicorn throughput (8) in
:mod:`bench.throughput` and the outbox (7) in :mod:`bench.outbox`.

Every case function takes the shared :class:`Context` and returns its
:class:`~bench.harness.Check` rows. Request cases go through Django's test
``Client`` (the whole middleware, authentication and rendering stack, no
network); bulk cases call the services directly, as a view or task would.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.models import User
from django.db import DEFAULT_DB_ALIAS
from django.http import HttpResponse
from django.test import Client

from bench.databases import on_database
from bench.dataset import Dataset
from bench.harness import (
    Check,
    captured_queries,
    checkpoint,
    explain_slowest,
    median_ms,
    python_profile,
    sample_round_robin,
    top_queries,
)
from interactions.models import InteractionLogEntry
from interactions_crm.platform.api.auth import issue_token

API_LIST = "/api/v1/interactions/"
EXPORT_URL = "/interactions/export/"
LOG_PAGE = "/interactions/"
DEEP_ROWS = 10_000
API_PAGE = 50
API_FASTER = 20  # list pages vs the ModelViewSet's page 201
API_DEEP_RATIO = 1.2  # 10,000 rows deep vs the first page
MEMORY_LIMIT_MB = 100
# Issue #12: bulk work and cost growth keep what was measured (≤ 1.2 ×).
GROWTH_LIMIT = 1.2
BULK_LIMIT = 1.2
PROFILE_ROWS = 100_000  # the export's Python profile covers this many rows
ORDERING = ("-date", "-entry_no")

CASE_SEGMENT = "1. Log a segment"
CASE_DELETE = "2. Delete canceled entries"
CASE_API = "3. API list, filtered"
CASE_TIMELINE = "4. Contact timeline"
CASE_EXPORT = "5. CSV export"
CASE_GROWTH = "6. Cost growth"
CASE_PLANNING = "9. Query planning"


@dataclass
class Context:
    """What every case needs: the dataset, a user, clients, how often to run."""

    dataset: Dataset
    user: User
    api: Client
    web: Client
    runs: int
    heavy_runs: int
    warmup: int
    # URL -> median CPU ms of this process (Python side of a request).
    cpu_ms: dict[str, float] = field(default_factory=dict)
    # The hot requests whose queries case 9 explains: what → (client, URL).
    hot: dict[str, tuple[Client, str]] = field(default_factory=dict)
    # The connection alias of the dataset's database (the growth case's small
    # log has its own: bench.databases).
    database: str = DEFAULT_DB_ALIAS


def bench_user() -> tuple[User, str]:
    """A superuser for the benchmark and its API token (created once)."""
    user, _created = User.objects.get_or_create(
        username="bench", defaults={"is_staff": True, "is_superuser": True}
    )
    return user, issue_token(actor=None, user=user).key


def make_context(
    dataset: Dataset, *, runs: int, heavy_runs: int, database: str = DEFAULT_DB_ALIAS
) -> Context:
    """The context of ``dataset``, built in ``database`` (the clients' user,
    API token and session are rows of that database)."""
    with on_database(database):
        user, key = bench_user()
        web = Client()
        web.force_login(user)
    return Context(
        dataset=dataset,
        user=user,
        api=Client(headers={"Authorization": f"Token {key}"}),
        web=web,
        runs=runs,
        heavy_runs=heavy_runs,
        warmup=max(1, runs // 5),
        database=database,
    )


def get_ok(client: Client, url: str) -> HttpResponse:
    """GET ``url``, insist on 200 and read the whole body."""
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    if not response.streaming:
        response.content  # noqa: B018 - rendering is part of the cost
    return response


def time_gets(ctx: Context, pages: dict[str, tuple[Client, str]]) -> dict:
    """Wall-clock timings of GET for each (client, URL), taken in turns.

    Returns name → list of seconds; each URL's Python CPU median goes to
    ``ctx.cpu_ms`` for the notes.
    """
    calls = {
        name: (lambda client=client, url=url: get_ok(client, url))
        for name, (client, url) in pages.items()
    }
    results = sample_round_robin(calls, runs=ctx.runs, warmup=ctx.warmup)
    for name, (_client, url) in pages.items():
        ctx.cpu_ms[url] = median_ms(results[name][1])
    return {name: wall for name, (wall, _cpu) in results.items()}


def cpu_note(ctx: Context, *urls: str) -> str:
    """ "Python CPU a / b ms" for the URLs timed with :func:`time_gets`."""
    values = " / ".join(f"{ctx.cpu_ms[url]:.1f}" for url in urls if url in ctx.cpu_ms)
    return f"Python CPU median {values} ms" if values else ""


def request_diagnosis(client: Client, url: str) -> dict[str, Any]:
    """Where one request spends its time: SQL, the slowest plan, Python."""
    with captured_queries() as queries:
        get_ok(client, url)
    return {
        "queries": len(queries.captured_queries),
        "slowest statements": top_queries(queries.captured_queries),
        "EXPLAIN ANALYZE of the slowest SELECT": explain_slowest(
            queries.captured_queries
        ),
        "Python profile (own time, one request)": "\n".join(
            python_profile(lambda: get_ok(client, url))
        ),
    }


def query_count(client: Client, url: str) -> int:
    with captured_queries() as queries:
        get_ok(client, url)
    return len(queries.captured_queries)


def _diagnose_if_failed(checks: list[Check], diagnose: Callable[[], dict]) -> None:
    """Attach ``diagnose()`` to every failed check (computed once)."""
    failed = [check for check in checks if not check.passed]
    if failed:
        diagnosis = diagnose()
        for check in failed:
            check.diagnosis = diagnosis


# --- 6. Growth: the same pages on a small and on the full log ---------------------


def growth_urls(dataset: Dataset) -> dict[str, tuple[str, str]]:
    """Name → (client, URL) of the pages whose cost must not grow with the log."""
    return {
        "API list, first page (filtered)": (
            "api",
            f"{API_LIST}?{urlencode({'group': dataset.filter_group})}",
        ),
        "Log page /interactions/, first page": ("web", LOG_PAGE),
        f"Contact card, contact with {dataset.probe_entries} entries": (
            "web",
            f"/contacts/{dataset.probe_contact_no}/",
        ),
    }


def settle_database() -> None:
    """Write out the dataset build's dirty pages before the growth timings.

    Without it every page's Python CPU grew ~1.4× with the log (the small
    log's build leaves almost no dirty buffers): :func:`harness.checkpoint`.
    A ``CHECKPOINT`` covers every database of the server, the small log's too.
    """
    checkpoint()


def entries_in(ctx: Context) -> int:
    """The entries of ``ctx``'s database, counted with it in place."""
    with on_database(ctx.database):
        return InteractionLogEntry.objects.order_by().count()


def get_on(database: str, client: Client, url: str) -> HttpResponse:
    """:func:`get_ok` with ``database`` as Django's default connection."""
    with on_database(database):
        return get_ok(client, url)


def growth_checks(small: Context, ctx: Context) -> list[Check]:
    """Each page on the full log against the same page on the small one.

    The small log is in a database of its own (``small.database``, built and
    its user logged in before the full log was built). Both sides are timed
    in turns in one :func:`sample_round_robin` — every page on both logs in
    each round, in the round's own order — each request with its side's
    database in place of the default connection
    (:func:`bench.databases.on_database`), so a drift of the machine's speed
    hits both alike.
    """
    for side in (small, ctx):
        counted = entries_in(side)
        if counted != side.dataset.entries:
            raise RuntimeError(
                f"The {side.database!r} database holds {counted:,} entries, "
                f"not the {side.dataset.entries:,} built there."
            )
    settle_database()
    full_urls = growth_urls(ctx.dataset)
    small_urls = growth_urls(small.dataset)
    calls: dict[str, Callable[[], Any]] = {}
    # The same pages in the same order on both logs (the probe contact's
    # number, and at tiny scales its entries, differ: named by the full log).
    for (name, (client_name, url)), (_, small_url) in zip(
        full_urls.items(), small_urls.values(), strict=True
    ):
        calls[f"{name} (small)"] = partial(
            get_on, small.database, getattr(small, client_name), small_url
        )
        calls[f"{name} (full)"] = partial(
            get_on, ctx.database, getattr(ctx, client_name), url
        )
    results = sample_round_robin(calls, runs=ctx.runs, warmup=ctx.warmup)
    checks = []
    for name, (client_name, url) in full_urls.items():
        wall, cpu = results[f"{name} (full)"]
        small_wall, small_cpu = results[f"{name} (small)"]
        ctx.cpu_ms[url] = median_ms(cpu)
        check = Check.timed(
            CASE_GROWTH,
            f"{name} at {ctx.dataset.entries:,} entries",
            wall,
            f"same at {small.dataset.entries:,} entries",
            small_wall,
            kind="max_ratio",
            limit=GROWTH_LIMIT,
            detail=f"Python CPU median {median_ms(cpu):.1f} ms (full) / "
            f"{median_ms(small_cpu):.1f} ms (small)",
        )
        if not check.passed:
            check.diagnosis = request_diagnosis(getattr(ctx, client_name), url)
        checks.append(check)
    return checks


# --- 4. Contact timeline -----------------------------------------------------------

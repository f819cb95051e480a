"""The six cases of DESIGN.md §8, each measured against a baseline of this run.

Every case function takes the shared :class:`Context` and returns its
:class:`~bench.harness.Check` rows. Request cases go through Django's test
``Client`` (the whole middleware, authentication and rendering stack, no
network); bulk cases call the services directly, as a view or task would.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import Count
from django.http import HttpResponse
from django.test import Client, override_settings
from django.utils import timezone, translation

from bench import baseline
from bench.dataset import Dataset, generated_rows
from bench.harness import (
    Check,
    PeakRss,
    captured_queries,
    explain,
    explain_slowest,
    in_turns,
    median_ms,
    planning_times,
    progress,
    python_profile,
    sample_round_robin,
    timed,
    top_queries,
)
from bench.segment_log import raw_insert_select
from contacts.models import Contact
from interactions.api import entries as api_entries
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
from interactions_crm.platform.api.auth import issue_token
from interactions_crm.platform.keyset import encode_cursor

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


def bench_user() -> tuple[User, str]:
    """A superuser for the benchmark and its API token (created once)."""
    user, _created = User.objects.get_or_create(
        username="bench", defaults={"is_staff": True, "is_superuser": True}
    )
    return user, issue_token(actor=None, user=user).key


def make_context(dataset: Dataset, *, runs: int, heavy_runs: int) -> Context:
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


@dataclass(frozen=True)
class Timing:
    """Wall-clock samples of one page and the Python CPU median (ms)."""

    wall: list[float]
    cpu_ms: float


def settle_database() -> None:
    """Write out the dataset build's dirty pages before the growth timings.

    A build at scale 1 leaves gigabytes of dirty buffers that the
    checkpointer would otherwise write out, spread over minutes, while the
    full log's pages are timed (the small log's build leaves almost none):
    every page's Python CPU then grew ~1.4× with the log, the API list's and
    the card's alike, although the rows they render are the same. Both sides
    are timed after a ``CHECKPOINT``.
    """
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")


def growth_samples(ctx: Context) -> dict[str, Timing]:
    """Timings of :func:`growth_urls` on the current dataset (after a checkpoint)."""
    settle_database()
    pages = {
        name: (getattr(ctx, client_name), url)
        for name, (client_name, url) in growth_urls(ctx.dataset).items()
    }
    walls = time_gets(ctx, pages)
    return {
        name: Timing(wall=walls[name], cpu_ms=ctx.cpu_ms[url])
        for name, (_client, url) in pages.items()
    }


def growth_checks(
    small: dict[str, Timing], small_entries: int, ctx: Context
) -> list[Check]:
    """Each page on the full log against the same page on the small one."""
    urls = growth_urls(ctx.dataset)
    checks = []
    for name, full in growth_samples(ctx).items():
        check = Check(
            case=CASE_GROWTH,
            what=f"{name} at {ctx.dataset.entries:,} entries",
            value=median_ms(full.wall),
            unit="ms",
            kind="max_ratio",
            limit=GROWTH_LIMIT,
            baseline_what=f"same at {small_entries:,} entries",
            baseline=median_ms(small[name].wall),
            runs=len(full.wall),
            detail=f"Python CPU median {full.cpu_ms:.1f} ms (full) / "
            f"{small[name].cpu_ms:.1f} ms (small)",
            samples=full.wall,
            baseline_samples=small[name].wall,
        )
        if not check.passed:
            client_name, url = urls[name]
            check.diagnosis = request_diagnosis(getattr(ctx, client_name), url)
        checks.append(check)
    return checks


# --- 4. Contact timeline -----------------------------------------------------------

TIMELINE_RATIO = 1.1  # heavy contact / small contact
CEILING_RATIO = 3.0  # page / minimal page (or endpoint)
SMALL_ENTRIES = 10


def small_contacts(data: Dataset) -> tuple[str, int, str, int]:
    """A person with about 10 entries and the company with the fewest.

    (person no., its entries, company no., its roll-up): the ordinary contacts
    the heavy ones are compared with. Looked up through the timeline indexes
    over a window of contact ids, so it costs milliseconds at any scale.
    """
    entries = InteractionLogEntry.objects.visible()

    def counts(key: str, contacts: Any) -> list[tuple[int, int]]:
        ids = list(contacts.order_by("-id").values_list("id", flat=True)[:2000])
        rows = (
            entries.filter(**{f"{key}__in": ids})
            .order_by()
            .values_list(key)
            .annotate(n=Count("entry_no"))
        )
        return [(n, contact_id) for contact_id, n in rows]

    persons = Contact.objects.filter(type=Contact.Type.PERSON).exclude(
        no__in=(data.heavy_contact_no, data.probe_contact_no)
    )
    person_entries, person_id = min(
        counts("contact_id", persons), key=lambda r: (abs(r[0] - SMALL_ENTRIES), r[1])
    )
    companies = Contact.objects.filter(type=Contact.Type.COMPANY).exclude(
        no=data.company_no
    )
    company_entries, company_id = min(counts("contact_company_id", companies))
    person_no = Contact.objects.get(pk=person_id).no
    company_no = Contact.objects.get(pk=company_id).no
    return person_no, person_entries, company_no, company_entries


def timeline_checks(ctx: Context) -> list[Check]:
    data = ctx.dataset
    person_no, person_entries, company_no, company_entries = small_contacts(data)
    # what → (client, heavy URL, small URL, small label, ceiling URL, ceiling label)
    pages = {
        f"Contact card /contacts/<no>/, person with {data.heavy_entries:,} entries": (
            ctx.web,
            f"/contacts/{data.heavy_contact_no}/",
            f"/contacts/{person_no}/",
            f"same page, person with {person_entries} entries",
            baseline.MINIMAL_PAGE,
            "minimal staff page",
        ),
        "API contacts/{no}/interactions/, same person": (
            ctx.api,
            f"/api/v1/contacts/{data.heavy_contact_no}/interactions/",
            f"/api/v1/contacts/{person_no}/interactions/",
            f"same endpoint, person with {person_entries} entries",
            baseline.MINIMAL_API,
            "minimal DRF endpoint",
        ),
        f"Contact card, its company ({data.company_entries:,} entries, roll-up)": (
            ctx.web,
            f"/contacts/{data.company_no}/",
            f"/contacts/{company_no}/",
            f"same page, company with {company_entries} entries (roll-up)",
            baseline.MINIMAL_PAGE,
            "minimal staff page",
        ),
    }
    hot_names = (
        "Contact card, person",
        "API timeline, person",
        "Contact card, company",
    )
    for name, (client, url, *_rest) in zip(hot_names, pages.values(), strict=True):
        ctx.hot[
            f"{name} with {{:,}} entries".format(
                data.company_entries if "company" in name else data.heavy_entries
            )
        ] = (client, url)
    timed_pages: dict[str, tuple[Client, str]] = {}
    for what, (
        client,
        url,
        small_url,
        _label,
        ceiling,
        _ceiling_label,
    ) in pages.items():
        timed_pages[what] = (client, url)
        timed_pages[f"small: {what}"] = (client, small_url)
        timed_pages[f"ceiling: {ceiling}"] = (client, ceiling)
    with override_settings(ROOT_URLCONF="bench.baseline"):
        walls = time_gets(ctx, timed_pages)
        checks = []
        for what, (
            client,
            url,
            small_url,
            label,
            ceiling,
            ceiling_label,
        ) in pages.items():
            samples = walls[what]
            small_samples = walls[f"small: {what}"]
            ceiling_samples = walls[f"ceiling: {ceiling}"]
            compared = [
                Check(
                    case=CASE_TIMELINE,
                    what=what,
                    value=median_ms(samples),
                    unit="ms",
                    kind="max_ratio",
                    limit=TIMELINE_RATIO,
                    baseline_what=label,
                    baseline=median_ms(small_samples),
                    runs=len(samples),
                    detail=f"{cpu_note(ctx, url, small_url)} (heavy / small)",
                    samples=samples,
                    baseline_samples=small_samples,
                ),
                Check(
                    case=CASE_TIMELINE,
                    what=what,
                    value=median_ms(samples),
                    unit="ms",
                    kind="max_ratio",
                    limit=CEILING_RATIO,
                    baseline_what=ceiling_label,
                    baseline=median_ms(ceiling_samples),
                    runs=len(samples),
                    detail=f"{ceiling_label}: {cpu_note(ctx, ceiling)}",
                    samples=samples,
                    baseline_samples=ceiling_samples,
                ),
                Check(
                    case=CASE_TIMELINE,
                    what=f"queries: {what.split(',')[0]}",
                    value=query_count(client, url),
                    unit="queries",
                    kind="equal",
                    limit=0,
                    baseline_what=label,
                    baseline=query_count(client, small_url),
                ),
            ]
            _diagnose_if_failed(
                compared, lambda c=client, u=url: request_diagnosis(c, u)
            )
            checks += compared
    return checks


# --- 9. Planning time of the hot queries -------------------------------------------

PLANNING_LIMIT_MS = 5.0


def planning_checks(ctx: Context, urls: dict[str, tuple[Client, str]]) -> list[Check]:
    """Planning vs execution of every SELECT a hot request runs (EXPLAIN ANALYZE).

    Each request is run once (warm) with its queries captured; each captured
    SELECT is explained three times and the median kept. The check is the
    request's slowest-planned statement.
    """
    checks = []
    for what, (client, url) in urls.items():
        get_ok(client, url)
        with captured_queries() as queries:
            get_ok(client, url)
        rows = []
        for query in queries.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            runs = sorted(planning_times(sql) for _ in range(3))
            planning = sorted(r[0] for r in runs)[1]
            execution = sorted(r[1] for r in runs)[1]
            rows.append((planning, execution, sql))
        worst = max(rows, key=lambda r: r[0])
        checks.append(
            Check(
                case=CASE_PLANNING,
                what=f"{what}: slowest planning of {len(rows)} SELECTs",
                value=worst[0],
                unit="ms",
                kind="max_value",
                limit=PLANNING_LIMIT_MS,
                runs=3,
                detail=(
                    f"its execution {worst[1]:.2f} ms; all (planning / execution "
                    "ms): " + ", ".join(f"{p:.2f} / {e:.2f}" for p, e, _sql in rows)
                ),
                diagnosis={
                    "statements (planning ms, execution ms, SQL)": "\n".join(
                        f"{p:8.2f} {e:8.2f}  {sql[:300]}" for p, e, sql in rows
                    )
                },
            )
        )
    return checks


# --- 3. API list: first page, 10,000 rows deep, page-number baseline ---------------


def _deep_cursor(group: str, depth: int) -> tuple[str, int]:
    """The API cursor after row ``depth`` of the filtered list, and the next entry."""
    rows = list(
        api_entries()
        .filter(group__code=group)
        .order_by(*ORDERING)
        .values_list("date", "entry_no")[depth - 1 : depth + 1]
    )
    (date, entry_no), (_next_date, next_entry_no) = rows
    return encode_cursor([date, entry_no]), next_entry_no


def api_checks(ctx: Context) -> list[Check]:
    data = ctx.dataset
    # A whole number of pages, so the page-number baseline shows the same rows.
    depth = min(DEEP_ROWS, (data.filter_matches - API_PAGE - 1) // API_PAGE * API_PAGE)
    cursor, expected_first = _deep_cursor(data.filter_group, depth)
    query = {"group": data.filter_group}
    first_url = f"{API_LIST}?{urlencode(query)}"
    deep_url = f"{API_LIST}?{urlencode({**query, 'cursor': cursor})}"
    page = depth // API_PAGE + 1
    base_first = f"{baseline.URL}?{urlencode(query)}"
    base_deep = f"{baseline.URL}?{urlencode({**query, 'page': page})}"

    deep = get_ok(ctx.api, deep_url).json()["results"]
    if len(deep) != API_PAGE or deep[0]["entry_no"] != expected_first:
        raise RuntimeError("The deep API page does not start at the expected row.")
    # The baseline URLconf also serves the application's URLs, so all four
    # pages are timed in turns under one override.
    with override_settings(ROOT_URLCONF="bench.baseline"):
        base_rows = get_ok(ctx.api, base_deep).json()["results"]
        if [r["entry_no"] for r in base_rows] != [r["entry_no"] for r in deep]:
            raise RuntimeError("The baseline's deep page holds other rows.")
        walls = time_gets(
            ctx,
            {
                "first": (ctx.api, first_url),
                "deep": (ctx.api, deep_url),
                "base_first": (ctx.api, base_first),
                "base_deep": (ctx.api, base_deep),
            },
        )
        base_diagnosis = request_diagnosis(ctx.api, base_deep)
    ctx.hot["API list, first page"] = (ctx.api, first_url)
    ctx.hot["API list, 10,000 deep"] = (ctx.api, deep_url)
    first, deep_samples = walls["first"], walls["deep"]
    base_first_samples, base_deep_samples = walls["base_first"], walls["base_deep"]

    deep_what = f"page {depth:,} rows deep (cursor)"
    note = (
        f"filter `group={data.filter_group}` matches {data.filter_matches:,} "
        f"entries; {API_PAGE} per page; baseline page {page} = the same rows"
    )
    if depth < DEEP_ROWS:
        note += f"; only {depth:,} rows deep: the filtered log is smaller"
    checks = [
        Check(
            case=CASE_API,
            what=deep_what,
            value=median_ms(deep_samples),
            unit="ms",
            kind="max_ratio",
            limit=API_DEEP_RATIO,
            baseline_what="first page",
            baseline=median_ms(first),
            runs=len(first),
            detail=f"{note}; {cpu_note(ctx, deep_url, first_url)} (deep / first)",
            samples=deep_samples,
            baseline_samples=first,
        ),
        Check(
            case=CASE_API,
            what=deep_what,
            value=median_ms(deep_samples),
            unit="ms",
            kind="min_ratio",
            limit=API_FASTER,
            baseline_what=f"ModelViewSet + PageNumberPagination, page {page}",
            baseline=median_ms(base_deep_samples),
            runs=len(deep_samples),
            detail=f"baseline {cpu_note(ctx, base_deep)}",
            samples=deep_samples,
            baseline_samples=base_deep_samples,
        ),
        Check(
            case=CASE_API,
            what="first page (cursor)",
            value=median_ms(first),
            unit="ms",
            kind="min_ratio",
            limit=API_FASTER,
            baseline_what=f"ModelViewSet + PageNumberPagination, page {page}",
            baseline=median_ms(base_deep_samples),
            runs=len(first),
            detail="the same filter; the baseline pages by number and counts",
            samples=first,
            baseline_samples=base_deep_samples,
        ),
        Check(
            case=CASE_API,
            what="first page (cursor)",
            value=median_ms(first),
            unit="ms",
            kind="info",
            limit=0,
            baseline_what="ModelViewSet + PageNumberPagination, page 1",
            baseline=median_ms(base_first_samples),
            runs=len(first),
            samples=first,
            baseline_samples=base_first_samples,
            # Kept in results.json: what the page-number baseline spends.
            diagnosis={"baseline deep page": base_diagnosis},
        ),
    ]
    deep_ratio, vs_baseline, first_vs_baseline = checks[0], checks[1], checks[2]
    if not (deep_ratio.passed and vs_baseline.passed and first_vs_baseline.passed):
        diagnosis = request_diagnosis(ctx.api, deep_url)
        deep_ratio.diagnosis = {"deep page": diagnosis}
        vs_baseline.diagnosis = {"deep page": diagnosis, "baseline": base_diagnosis}
        first_vs_baseline.diagnosis = {
            "first page": request_diagnosis(ctx.api, first_url)
        }
    return checks


# --- 5. CSV export ------------------------------------------------------------------

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
        Check(
            case=CASE_EXPORT,
            what=f"GET {EXPORT_URL} ({ctx.dataset.entries:,} rows, streamed)",
            value=median_ms(export_samples),
            unit="ms",
            kind="max_ratio",
            limit=EXPORT_RATIO,
            baseline_what="COPY (the view's SELECT) TO STDOUT (psycopg 3)",
            baseline=median_ms(copy_samples),
            runs=len(export_samples),
            samples=export_samples,
            baseline_samples=copy_samples,
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
            elapsed = timed(prepare())
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
        Check(
            case=CASE_SEGMENT,
            what=f"log_segment ({expected:,} lines)",
            value=median_ms(service_samples),
            unit="ms",
            kind="max_ratio",
            limit=BULK_LIMIT,
            baseline_what="raw INSERT … SELECT of the same rows and attachments, "
            "segment deleted (`bench/segment_log.py`)",
            baseline=median_ms(raw_samples),
            runs=len(service_samples),
            detail="each run in a transaction rolled back afterwards (commit "
            "excluded from both sides); entries table vacuumed between runs; "
            f"both sides store the same {recorded['service'][('attachments',)]:,} "
            "attachment(s) and subjects (checked every run); the baseline also "
            "deletes the segment, as logging does",
            samples=service_samples,
            baseline_samples=raw_samples,
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

    The canceled entries' comments and outbox messages, the attachments
    nothing else uses (no entry left, no template content, no segment), then
    the entries — in one transaction, committed.
    """
    entries = InteractionLogEntry._meta.db_table
    canceled = f"SELECT entry_no FROM {entries} WHERE canceled AND NOT postponed"
    with transaction.atomic(), connection.cursor() as cursor:
        for model in (EntryComment, OutboxMessage):
            cursor.execute(
                f"DELETE FROM {model._meta.db_table} WHERE entry_id IN ({canceled})"
            )
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


def delete_checks(ctx: Context) -> list[Check]:
    expected = ctx.dataset.canceled

    def service() -> int:
        return delete_canceled_entries(actor=ctx.user, filters=CanceledEntryFilter())

    def measured(fn: Callable[[], int]) -> tuple[float, float]:
        """Seconds and RSS growth of one deletion; the rows are restored after."""
        with PeakRss() as memory:
            start = time.perf_counter()
            count = fn()
            elapsed = time.perf_counter() - start
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
            Check(
                case=CASE_DELETE,
                what=f"delete_canceled_entries ({expected:,} of "
                f"{ctx.dataset.entries:,})",
                value=median_ms(service_samples),
                unit="ms",
                kind="max_ratio",
                limit=BULK_LIMIT,
                baseline_what="raw DELETE (comments, outbox messages, orphaned "
                "attachments, then entries)",
                baseline=median_ms(raw_samples),
                runs=len(service_samples),
                detail="both commit; the service in batches of "
                f"{settings.CRM_DELETE_BATCH_SIZE} (one transaction each); both "
                "delete the same comments, outbox messages and orphaned "
                f"attachments ({attachments:,} attachments on the canceled "
                "entries); the deleted rows are restored and the table vacuumed "
                "after every run",
                samples=service_samples,
                baseline_samples=raw_samples,
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

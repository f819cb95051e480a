"""Request cases of ``make bench``: the contact timeline (4), query planning (9)
and the API list (3). Shared helpers and the context are in :mod:`bench.cases`."""

from typing import Any
from urllib.parse import urlencode

from django.db.models import Count
from django.test import Client, override_settings

from bench import baseline
from bench.cases import (
    API_DEEP_RATIO,
    API_FASTER,
    API_LIST,
    API_PAGE,
    CASE_API,
    CASE_PLANNING,
    CASE_TIMELINE,
    DEEP_ROWS,
    ORDERING,
    Context,
    _diagnose_if_failed,
    cpu_note,
    get_ok,
    query_count,
    request_diagnosis,
    time_gets,
)
from bench.dataset import Dataset
from bench.harness import (
    Check,
    captured_queries,
    median_ms,
    planning_times,
)
from contacts.models import Contact
from interactions.api import entries as api_entries
from interactions.models import (
    InteractionLogEntry,
)
from interactions_crm.platform.keyset import encode_cursor

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
    # The heavy person's API page holds 50 rows, the small person's its 10:
    # the same endpoint with ``page_size`` = the small one's rows shows what
    # the 10,000 entries themselves cost (an informational row).
    same_size = (
        f"/api/v1/contacts/{data.heavy_contact_no}/interactions/"
        f"?page_size={max(1, person_entries)}"
    )
    timed_pages: dict[str, tuple[Client, str]] = {"same size": (ctx.api, same_size)}
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
                Check.timed(
                    CASE_TIMELINE,
                    what,
                    samples,
                    label,
                    small_samples,
                    kind="max_ratio",
                    limit=TIMELINE_RATIO,
                    detail=f"{cpu_note(ctx, url, small_url)} (heavy / small)",
                ),
                Check.timed(
                    CASE_TIMELINE,
                    what,
                    samples,
                    ceiling_label,
                    ceiling_samples,
                    kind="max_ratio",
                    limit=CEILING_RATIO,
                    detail=f"{ceiling_label}: {cpu_note(ctx, ceiling)}",
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
        # On the API row: the heavy person's page of as many rows as the
        # small person's, timed in the same turns.
        api_check = next(check for check in checks if check.what == list(pages)[1])
        same = median_ms(walls["same size"])
        api_check.detail += (
            f"; the heavy person with ?page_size={person_entries} (the same "
            f"rows as the small page): {same:.2f} ms, "
            f"{same / api_check.baseline:.2f}× the small page"
            if api_check.baseline
            else ""
        )
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
    page_number = f"ModelViewSet + PageNumberPagination, page {page}"
    checks = [
        Check.timed(
            CASE_API,
            deep_what,
            deep_samples,
            "first page",
            first,
            kind="max_ratio",
            limit=API_DEEP_RATIO,
            detail=f"{note}; {cpu_note(ctx, deep_url, first_url)} (deep / first)",
        ),
        Check.timed(
            CASE_API,
            deep_what,
            deep_samples,
            page_number,
            base_deep_samples,
            kind="min_ratio",
            limit=API_FASTER,
            detail=f"baseline {cpu_note(ctx, base_deep)}",
        ),
        Check.timed(
            CASE_API,
            "first page (cursor)",
            first,
            page_number,
            base_deep_samples,
            kind="min_ratio",
            limit=API_FASTER,
            detail="the same filter; the baseline pages by number and counts",
        ),
        Check.timed(
            CASE_API,
            "first page (cursor)",
            first,
            "ModelViewSet + PageNumberPagination, page 1",
            base_first_samples,
            kind="info",
            limit=0,
        ),
    ]
    # Kept in results.json: what the page-number baseline spends.
    checks[3].diagnosis = {"baseline deep page": base_diagnosis}
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

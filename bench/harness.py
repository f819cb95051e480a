"""Measuring, judging and reporting for ``make bench``.

A *check* is one budget of DESIGN.md §8 evaluated on numbers measured in the
same run: a median against a baseline (a ratio), or an absolute limit (a
duration, a memory growth, a query count). Results go to
``bench/results.json`` and to the generated section of ``docs/benchmarks.md``.
"""

import cProfile
import json
import os
import pstats
import random
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from django.db import connection
from django.test.utils import CaptureQueriesContext

ROOT = Path(__file__).resolve().parent.parent
START_MARKER = "<!-- bench:results:start -->"
END_MARKER = "<!-- bench:results:end -->"
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
MB = 1024 * 1024

Kind = Literal["max_ratio", "min_ratio", "min_share", "max_value", "equal", "info"]
_STARTED = time.monotonic()
#: The rounds of :func:`sample_round_robin` run their calls in orders drawn
#: from this seed.
ROUND_ORDER_SEED = 20261128


def progress(message: str) -> None:
    """One line of progress with the time since the run started."""
    elapsed = time.monotonic() - _STARTED
    print(f"[bench {elapsed:7.1f}s] {message}", flush=True)


# --- Timing -----------------------------------------------------------------------


def timed(fn: Callable[[], Any]) -> float:
    """Seconds ``fn()`` took (wall clock)."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def sample_round_robin(
    calls: dict[str, Callable[[], Any]], *, runs: int, warmup: int = 0
) -> dict[str, tuple[list[float], list[float]]]:
    """Time several calls in turns: name → (wall seconds, this process's CPU s).

    One round runs every call once, so a burst of load from other work on a
    shared machine hits all of them alike and their ratios stay fair. Each
    round runs them in its own order (shuffled, seeded: the same orders every
    run): in one fixed order a call always follows the same neighbour, and
    inherits its state — measured on the timeline case, the small person's
    API page, always right after the heavy one's on the same code, ran ~8 %
    faster than that page at the same size, and the heavy page always paid
    the collector's passes that the pages before it had brought due. The CPU
    time is the Python side alone (Django, DRF, templates); the rest of the
    wall time is the database and waiting for a CPU.
    """
    for _ in range(warmup):
        for fn in calls.values():
            fn()
    results: dict[str, tuple[list[float], list[float]]] = {
        name: ([], []) for name in calls
    }
    orders = random.Random(ROUND_ORDER_SEED)
    for _ in range(runs):
        names = list(calls)
        orders.shuffle(names)
        for name in names:
            fn = calls[name]
            cpu_start = time.process_time()
            results[name][0].append(timed(fn))
            results[name][1].append(time.process_time() - cpu_start)
    return results


def in_turns(run: int, *steps: Callable[[], Any]) -> None:
    """Run ``steps`` in order on even runs and in reverse on odd ones.

    Neither side of a comparison always goes first (warm caches, autovacuum,
    a burst of other work).
    """
    for step in steps if run % 2 == 0 else reversed(steps):
        step()


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


# --- Memory -----------------------------------------------------------------------


def current_rss() -> int:
    """Resident set size of this process in bytes (Linux ``/proc``)."""
    with open("/proc/self/statm", "rb") as statm:
        return int(statm.read().split()[1]) * PAGE_SIZE


class PeakRss:
    """Peak RSS growth while the block runs, sampled every ``interval`` seconds.

    Unlike ``ru_maxrss`` (the peak of the whole process life) this sees the
    growth of one operation even after an earlier one used more memory, and
    unlike tracemalloc it also counts memory outside Python's allocator
    (libpq result buffers).
    """

    def __init__(self, interval: float = 0.005) -> None:
        self.interval = interval
        self.start = 0
        self.peak = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _watch(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, current_rss())

    def __enter__(self) -> "PeakRss":
        self.start = self.peak = current_rss()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        assert self._thread is not None
        self._thread.join()
        self.peak = max(self.peak, current_rss())

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.start) / MB


# --- Where the time goes ----------------------------------------------------------


@contextmanager
def captured_queries() -> Iterator[CaptureQueriesContext]:
    with CaptureQueriesContext(connection) as queries:
        yield queries


def top_queries(queries: list[dict[str, str]], limit: int = 3) -> list[dict]:
    """The slowest statements of a captured run with their share of DB time."""
    total = sum(float(q["time"]) for q in queries) or 1.0
    slowest = sorted(queries, key=lambda q: float(q["time"]), reverse=True)[:limit]
    return [
        {
            "ms": round(float(q["time"]) * 1000, 2),
            "share": round(float(q["time"]) / total, 3),
            "sql": q["sql"][:600],
        }
        for q in slowest
    ]


def explain(sql: str) -> str:
    """``EXPLAIN (ANALYZE, BUFFERS)`` of a read-only statement."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def planning_times(sql: str) -> tuple[float, float]:
    """(planning, execution) ms of ``sql`` from ``EXPLAIN (ANALYZE)``."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0][0]
    return float(plan["Planning Time"]), float(plan["Execution Time"])


def explain_slowest(queries: list[dict[str, str]]) -> str:
    """The plan of the slowest SELECT of a captured run (empty if none)."""
    selects = [q for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]
    if not selects:
        return ""
    slowest = max(selects, key=lambda q: float(q["time"]))
    return explain(slowest["sql"])


def python_profile(fn: Callable[[], Any], limit: int = 10) -> list[str]:
    """The functions ``fn`` spends the most own time in (cProfile, one call)."""
    profile = cProfile.Profile()
    profile.runcall(fn)
    stats = pstats.Stats(profile)
    rows = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)
    lines = []
    for (filename, line, name), (_cc, calls, own, total, _callers) in rows[:limit]:
        where = filename.split("site-packages/")[-1].replace(str(ROOT) + "/", "")
        label = name if filename == "~" else f"{where}:{line} {name}"
        lines.append(
            f"{own * 1000:8.1f} ms own {total * 1000:8.1f} ms total "
            f"{calls:>8} calls  {label}"
        )
    return lines


# --- Checks -----------------------------------------------------------------------


@dataclass
class Check:
    """One budget of DESIGN.md §8, judged on numbers from this run.

    ``kind`` says how: ``max_ratio`` value/baseline ≤ limit; ``min_ratio``
    baseline/value ≥ limit (value is that many times faster); ``min_share``
    value/baseline ≥ limit (throughput: at least that share); ``max_value``
    value ≤ limit; ``equal`` value == baseline; ``info`` is reported with its
    ratio (baseline/value) but has no budget.
    """

    case: str
    what: str
    value: float
    unit: str
    kind: Kind
    limit: float
    baseline_what: str = ""
    baseline: float | None = None
    runs: int = 0
    detail: str = ""
    samples: list[float] = field(default_factory=list)
    baseline_samples: list[float] = field(default_factory=list)
    diagnosis: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def timed(
        cls,
        case: str,
        what: str,
        samples: list[float],
        baseline_what: str,
        baseline_samples: list[float],
        *,
        kind: Kind,
        limit: float,
        detail: str = "",
    ) -> "Check":
        """A budget on the median wall time of ``samples`` against the baseline's.

        The samples (seconds) of both sides were measured in turns in this run.
        """
        return cls(
            case=case,
            what=what,
            value=median_ms(samples),
            unit="ms",
            kind=kind,
            limit=limit,
            baseline_what=baseline_what,
            baseline=median_ms(baseline_samples),
            runs=len(samples),
            detail=detail,
            samples=samples,
            baseline_samples=baseline_samples,
        )

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or self.kind == "max_value":
            return None
        if self.kind in ("min_ratio", "info"):
            return self.baseline / self.value if self.value else float("inf")
        if self.kind == "equal":
            return None
        if self.kind == "min_share":
            return self.value / self.baseline if self.baseline else 0.0
        return self.value / self.baseline if self.baseline else float("inf")

    @property
    def passed(self) -> bool:
        if self.kind == "info":
            return True
        if self.kind == "max_value":
            return self.value <= self.limit
        if self.kind == "equal":
            return self.value == self.baseline
        assert self.ratio is not None
        if self.kind in ("min_ratio", "min_share"):
            return self.ratio >= self.limit
        return self.ratio <= self.limit

    @property
    def budget(self) -> str:
        if self.kind == "max_value":
            return f"≤ {self.limit:g} {self.unit}"
        if self.kind == "equal":
            return "equal"
        if self.kind == "info":
            return "— (info)"
        if self.kind == "min_ratio":
            return f"≥ {self.limit:g}× faster"
        if self.kind == "min_share":
            return f"≥ {self.limit:g}×"
        return f"≤ {self.limit:g}×"

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(ratio=self.ratio, passed=self.passed, budget=self.budget)
        return data


# --- Report -----------------------------------------------------------------------


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "queries":
        return f"{value:.0f} queries"
    if unit == "MB":
        return f"{value:.1f} MB"
    if unit != "ms":
        return f"{value:,.1f} {unit}"
    if value >= 100:
        return f"{value:,.0f} ms"
    return f"{value:.2f} ms" if value < 10 else f"{value:.1f} ms"


def results_table(checks: list[Check]) -> str:
    """The Markdown table of every check."""
    lines = [
        "| Case | Measured | Median | Baseline | Baseline median | Ratio "
        "| Budget | Result |",
        "|---|---|--:|---|--:|--:|---|---|",
    ]
    for check in checks:
        ratio = "—"
        if check.ratio is not None:
            faster = check.kind in ("min_ratio", "info")
            ratio = f"{check.ratio:.2f}×" + (" faster" if faster else "")
        result = "pass" if check.passed else "**FAIL**"
        if check.kind == "info":
            result = "info"
        lines.append(
            f"| {check.case} | {check.what} | {_number(check.value, check.unit)} "
            f"| {check.baseline_what or '—'} "
            f"| {_number(check.baseline, check.unit)} | {ratio} | {check.budget} "
            f"| {result} |"
        )
    return "\n".join(lines)


def _details(checks: list[Check]) -> str:
    """Runs, notes and, for failed checks, where the time goes."""
    out: list[str] = []
    for check in checks:
        if check.detail:
            out.append(f"* **{check.case} — {check.what}**: {check.detail}")
    failed = [c for c in checks if not c.passed and c.diagnosis]
    for check in failed:
        out.append("")
        out.append(
            f"<details><summary>Where the time goes: {check.case} — "
            f"{check.what}</summary>\n"
        )
        for name, text in check.diagnosis.items():
            out.append(f"{name}:\n\n```\n{_as_text(text)}\n```\n")
        out.append("</details>")
    return "\n".join(out)


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=2, ensure_ascii=False)


def generated_section(meta: dict[str, Any], checks: list[Check]) -> str:
    judged = [c for c in checks if c.kind != "info"]
    passed = sum(c.passed for c in judged)
    dataset = meta["dataset"]
    lines = [
        START_MARKER,
        "<!-- Generated by `make bench` (bench/run.py); edits here are replaced. -->",
        "",
        f"Run of {meta['finished_at']} — `BENCH_SCALE={meta['scale']:g}`: "
        f"{dataset['contacts']:,} contacts, {dataset['entries']:,} entries "
        f"({dataset['canceled']:,} canceled, {dataset['comments']:,} comments); "
        f"{meta['runs']} timed runs per fast case, {meta['heavy_runs']} per bulk "
        f"case; whole run {meta['duration_s']:.0f} s.",
        "",
        f"Machine: {meta['machine']}. Load average (1 min) at start / end: "
        f"{meta['load_average'][0]} / {meta['load_average'][1]}.",
        "",
        f"**{passed} of {len(judged)} budget checks pass.**",
        "",
        results_table(checks),
        "",
        _details(checks),
        "",
        END_MARKER,
    ]
    return "\n".join(lines)


def write_report(path: Path, section: str) -> None:
    """Replace the generated section of ``path``, or append it when missing."""
    text = path.read_text()
    if START_MARKER in text and END_MARKER in text:
        head, rest = text.split(START_MARKER, 1)
        _old, tail = rest.split(END_MARKER, 1)
        text = head + section + tail
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    path.write_text(text)


def write_results(path: Path, meta: dict[str, Any], checks: list[Check]) -> None:
    payload = {"meta": meta, "checks": [c.as_dict() for c in checks]}
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n")


def checkpoint() -> None:
    """A ``CHECKPOINT`` (untimed) before a timed side that writes or reads a lot.

    A bulk side writes ~1 GB of WAL at scale 1 (100,000 entries and their
    index entries), more than ``max_wal_size``: without this a checkpoint
    falls inside some runs and not others, and the side after it pays a
    full-page image for every page it touches — the pairs of one run differed
    by up to 1.9× from that alone. The dataset build leaves gigabytes of dirty
    buffers the same way, which the checkpointer would write out while pages
    are timed. Both sides of a comparison start from the same state.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")

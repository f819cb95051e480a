"""What the cluster drill observed, the checks it makes, and the printed report."""

import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import postgres
from load import Load, Outcome, Record

TIME_LIMIT = 600.0
IN_FLIGHT_STATUSES = {0, 502, 503, 504}


@dataclass
class ClusterFacts:
    run: str
    postgres_version: str = ""
    haproxy_version: str = ""
    setup_seconds: float = 0.0
    load_started: float = 0.0
    load_seconds: float = 0.0
    jobs_seconds: float = 0.0
    control: Record = field(default_factory=Record)
    catch_up_seconds: float = 0.0
    total_seconds: float = 0.0
    jobs: dict[str, str] = field(default_factory=dict)
    final_jobs: dict[str, dict[str, Any]] = field(default_factory=dict)
    delete_previewed: int = 0
    kills: list[tuple[float, str, str]] = field(default_factory=list)
    web_kill_windows: list[tuple[float, float]] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    restarts: list[str] = field(default_factory=list)
    resumed_by_operator: float = 0.0
    lag_bytes: list[int] = field(default_factory=list)
    lag_seconds: list[float] = field(default_factory=list)
    peak_backends: dict[str, int] = field(
        default_factory=lambda: {"primary": 0, "replica": 0}
    )
    activity_before: dict[str, dict[str, int]] = field(default_factory=dict)
    activity_after: dict[str, dict[str, int]] = field(default_factory=dict)
    haproxy: dict[str, int] = field(default_factory=dict)
    in_flight: int = 0
    in_flight_kinds: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


def _grouped(server: postgres.Server, sql: str, pattern: str) -> dict[str, int]:
    with server.connect("crm") as conn:
        return dict(conn.execute(sql, (pattern,)).fetchall())


ENTRIES_BY_MARKER = (
    "SELECT description, count(*) FROM interactions_interactionlogentry "
    "WHERE description LIKE %s GROUP BY description"
)
COMMENTS_BY_MARKER = (
    "SELECT text, count(*) FROM interactions_entrycomment "
    "WHERE text LIKE %s GROUP BY text"
)


def classify(load: Load, facts: ClusterFacts) -> None:
    """Failed requests: in flight on the killed web process, or errors."""

    def in_flight(outcome: Outcome) -> bool:
        return outcome.status in IN_FLIGHT_STATUSES and any(
            outcome.started <= gone and outcome.ended >= signalled
            for signalled, gone in facts.web_kill_windows
        )

    for outcome in load.record.outcomes:
        if outcome.status in (0,) or outcome.status >= 400:
            if in_flight(outcome):
                facts.in_flight += 1
                facts.in_flight_kinds[outcome.kind] += 1
            else:
                facts.errors.append(
                    f"{outcome.kind}: {outcome.status or outcome.error} "
                    f"at {outcome.started - facts.load_started:.1f} s"
                )
    facts.errors += [f"client stopped: {failure}" for failure in load.failures]
    facts.errors += [
        f"read-your-writes missed: {missed}"
        for missed in load.record.read_your_writes_missed
    ]


def verify(
    primary: postgres.Server,
    replica: postgres.Server,
    load: Load,
    facts: ClusterFacts,
    data: dict[str, Any],
) -> list[Check]:
    classify(load, facts)
    pattern = f"drill-{facts.run}-%"
    record = load.record
    checks = []

    entries = _grouped(primary, ENTRIES_BY_MARKER, pattern)
    missing = [m for m in record.acknowledged if entries.get(m, 0) != 1]
    duplicated = [m for m, count in entries.items() if count > 1]
    stray = [m for m in entries if m not in record.acknowledged]
    checks.append(
        Check(
            "writes landed exactly once",
            not missing and not duplicated,
            f"{len(record.acknowledged):,} interactions acknowledged → "
            f"{sum(entries.values()):,} rows; missing {len(missing)}, "
            f"duplicated {len(duplicated)}; not acknowledged but written "
            f"{len(stray)}; writes retried {record.retries}",
        )
    )
    comments = _grouped(primary, COMMENTS_BY_MARKER, pattern)
    bad_comments = [m for m in record.comments if comments.get(m, 0) != 1]
    checks.append(
        Check(
            "comments landed exactly once",
            not bad_comments and all(count == 1 for count in comments.values()),
            f"{len(record.comments):,} comments acknowledged → "
            f"{sum(comments.values()):,} rows; wrong {len(bad_comments)}",
        )
    )
    same_on_replica = (
        _grouped(replica, ENTRIES_BY_MARKER, pattern) == entries
        and _grouped(replica, COMMENTS_BY_MARKER, pattern) == comments
    )
    checks.append(
        Check(
            "replica has the same writes",
            same_on_replica,
            f"after catching up in {facts.catch_up_seconds:.2f} s",
        )
    )
    checks.append(
        Check(
            "read-your-writes",
            not record.read_your_writes_missed,
            f"{record.read_your_writes:,} reads of an own write right after it; "
            f"{len(record.read_your_writes_missed)} missed",
        )
    )

    before, after = facts.activity_before, facts.activity_after
    replica_xacts = after["replica"]["transactions"] - before["replica"]["transactions"]
    replica_scans = after["replica"]["scans"] - before["replica"]["scans"]
    primary_scans = after["primary"]["scans"] - before["primary"]["scans"]
    checks.append(
        Check(
            "replica reads observed",
            replica_xacts > 0 and replica_scans > 0,
            f"replica: {replica_xacts:,} transactions, {replica_scans:,} scans of "
            f"contacts and log; primary: {primary_scans:,} scans",
        )
    )

    deleted = facts.final_jobs.get("delete canceled", {})
    with primary.connect("crm") as conn:
        canceled_left, active_left = conn.execute(
            "SELECT count(*) FILTER (WHERE canceled), "
            "count(*) FILTER (WHERE NOT canceled) "
            "FROM interactions_interactionlogentry WHERE entry_no <= %s",
            (data["max_entry_no"],),
        ).fetchone()
    active_before = data["entries"] - data["canceled"]
    checks.append(
        Check(
            "delete-canceled job finished",
            deleted.get("status") == "succeeded"
            and canceled_left == 0
            and active_left == active_before,
            f"{deleted.get('status')}: {data['canceled']:,} canceled entries "
            f"(preview said {facts.delete_previewed:,}), {canceled_left} left; "
            f"active entries kept {active_left:,} of {active_before:,}",
        )
    )
    reported = deleted.get("result", {}).get("deleted")
    if reported != data["canceled"]:
        facts.findings.append(
            f"the delete job reports {reported} deleted, but "
            f"{data['canceled'] - canceled_left:,} canceled entries are gone: a "
            "batch committed just before the worker died was not yet in the "
            "job's progress, and the resumed run counts on from that progress"
        )
    logged = facts.final_jobs.get("log segment", {})
    logged_id = logged.get("result", {}).get("logged_segment")
    logged_entries = primary.query(
        "SELECT count(*) FROM interactions_interactionlogentry "
        "WHERE logged_segment_id = %s",
        (logged_id,),
        database="crm",
    )
    segment_left = primary.query(
        "SELECT count(*) FROM interactions_segment WHERE no = %s",
        (data["segment_no"],),
        database="crm",
    )
    checks.append(
        Check(
            "segment-log job finished",
            logged.get("status") == "succeeded"
            and logged_entries == data["segment_lines"]
            and segment_left == 0,
            f"{logged.get('status')}: logged segment {logged_id} has "
            f"{logged_entries:,} entries for {data['segment_lines']:,} lines; "
            f"segment gone: {segment_left == 0}",
        )
    )
    checks.append(
        Check(
            "no errors but requests in flight on the killed web process",
            not facts.errors,
            f"{len(facts.errors)} errors; {facts.in_flight} in flight on the killed "
            f"process ({dict(facts.in_flight_kinds)}), answered 502 by HAProxy",
        )
    )
    audits = primary.query(
        "SELECT json_object_agg(action, n) FROM (SELECT action, count(*) AS n "
        "FROM interactions_auditevent GROUP BY action) counts",
        database="crm",
    )
    facts.notes.append(f"audit events by action: {audits}")
    runs = (audits or {}).get("entry.delete_canceled", 0)
    if runs != 1:
        facts.findings.append(
            f"{runs} audit events for the one delete job (one per run: the "
            "resumed run wrote its own)"
        )
    return checks


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def print_report(
    facts: ClusterFacts, load: Load, checks: list[Check], data: dict[str, Any]
) -> bool:
    outcomes = load.record.outcomes
    kinds = Counter(outcome.kind for outcome in outcomes)
    statuses = Counter(outcome.status for outcome in outcomes)
    durations = [outcome.ended - outcome.started for outcome in outcomes]
    within_limit = facts.total_seconds < TIME_LIMIT
    checks.append(
        Check(
            "finished within 10 minutes",
            within_limit,
            f"{facts.total_seconds:.0f} s (setup {facts.setup_seconds:.0f} s)",
        )
    )
    ok = all(check.ok for check in checks)
    print()
    print(f"=== Cluster drill report (run {facts.run}) ===")
    print(
        f"PostgreSQL {facts.postgres_version}: primary + streaming replica on "
        f"loopback; {facts.haproxy_version}"
    )
    print(
        "Web: 3 gunicorn processes × 2 sync workers behind HAProxy, "
        "PRODUCTION=1, replica reads on, database cache; task workers: 2"
    )
    print(
        f"Data: {data['entries']:,} log entries ({data['canceled']:,} canceled), "
        f"segment of {data['segment_lines']:,} lines"
    )
    rate = len(outcomes) / facts.load_seconds if facts.load_seconds else 0
    print(
        f"Load: {len(outcomes):,} requests in {facts.load_seconds:.0f} s "
        f"({rate:.1f}/s), 8 clients; p50 {_percentile(durations, 0.5) * 1000:.0f} ms, "
        f"p99 {_percentile(durations, 0.99) * 1000:.0f} ms"
    )
    print("  by kind:   " + ", ".join(f"{k} {n:,}" for k, n in kinds.most_common()))
    print(
        "  by status: "
        + ", ".join(f"{s or 'no answer'} {n:,}" for s, n in sorted(statuses.items()))
    )
    print(f"  served by: {facts.haproxy}")
    control = Counter(outcome.kind for outcome in facts.control.outcomes)
    print(
        "Operator (jobs): "
        + ", ".join(f"{k} {n:,}" for k, n in control.most_common())
        + f"; both jobs finished {facts.jobs_seconds:.0f} s after the load started"
    )
    for at, name, what in facts.kills:
        print(f"Killed (SIGKILL) at {at:.1f} s: {name} — {what}")
    print(f"Restarted after 5 s: {', '.join(facts.restarts)}")
    if facts.resumed_by_operator:
        print(
            f"Delete job resumed by the operator step at "
            f"{facts.resumed_by_operator:.1f} s (it stayed 'running' without "
            "progress: no automatic resume of a dead worker's job on this build)"
        )
    else:
        print("Jobs: no operator step needed")
    lag_bytes = facts.lag_bytes or [0]
    print(
        f"Replica lag: max {max(lag_bytes):,} bytes, "
        f"mean {statistics.mean(lag_bytes):,.0f} bytes; replay lag max "
        f"{max(facts.lag_seconds or [0]) * 1000:.0f} ms "
        f"({len(facts.lag_bytes)} samples); "
        f"peak client connections: primary {facts.peak_backends['primary']}, "
        f"replica {facts.peak_backends['replica']} (max_connections 40 each)"
    )
    for check in checks:
        print(f"  [{'ok' if check.ok else 'FAIL'}] {check.name}: {check.detail}")
    for error in facts.errors[:20]:
        print(f"    error: {error}")
    for finding in facts.findings:
        print(f"  finding: {finding}")
    for note in facts.notes[:10]:
        print(f"  note: {note}")
    print(f"Result: {'PASS' if ok else 'FAIL'} in {facts.total_seconds:.0f} s")
    return ok

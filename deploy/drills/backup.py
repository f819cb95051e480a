"""The backup and restore drill (``make backup-drill``, docs/operations.md).

On a throwaway PostgreSQL server on loopback it fills a database, starts
gunicorn and two API clients that keep recording interactions (with
comments), and while they write it takes a backup with ``pg_dump -Fc``. The
drill opens a repeatable-read transaction first and hands its snapshot to
``pg_dump --snapshot``, so it knows exactly what the backup must contain: the
row count of every table and checksums of the ledger (entries, comments,
audit events), computed in that same snapshot. It then restores the file into
a fresh database with ``pg_restore`` and requires the same counts and
checksums there, the delete guard in place, the entry number sequence ahead
of the ledger, and Django to find every migration applied. Everything it
started is stopped, also on failure.

Environment: BACKUP_CONTACTS (5000), BACKUP_ENTRIES (100000), BACKUP_KEEP=1
keeps the work directory.
"""

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import postgres
from app import App, env_int, environment, manage, prepare_data
from load import Load
from processes import Supervisor, free_port, run_drill

LEDGER_CHECKSUMS = {
    "entries": ("interactions_interactionlogentry", "entry_no"),
    "comments": ("interactions_entrycomment", "id"),
    "audit events": ("interactions_auditevent", "id"),
}


def figures(conn: Any) -> dict[str, Any]:
    """Row count of every table and checksums of the ledger, in ``conn``'s view."""
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        )
    ]
    counts = {
        table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        for table in tables
    }
    checksums = {
        name: conn.execute(
            f"SELECT md5(string_agg(t::text, E'\\n' ORDER BY t.{key})) FROM {table} t"
        ).fetchone()[0]
        for name, (table, key) in LEDGER_CHECKSUMS.items()
    }
    return {"counts": counts, "checksums": checksums}


def pg_tool(name: str, *args: str, password: str) -> float:
    """Run a PostgreSQL client tool; how long it took."""
    started = time.monotonic()
    result = subprocess.run(
        [str(postgres.bin_dir() / name), *args],
        env={**os.environ, "PGPASSWORD": password},
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{name} failed:\n{result.stderr[-3000:]}")
    return time.monotonic() - started


def restored_database_checks(server: postgres.Server, env: dict[str, str]) -> list[str]:
    """What must hold in the restored database besides the figures; failures."""
    failures = []
    with server.connect("crm_restored") as conn:
        guard = conn.execute(
            "SELECT count(*) FROM pg_trigger "
            "WHERE tgname = 'interactions_entry_delete_guard'"
        ).fetchone()[0]
        if guard != 1:
            failures.append("the entry delete guard trigger is missing")
        sequence_ahead = conn.execute(
            "SELECT pg_sequence_last_value(pg_get_serial_sequence("
            "'interactions_interactionlogentry', 'entry_no')::regclass) "
            ">= (SELECT max(entry_no) FROM interactions_interactionlogentry)"
        ).fetchone()
        if not sequence_ahead or not sequence_ahead[0]:
            failures.append("the entry number sequence is behind the ledger")
    restored_env = {**env, "DATABASE_URL": server.url("crm_restored")}
    try:
        manage(restored_env, "migrate", "--check", "-v", "0")
    except RuntimeError as exc:
        failures.append(f"migrations: {exc}")
    return failures


def compare(expected: dict[str, Any], restored: dict[str, Any]) -> list[str]:
    differences = [
        f"{table}: {count} in the snapshot, {restored['counts'].get(table)} restored"
        for table, count in expected["counts"].items()
        if restored["counts"].get(table) != count
    ]
    differences += [
        f"{name} checksum differs"
        for name, checksum in expected["checksums"].items()
        if restored["checksums"].get(name) != checksum
    ]
    return differences


def drill(work_dir: Path, supervisor: Supervisor, run: str) -> bool:
    password = secrets.token_urlsafe(24)
    print("  PostgreSQL (initdb) …")
    server = postgres.init_primary(
        work_dir, port=free_port(), password=password, max_connections=20
    )
    started = time.monotonic()
    try:
        ok = _drill_on(server, work_dir, supervisor, run)
        print(f"Finished in {time.monotonic() - started:.0f} s")
        return ok
    finally:
        supervisor.stop_all()
        server.stop()


def _drill_on(
    server: postgres.Server, work_dir: Path, supervisor: Supervisor, run: str
) -> bool:
    server.execute("CREATE DATABASE crm")
    env = environment(
        database_url=server.url("crm"), work_dir=work_dir, production=False
    )
    contacts = env_int("BACKUP_CONTACTS", 5000)
    entries = env_int("BACKUP_ENTRIES", 100_000)
    print(f"  migrate; data: {contacts} contacts, {entries} log entries …")
    data = prepare_data(env, contacts=contacts, entries=entries)
    app = App(supervisor, env)
    port = free_port()
    app.start_web("web", port, workers=2)
    load = Load(
        port=port,
        run=run,
        integrator_tokens=data["integrator_tokens"],
        admin=("drill-admin", data["admin_password"]),
        contact_nos=data["contact_nos"],
        template=data["template"],
        duration=600,
        max_requests=1_000_000,
    )
    print("  writes through the API, pg_dump -Fc meanwhile …")
    threads = load.start(writers=2, readers=0, staff=False)
    # Writes are flowing (some acknowledged) before the backup starts.
    deadline = time.monotonic() + 60
    while len(load.record.acknowledged) < 10 and time.monotonic() < deadline:
        time.sleep(0.2)
    dump = work_dir / "crm.dump"
    with server.connect("crm") as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        expected = figures(conn)
        written_before = len(load.record.acknowledged)
        dump_seconds = pg_tool(
            "pg_dump",
            "--format=custom",
            f"--snapshot={snapshot}",
            f"--file={dump}",
            f"--dbname={server.url('crm')}",
            password=server.password,
        )
        written_during = len(load.record.acknowledged) - written_before
        conn.execute("COMMIT")
    time.sleep(1)
    load.stop.set()
    for thread in threads:
        thread.join(timeout=60)
    with server.connect("crm") as conn:
        live = figures(conn)
    print("  pg_restore into a fresh database …")
    server.execute("CREATE DATABASE crm_restored")
    restore_seconds = pg_tool(
        "pg_restore",
        "--exit-on-error",
        "--no-owner",
        "--jobs=2",
        f"--dbname={server.url('crm_restored')}",
        str(dump),
        password=server.password,
    )
    with server.connect("crm_restored") as conn:
        restored = figures(conn)
    differences = compare(expected, restored)
    failures = restored_database_checks(server, env)
    live_entries = live["counts"]["interactions_interactionlogentry"]
    snapshot_entries = expected["counts"]["interactions_interactionlogentry"]
    under_writes = live_entries > snapshot_entries and written_during > 0
    errors = load.failures + [
        f"{o.kind}: {o.status}" for o in load.record.outcomes if o.status >= 400
    ]

    ok = not differences and not failures and under_writes and not errors
    print()
    print(f"=== Backup and restore drill report (run {run}) ===")
    print(f"PostgreSQL {server.query('SHOW server_version')}")
    print(
        f"Writes through the API: {len(load.record.acknowledged):,} interactions "
        f"with comments; {written_during} acknowledged while pg_dump ran "
        f"({dump_seconds:.1f} s, {dump.stat().st_size / 1e6:.1f} MB); errors "
        f"{len(errors)}"
    )
    print(
        f"Snapshot of the backup: {snapshot_entries:,} entries; live database "
        f"after the writes: {live_entries:,} entries "
        f"({'writes went on during the backup' if under_writes else 'NO writes'})"
    )
    print(
        f"Restored in {restore_seconds:.1f} s: {len(restored['counts'])} tables, "
        f"{sum(restored['counts'].values()):,} rows"
    )
    for name, checksum in expected["checksums"].items():
        same = restored["checksums"].get(name) == checksum
        print(f"  {name} checksum {checksum} {'matches' if same else 'DIFFERS'}")
    print(
        f"  row counts: {len(expected['counts']) - len(differences)} of "
        f"{len(expected['counts'])} tables equal"
    )
    for line in differences + failures + errors[:10]:
        print(f"  FAIL: {line}")
    if not failures:
        print(
            "  restored database: delete guard present, entry sequence ahead of "
            "the ledger, every migration applied"
        )
    print(f"Result: {'PASS' if ok else 'FAIL'}")
    return ok


def main() -> int:
    run = secrets.token_hex(3)
    return run_drill(
        f"Backup drill {run}",
        keep_variable="BACKUP_KEEP",
        body=lambda work_dir, supervisor: drill(work_dir, supervisor, run),
    )


if __name__ == "__main__":
    sys.exit(main())

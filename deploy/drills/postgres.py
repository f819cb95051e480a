"""Throwaway PostgreSQL servers on loopback, from Debian's PostgreSQL binaries.

A drill makes its own primary (``initdb``) and, if it wants one, a streaming
replica of it (``pg_basebackup -R`` with a replication slot), each in its own
data directory under the drill's work directory, listening on 127.0.0.1 only,
on a port the kernel chose, with a password (scram-sha-256) that exists only
for the drill. PostgreSQL refuses to run as root, so when the drill runs as
root the servers run as the ``postgres`` system user.
"""

import glob
import os
import pwd
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

USER = "crm"
POSTGRES_CONF = """
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{socket_dir}'
max_connections = {max_connections}
wal_level = replica
max_wal_senders = 5
max_replication_slots = 5
hot_standby = on
hot_standby_feedback = on
wal_receiver_status_interval = 1s
log_min_messages = warning
"""
HBA_CONF = """
host all {user} 127.0.0.1/32 scram-sha-256
host replication {user} 127.0.0.1/32 scram-sha-256
"""


def bin_dir() -> Path:
    """The newest ``/usr/lib/postgresql/<version>/bin`` (Debian's layout)."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parent.parent.name),
    )
    if not found:
        raise RuntimeError(
            "No PostgreSQL server binaries in /usr/lib/postgresql/*/bin: "
            "apt-get install postgresql"
        )
    return Path(found[-1]).parent


def _owner() -> pwd.struct_passwd | None:
    """The system user that runs the servers when the drill runs as root."""
    if os.geteuid() != 0:
        return None
    return pwd.getpwnam("postgres")


def _as_owner(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if _owner() else args


def _give_to_owner(path: Path) -> None:
    owner = _owner()
    if owner is not None:
        shutil.chown(path, owner.pw_uid, owner.pw_gid)


def _run(args: list[str], *, env: dict[str, str] | None = None) -> None:
    result = subprocess.run(
        _as_owner(args),
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(args[:2])} failed ({result.returncode}):\n"
            f"{result.stdout}{result.stderr}"
        )


@dataclass
class Server:
    """One PostgreSQL server of the drill."""

    name: str
    data_dir: Path
    port: int
    password: str
    log: Path

    def url(self, database: str) -> str:
        return f"postgresql://{USER}:{self.password}@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres", **kwargs: Any) -> psycopg.Connection:
        return psycopg.connect(self.url(database), autocommit=True, **kwargs)

    def execute(self, sql: str, *, database: str = "postgres") -> None:
        with self.connect(database) as conn:
            conn.execute(sql)

    def query(self, sql: str, params: tuple = (), *, database: str = "postgres") -> Any:
        """The first column of the first row of ``sql``."""
        with self.connect(database) as conn:
            row = conn.execute(sql, params).fetchone()
        return row[0] if row else None

    def start(self) -> None:
        _run(
            [
                str(bin_dir() / "pg_ctl"),
                "-D",
                str(self.data_dir),
                "-l",
                str(self.log),
                "-w",
                "-t",
                "120",
                "start",
            ]
        )

    def stop(self) -> None:
        if not (self.data_dir / "postmaster.pid").exists():
            return
        _run(
            [
                str(bin_dir() / "pg_ctl"),
                "-D",
                str(self.data_dir),
                "-m",
                "fast",
                "-w",
                "-t",
                "60",
                "stop",
            ]
        )


def _prepare_dir(path: Path) -> Path:
    path.mkdir(mode=0o700)
    _give_to_owner(path)
    return path


def init_primary(
    work_dir: Path, *, port: int, password: str, max_connections: int
) -> Server:
    """``initdb`` a primary configured for streaming replication; start it."""
    data_dir = work_dir / "primary"
    data_dir.mkdir(mode=0o700)
    _give_to_owner(data_dir)
    socket_dir = _prepare_dir(work_dir / "sockets-primary")
    password_file = work_dir / "pgpass.tmp"
    password_file.write_text(password + "\n")
    password_file.chmod(0o600)
    _give_to_owner(password_file)
    try:
        _run(
            [
                str(bin_dir() / "initdb"),
                "-D",
                str(data_dir),
                "-U",
                USER,
                f"--pwfile={password_file}",
                "--auth=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ]
        )
    finally:
        password_file.unlink()
    with (data_dir / "postgresql.conf").open("a") as conf:
        conf.write(
            POSTGRES_CONF.format(
                port=port, socket_dir=socket_dir, max_connections=max_connections
            )
        )
    (data_dir / "pg_hba.conf").write_text(HBA_CONF.format(user=USER))
    server = Server("primary", data_dir, port, password, work_dir / "primary.log")
    _give_to_owner(work_dir)
    server.log.touch()
    _give_to_owner(server.log)
    server.start()
    return server


def init_replica(work_dir: Path, primary: Server, *, port: int) -> Server:
    """A streaming replica of ``primary`` (``pg_basebackup -R``, own slot)."""
    data_dir = work_dir / "replica"
    socket_dir = _prepare_dir(work_dir / "sockets-replica")
    _run(
        [
            str(bin_dir() / "pg_basebackup"),
            "-d",
            f"host=127.0.0.1 port={primary.port} user={USER}",
            "-D",
            str(data_dir),
            "-R",
            "-X",
            "stream",
            "-C",
            "-S",
            "drill_replica",
            "-c",
            "fast",
        ],
        env={"PGPASSWORD": primary.password},
    )
    with (data_dir / "postgresql.auto.conf").open("a") as conf:
        conf.write(f"port = {port}\nunix_socket_directories = '{socket_dir}'\n")
    replica = Server(
        "replica", data_dir, port, primary.password, work_dir / "replica.log"
    )
    replica.log.touch()
    _give_to_owner(replica.log)
    replica.start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        streaming = primary.query(
            "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"
        )
        if streaming:
            return replica
        time.sleep(0.5)
    raise RuntimeError(f"The replica does not stream; see {replica.log}")


def replication_lag(primary: Server, replica: Server) -> tuple[int, float]:
    """Bytes of WAL the replica has not replayed, and the replay lag in seconds."""
    with primary.connect() as conn:
        row = conn.execute(
            "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint, "
            "COALESCE(EXTRACT(EPOCH FROM replay_lag), 0)::float "
            "FROM pg_stat_replication WHERE application_name <> '' LIMIT 1"
        ).fetchone()
    if row is None:
        raise RuntimeError("The replica is not connected to the primary")
    return int(row[0] or 0), float(row[1] or 0.0)


def wait_until_replayed(primary: Server, *, timeout: float = 60) -> float:
    """Wait until the replica has replayed everything written so far."""
    started = time.monotonic()
    target = primary.query("SELECT pg_current_wal_lsn()::text")
    while time.monotonic() - started < timeout:
        behind = primary.query(
            "SELECT pg_wal_lsn_diff(%s::pg_lsn, replay_lsn) FROM pg_stat_replication",
            (target,),
        )
        if behind is not None and behind <= 0:
            return time.monotonic() - started
        time.sleep(0.1)
    raise RuntimeError(f"The replica did not catch up within {timeout:.0f} s")

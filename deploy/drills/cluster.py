"""The local cluster drill (``make cluster``): docs/deploy.md, run for real.

On this machine, on loopback only, it starts

* a PostgreSQL primary and a streaming replica (Debian's binaries, ``initdb``,
  ``pg_basebackup``, ports the kernel chose — never 5432),
* 3 gunicorn processes (2 sync workers each) behind HAProxy, with the
  production settings (``PRODUCTION=1``, HAProxy says ``X-Forwarded-Proto:
  https``), reads routed to the replica, the database cache shared by all,
* 2 task workers (``manage.py db_worker``),

then runs a bounded load (time and request count) of API reads and writes and
staff pages, starts a segment-log job and a delete-canceled job, and meanwhile
SIGKILLs one web process and the worker running the delete job (both come
back after 5 s, as systemd's ``Restart=always`` would do). It then checks that
every acknowledged write is in the database exactly once (on the primary and
on the replica), that both jobs finished with the right counts, and prints the
report. Everything it started is stopped, also when it fails or is
interrupted.

Environment: CLUSTER_DURATION (s, 60), CLUSTER_MAX_REQUESTS (20000),
CLUSTER_CONTACTS (3000), CLUSTER_ENTRIES (40000), CLUSTER_KEEP=1 keeps the work
directory (logs, data) for inspection.
"""

import json
import secrets
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import postgres
from app import App, env_int, environment, manage, prepare_data
from load import Http, Load, token_client
from processes import Supervisor, free_port, run_drill, wait_for_port
from report import ClusterFacts, print_report, verify

WEB_PROCESSES = 3
WEB_WORKERS = 2
TASK_WORKERS = 2
MAX_CONNECTIONS = 40
RESTART_AFTER = 5.0
STUCK_AFTER = 20.0
JOB_TIMEOUT = 240.0

# What the health check sends: the production settings answer only HTTPS.
CHECK_HEADERS = "hdr Host 127.0.0.1 hdr X-Forwarded-Proto https"
HAPROXY_CFG = """
global
    maxconn 512

defaults
    mode http
    timeout connect 2s
    timeout client 90s
    timeout server 90s
    # Connection failures only (the default): a request a server received is
    # never sent twice by the balancer; clients retry with Idempotency-Key.
    retries 3
    option redispatch 1
    option forwardfor

frontend crm
    bind 127.0.0.1:{port}
    http-request set-header X-Forwarded-Proto https
    default_backend web

backend web
    balance roundrobin
    option httpchk
    http-check send meth GET uri /accounts/login/ ver HTTP/1.1 {check_headers}
    http-check expect status 200
    default-server inter 1s fall 2 rise 2
{servers}

listen stats
    bind 127.0.0.1:{stats_port}
    stats enable
    stats uri /stats
"""


def ensure_haproxy() -> str:
    found = shutil.which("haproxy")
    if found:
        return found
    print("  installing haproxy (apt-get) …")
    subprocess.run(["apt-get", "install", "-y", "-qq", "haproxy"], check=True)
    found = shutil.which("haproxy")
    if not found:
        raise RuntimeError("haproxy is not installed and could not be installed")
    return found


@dataclass
class Cluster:
    work_dir: Path
    supervisor: Supervisor
    app: App | None = None
    primary: postgres.Server | None = None
    replica: postgres.Server | None = None
    web_ports: dict[str, int] = field(default_factory=dict)
    lb_port: int = 0
    stats_port: int = 0

    def start_web(self, name: str) -> None:
        assert self.app
        self.app.start_web(name, self.web_ports[name], workers=WEB_WORKERS)

    def stop(self) -> None:
        self.supervisor.stop_all()
        for server in (self.replica, self.primary):
            if server is not None:
                try:
                    server.stop()
                except Exception as exc:
                    print(f"  could not stop PostgreSQL {server.name}: {exc}")


def set_up(cluster: Cluster, facts: ClusterFacts) -> dict[str, Any]:
    work = cluster.work_dir
    password = secrets.token_urlsafe(24)
    print("  PostgreSQL primary (initdb) …")
    primary = postgres.init_primary(
        work, port=free_port(), password=password, max_connections=MAX_CONNECTIONS
    )
    cluster.primary = primary
    primary.execute("CREATE DATABASE crm")
    print("  streaming replica (pg_basebackup) …")
    cluster.replica = postgres.init_replica(work, primary, port=free_port())
    facts.postgres_version = primary.query("SHOW server_version")
    # The documented production environment, and what a drill needs: jobs from
    # 1,000 rows on, small delete batches (so a kill lands mid-job), one client
    # at high speed.
    env = environment(
        database_url=primary.url("crm"),
        work_dir=work,
        production=True,
        DATABASE_REPLICA_URL=cluster.replica.url("crm"),
        CACHE_BACKEND="database",
        CRM_BACKGROUND_THRESHOLD="1000",
        CRM_DELETE_BATCH_SIZE="200",
        API_THROTTLE_RATE="1000000/min",
    )
    cluster.app = App(cluster.supervisor, env)
    contacts = env_int("CLUSTER_CONTACTS", 3000)
    entries = env_int("CLUSTER_ENTRIES", 40_000)
    print(f"  migrate; data: {contacts} contacts, {entries} log entries, a segment …")
    data = prepare_data(env, contacts=contacts, entries=entries)
    manage(env, "collectstatic", "--no-input", "-v", "0")

    print(f"  {TASK_WORKERS} task workers, {WEB_PROCESSES} gunicorn, HAProxy …")
    for number in range(1, TASK_WORKERS + 1):
        cluster.app.start_worker(f"worker-{number}")
    for number in range(1, WEB_PROCESSES + 1):
        cluster.web_ports[f"web-{number}"] = free_port()
        cluster.start_web(f"web-{number}")
    cluster.lb_port, cluster.stats_port = free_port(), free_port()
    servers = "\n".join(
        f"    server {name} 127.0.0.1:{port} check"
        for name, port in cluster.web_ports.items()
    )
    config = work / "haproxy.cfg"
    config.write_text(
        HAPROXY_CFG.format(
            port=cluster.lb_port,
            servers=servers,
            stats_port=cluster.stats_port,
            check_headers=CHECK_HEADERS,
        )
    )
    haproxy = cluster.supervisor.start(
        "haproxy", [ensure_haproxy(), "-f", str(config), "-db"], env=env
    )
    wait_for_port(cluster.lb_port, timeout=30, process=haproxy)
    facts.haproxy_version = " ".join(
        subprocess.run(
            [ensure_haproxy(), "-v"], capture_output=True, text=True
        ).stdout.split()[:3:2]
    )
    # Every server up in HAProxy before the load starts.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and haproxy_up(cluster) < WEB_PROCESSES:
        time.sleep(0.5)
    return data


def haproxy_stats(cluster: Cluster) -> list[dict[str, str]]:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", cluster.stats_port, timeout=5)
    connection.request("GET", "/stats;csv")
    lines = connection.getresponse().read().decode().lstrip("# ").splitlines()
    header = lines[0].split(",")
    return [dict(zip(header, line.split(","), strict=False)) for line in lines[1:]]


def haproxy_up(cluster: Cluster) -> int:
    return sum(
        1
        for row in haproxy_stats(cluster)
        if row["pxname"] == "web"
        and row["svname"].startswith("web-")
        and row["status"] == "UP"
    )


def activity(server: postgres.Server) -> dict[str, int]:
    """Transactions and scans of the busy tables so far (the server's own stats)."""
    with server.connect("crm") as conn:
        xacts = conn.execute(
            "SELECT xact_commit FROM pg_stat_database WHERE datname = 'crm'"
        ).fetchone()[0]
        scans = conn.execute(
            "SELECT COALESCE(sum(seq_scan + COALESCE(idx_scan, 0)), 0) "
            "FROM pg_stat_user_tables WHERE relname IN "
            "('interactions_interactionlogentry', 'contacts_contact')"
        ).fetchone()[0]
        backends = conn.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE backend_type = 'client backend'"
        ).fetchone()[0]
    return {"transactions": int(xacts), "scans": int(scans), "backends": int(backends)}


def sample_lag(cluster: Cluster, facts: ClusterFacts, stop: threading.Event) -> None:
    assert cluster.primary and cluster.replica
    while not stop.is_set():
        try:
            lag_bytes, lag_seconds = postgres.replication_lag(
                cluster.primary, cluster.replica
            )
            facts.lag_bytes.append(lag_bytes)
            facts.lag_seconds.append(lag_seconds)
            facts.peak_backends["primary"] = max(
                facts.peak_backends["primary"], activity(cluster.primary)["backends"]
            )
            facts.peak_backends["replica"] = max(
                facts.peak_backends["replica"], activity(cluster.replica)["backends"]
            )
        except Exception as exc:  # a sample lost is not a failure of the drill
            facts.notes.append(f"lag sample failed: {exc!r}")
        stop.wait(0.5)


def start_job(admin: Http, path: str, body: dict[str, Any]) -> str:
    status, content = admin.request(
        "start job",
        "POST",
        path,
        body=body,
        headers={"Idempotency-Key": secrets.token_hex(8)},
    )
    if status != 202:
        raise RuntimeError(f"POST {path} answered {status}, not 202: {content[:300]!r}")
    return str(json.loads(content)["id"])


def job_state(admin: Http, job_id: str) -> dict[str, Any]:
    status, content = admin.request("poll job", "GET", f"/api/v1/jobs/{job_id}/")
    return json.loads(content) if status == 200 else {"status": f"HTTP {status}"}


def worker_running(cluster: Cluster, job_id: str) -> str | None:
    """The live task worker whose task runs ``job_id`` (None: none alive does).

    A killed worker's task row stays "RUNNING" with its id; only a process
    that is still alive counts.
    """
    assert cluster.primary
    with cluster.primary.connect("crm") as conn:
        claimed_by = [
            row[0]
            for row in conn.execute(
                "SELECT worker_ids ->> -1 FROM django_tasks_database_dbtaskresult "
                "WHERE status = 'RUNNING' "
                "AND args_kwargs -> 'kwargs' ->> 'job_id' = %s",
                (job_id,),
            )
        ]
    processes = cluster.supervisor.processes
    alive = [name for name in claimed_by if name in processes and processes[name].alive]
    return alive[0] if alive else None


def drive(cluster: Cluster, facts: ClusterFacts, data: dict[str, Any]) -> Load:
    """The load, the two jobs and the two kills; returns the finished load."""
    assert cluster.primary
    load = Load(
        port=cluster.lb_port,
        run=facts.run,
        integrator_tokens=data["integrator_tokens"],
        admin=("drill-admin", data["admin_password"]),
        contact_nos=data["contact_nos"],
        template=data["template"],
        duration=float(env_int("CLUSTER_DURATION", 60)),
        max_requests=env_int("CLUSTER_MAX_REQUESTS", 20_000),
    )
    # The operator's requests (jobs) are recorded apart from the load's.
    admin = token_client(cluster.lb_port, facts.control, data["admin_token"])
    facts.activity_before = {
        "primary": activity(cluster.primary),
        "replica": activity(cluster.replica),  # type: ignore[arg-type]
    }
    started = time.monotonic()
    facts.load_started = started
    threads = load.start(writers=3, readers=4)
    time.sleep(5)

    facts.jobs["log segment"] = start_job(
        admin, f"/api/v1/segments/{data['segment_no']}/log/", {}
    )
    filters = {"entry_no_to": data["max_entry_no"]}
    status, content = admin.request(
        "dry run", "POST", "/api/v1/interactions/delete-canceled/", body=filters
    )
    facts.delete_previewed = json.loads(content)["count"] if status == 200 else -1
    facts.jobs["delete canceled"] = start_job(
        admin, "/api/v1/interactions/delete-canceled/", {**filters, "dry_run": False}
    )

    # Kill the worker that runs the delete job while it is half-way.
    delete_job = facts.jobs["delete canceled"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        state = job_state(admin, delete_job)
        worker = worker_running(cluster, delete_job)
        if (
            state.get("status") == "running"
            and 0 < state["done"] < state["total"]
            and worker
        ):
            cluster.supervisor.kill(worker)
            facts.kills.append(
                (
                    time.monotonic() - started,
                    worker,
                    "db_worker running the delete job at "
                    f"{state['done']:,}/{state['total']:,}",
                )
            )
            break
        if state.get("is_finished"):
            break
        time.sleep(0.2)
    else:
        worker = None
    if not facts.kills:
        worker = cluster.app.workers[0]
        cluster.supervisor.kill(worker)
        facts.kills.append(
            (
                time.monotonic() - started,
                worker,
                "db_worker (the delete job had finished before it could be caught)",
            )
        )
    time.sleep(2)
    signalled = time.monotonic()
    cluster.supervisor.kill("web-2")
    facts.kills.append(
        (signalled - started, "web-2", "gunicorn master and its 2 workers")
    )
    # Requests that got no answer from web-2 because it died: in flight from
    # the signal until its processes were gone.
    facts.web_kill_windows.append((signalled, time.monotonic()))

    time.sleep(RESTART_AFTER)
    assert worker is not None
    cluster.app.start_worker(f"{worker}-restarted")
    cluster.start_web("web-2")
    facts.restarts = [f"{worker} as {worker}-restarted", "web-2"]

    # Watch the jobs while the load goes on. The delete job: does it finish by
    # itself? If it stays "running" without progress and without a live
    # worker, the operator resumes it (docs/operations.md, "Background jobs").
    last_done, last_change = -1, time.monotonic()
    deadline = time.monotonic() + load.duration + JOB_TIMEOUT
    while time.monotonic() < deadline:
        states = {name: job_state(admin, job_id) for name, job_id in facts.jobs.items()}
        finished = all(state.get("is_finished") for state in states.values())
        if finished and not facts.jobs_seconds:
            facts.jobs_seconds = time.monotonic() - started
        if finished and not any(thread.is_alive() for thread in threads):
            break
        delete_state = states["delete canceled"]
        if delete_state.get("done") != last_done:
            last_done, last_change = delete_state.get("done", -1), time.monotonic()
        elif (
            delete_state.get("status") == "running"
            and not worker_running(cluster, delete_job)
            and time.monotonic() - last_change > STUCK_AFTER
            and not facts.resumed_by_operator
        ):
            manage(
                cluster.app.env,
                "shell",
                "-c",
                "from interactions_crm.platform.jobs import resume_job\n"
                "from interactions_crm.platform.models import BackgroundJob\n"
                f"job = BackgroundJob.objects.get(pk='{delete_job}')\n"
                "resume_job(job=job, kind=job.kind)\n",
            )
            facts.resumed_by_operator = time.monotonic() - started
        time.sleep(0.5)
    load.stop.set()
    for thread in threads:
        thread.join(timeout=120)
    facts.load_seconds = (load.ended or time.monotonic()) - started
    facts.final_jobs = {
        name: job_state(admin, job_id) for name, job_id in facts.jobs.items()
    }
    facts.haproxy = {
        row["svname"]: int(row.get("stot") or 0)
        for row in haproxy_stats(cluster)
        if row["pxname"] == "web" and row["svname"].startswith("web-")
    }
    return load


def drill(work_dir: Path, supervisor: Supervisor, facts: ClusterFacts) -> bool:
    started = time.monotonic()
    cluster = Cluster(work_dir=work_dir, supervisor=supervisor)
    try:
        data = set_up(cluster, facts)
        facts.setup_seconds = time.monotonic() - started
        stop_sampling = threading.Event()
        sampler = threading.Thread(
            target=sample_lag, args=(cluster, facts, stop_sampling), daemon=True
        )
        sampler.start()
        print("  load, jobs and kills …")
        try:
            load = drive(cluster, facts, data)
        finally:
            stop_sampling.set()
            sampler.join(timeout=5)
        assert cluster.primary and cluster.replica
        facts.catch_up_seconds = postgres.wait_until_replayed(cluster.primary)
        time.sleep(1.5)  # let the servers publish their statistics
        facts.activity_after = {
            "primary": activity(cluster.primary),
            "replica": activity(cluster.replica),
        }
        checks = verify(cluster.primary, cluster.replica, load, facts, data)
        facts.total_seconds = time.monotonic() - started
        return print_report(facts, load, checks, data)
    finally:
        print("  stopping everything …")
        cluster.stop()


def main() -> int:
    facts = ClusterFacts(run=secrets.token_hex(3))
    return run_drill(
        f"Cluster drill {facts.run}",
        keep_variable="CLUSTER_KEEP",
        body=lambda work_dir, supervisor: drill(work_dir, supervisor, facts),
    )


if __name__ == "__main__":
    sys.exit(main())

"""Outbox throughput: N queued messages sent to a loopback SMTP server (§12).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/crm_bench \\
        .venv/bin/python bench/outbox.py [--messages 100000]

Also case 7 of ``make bench`` (:func:`outbox_checks`, messages scaled by
``BENCH_SCALE``). Queues the messages set-based (one ``INSERT … SELECT``
over ``generate_series``, all for one entry), starts the loopback SMTP
server (``tests/outbox/smtp.py``) and one ``manage.py send_outbox
--until-empty`` worker as processes, and reports messages per second and
the worker's memory growth (peak RSS minus RSS once it was sending; budget
< 100 MB, so a long run does not grow with the queue). The rows are deleted
afterwards.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MEMORY_BUDGET_MB = 100
FULL_MESSAGES = 100_000


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _queue(messages: int) -> int:
    """Queue ``messages`` rows for one fresh entry; return the entry number."""
    from django.db import connection
    from django.utils import timezone

    from contacts.models import Contact
    from interactions.models import InteractionGroup, InteractionLogEntry
    from interactions.models import InteractionTemplate as Template

    group, _ = InteractionGroup.objects.get_or_create(code="BENCH-OB")
    template, _ = Template.objects.get_or_create(code="BENCH-OB", group=group)
    contact, _ = Contact.objects.get_or_create(
        no="BENCH-OB", defaults={"type": "person", "name": "Outbox bench"}
    )
    entry = InteractionLogEntry.objects.create(
        contact=contact, template=template, group=group, date=timezone.localdate()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO interactions_outboxmessage
                (entry_id, account, purpose, recipient, from_email, reply_to,
                 subject, body, message_id, status, attempts, next_attempt_at,
                 claimed_by, last_error, created_at)
            SELECT %s, 'default', 'service', 'p' || n || '@bench.example',
                   'crm@example.com', '', 'Bench ' || n,
                   repeat('Lorem ipsum dolor sit amet. ', 40),
                   '<bench-' || n || '-' || %s || '@bench.example>', 'queued', 0,
                   now(), '', '', now()
            FROM generate_series(1, %s) AS n
            """,
            [entry.entry_no, entry.entry_no, messages],
        )
    return entry.entry_no


def _cleanup(entry_no: int) -> None:
    from interactions.models import InteractionLogEntry, OutboxMessage

    OutboxMessage.objects.filter(entry_id=entry_no)._raw_delete("default")
    # The ledger guard deletes canceled entries only.
    entry = InteractionLogEntry.objects.filter(entry_no=entry_no)
    entry.update(canceled=True)
    entry.delete()


def run(messages: int) -> dict[str, Any]:
    """Send ``messages`` queued messages with one worker; measure it."""
    from django.db import connection

    from interactions.models import OutboxMessage, OutboxStatus
    from tests.outbox.smtp import free_port

    entry_no = _queue(messages)
    port = free_port()
    log = Path(tempfile.mkdtemp()) / "received.txt"
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.outbox.smtp", str(port), "0", str(log)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
    )
    assert server.stdout is not None and server.stdout.readline().strip() == b"ready"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/"
        f"{db['NAME']}",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "CRM_OUTBOX_PER_MINUTE": str(10**9),
        "CRM_OUTBOX_BATCH_SIZE": "200",
    }
    started = time.monotonic()
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "send_outbox", "--until-empty"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    baseline = peak = 0.0
    try:
        while worker.poll() is None:
            time.sleep(0.5)
            rss = _rss_mb(worker.pid)
            # The baseline is taken once the worker is sending (imports done).
            if not baseline and log.exists() and log.stat().st_size > 0:
                baseline = rss
            peak = max(peak, rss)
        elapsed = time.monotonic() - started
        sent = OutboxMessage.objects.filter(
            entry_id=entry_no, status=OutboxStatus.SENT
        ).count()
        received = len(log.read_text().split()) if log.exists() else 0
    finally:
        if worker.poll() is None:
            worker.kill()
        server.kill()
        server.wait()
        _cleanup(entry_no)
    return {
        "messages": messages,
        "sent": sent,
        "received": received,
        "seconds": round(elapsed, 1),
        "per_second": round(sent / elapsed, 1) if elapsed else 0.0,
        "rss_start_mb": round(baseline, 1),
        "rss_peak_mb": round(peak, 1),
        "growth_mb": round(peak - baseline, 1) if baseline else round(peak, 1),
        "worker_output": worker.stdout.read().decode().strip() if worker.stdout else "",
    }


def outbox_checks(scale: float) -> list[Any]:
    """Case 7 of ``make bench``: throughput (info) and memory growth (budget)."""
    from bench.harness import Check

    # BENCH_OUTBOX_MESSAGES caps the case: at ~40 msg/s the full 100,000
    # take ~40 minutes, longer than every other case together.
    messages = max(1_000, int(FULL_MESSAGES * scale))
    messages = int(os.environ.get("BENCH_OUTBOX_MESSAGES", messages))
    result = run(messages)
    detail = (
        f"{result['sent']:,} of {messages:,} sent in {result['seconds']} s; "
        f"RSS {result['rss_start_mb']} → {result['rss_peak_mb']} MB"
    )
    return [
        Check(
            case="7",
            what="outbox: messages sent per second (one worker)",
            value=result["per_second"],
            unit="msg/s",
            kind="info",
            limit=0,
            detail=detail,
        ),
        Check(
            case="7",
            what="outbox: worker memory growth while sending",
            value=result["growth_mb"],
            unit="MB",
            kind="max_value",
            limit=MEMORY_BUDGET_MB,
            detail=detail,
        ),
        Check(
            case="7",
            what="outbox: every queued message sent once",
            value=result["received"],
            unit="messages",
            kind="equal",
            limit=0,
            baseline_what="queued",
            baseline=messages,
            detail=detail,
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=FULL_MESSAGES)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interactions_crm.settings")
    import django

    django.setup()
    result = run(args.messages)
    for key, value in result.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()

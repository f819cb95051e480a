"""The outbox drill (issue #10 "Done when", DOMAIN §12): delivered exactly once.

A 2,000-line segment is logged with "send"; two ``send_outbox`` worker
processes send it to a loopback SMTP server that fails 10 % of attempts
temporarily; one worker is killed with SIGKILL mid-batch and restarted.
Afterwards every line is sent, failed or suppressed, nothing stays queued,
and the server received each Message-ID at most once — except at most one
message in flight per killed worker.
"""

import collections
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from contacts.models import Contact, CorrespondenceType, MailingGroup
from interactions import services
from interactions.models import (
    DeliveryStatus,
    InteractionLogEntry,
    OptOutMethod,
    OutboxMessage,
    OutboxStatus,
    TemplatePurpose,
)
from interactions.services.outbox import record_opt_out
from tests import factories
from tests.outbox.smtp import free_port
from tests.outbox.support import email_template

LINES = 2000
OPTED_OUT = 20
BASE_DIR = Path(settings.BASE_DIR)


def make_contacts() -> MailingGroup:
    group = MailingGroup.objects.create(code="DRILL", description="Drill")
    contacts = Contact.objects.bulk_create(
        Contact(
            no=f"DR{n:05d}",
            type=Contact.Type.PERSON,
            name=f"Drill person {n}",
            email=f"drill{n}@drill.example",
        )
        for n in range(LINES)
    )
    Contact.mailing_groups.through.objects.bulk_create(
        Contact.mailing_groups.through(contact_id=c.pk, mailinggroup_id=group.pk)
        for c in contacts
    )
    for contact in contacts[:OPTED_OUT]:
        record_opt_out(contact=contact, method=OptOutMethod.LINK)
    return group


def log_and_queue(actor) -> None:
    template = email_template("DRILL", TemplatePurpose.MARKETING)
    segment = services.create_segment(
        actor=actor,
        description="Drill",
        template=template,
        salesperson=factories.SalespersonFactory(code="DRILL"),
    )
    services.add_contacts(
        segment=segment, actor=actor, criteria={"mailing_group": "DRILL"}
    )
    services.update_segment_header(
        actor=actor,
        segment=segment,
        ignore_contact_correspondence_type=True,
        correspondence_type=CorrespondenceType.EMAIL,
        update_lines=True,
    )
    services.log_segment(segment=segment, actor=actor, send=True)


def worker(name: str, port: int) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "CRM_OUTBOX_PER_MINUTE": "1000000",
        "CRM_OUTBOX_RETRY_BASE": "0",
        "CRM_OUTBOX_MAX_ATTEMPTS": "30",
        "CRM_OUTBOX_CLAIM_TIMEOUT": "3",
        "CRM_OUTBOX_BATCH_SIZE": "25",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "send_outbox",
            "--poll",
            "0.2",
            "--worker-id",
            name,
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def smtp_process(port: int, log: Path) -> subprocess.Popen:
    """The loopback SMTP server in its own process, failing 10 % temporarily."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.outbox.smtp", str(port), "0.10", str(log)],
        cwd=BASE_DIR,
        stdout=subprocess.PIPE,
    )
    assert process.stdout.readline().strip() == b"ready"
    return process


def received_ids(log: Path) -> list[str]:
    return log.read_text().split() if log.exists() else []


def unfinished() -> int:
    return OutboxMessage.objects.filter(
        status__in=[OutboxStatus.QUEUED, OutboxStatus.SENDING]
    ).count()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_one_killed_deliver_every_message_once(admin_user, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: worker processes share the database with the test "
            "(the SQLite test database is in memory) and claim with SKIP LOCKED"
        )
    make_contacts()
    log_and_queue(admin_user)
    assert unfinished() == LINES - OPTED_OUT

    port, log = free_port(), tmp_path / "received.txt"
    server = smtp_process(port, log)
    workers = {"w1": worker("w1", port), "w2": worker("w2", port)}
    killed = 0
    try:
        deadline = time.monotonic() + 120
        while len(received_ids(log)) < 300 and time.monotonic() < deadline:
            time.sleep(0.05)
        # Mid-batch: w1 holds a claim of up to 25 messages and is sending.
        workers["w1"].send_signal(signal.SIGKILL)
        workers["w1"].wait()
        killed += 1
        workers["w1b"] = worker("w1b", port)

        while unfinished() and time.monotonic() < deadline:
            time.sleep(0.25)
    finally:
        for process in workers.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in workers.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        server.kill()
        server.wait()

    assert unfinished() == 0, "messages stayed queued"
    entries = InteractionLogEntry.objects.filter(segment_no__gt="")
    statuses = collections.Counter(entries.values_list("delivery_status", flat=True))
    assert sum(statuses.values()) == LINES
    assert set(statuses) <= {
        DeliveryStatus.SENT,
        DeliveryStatus.FAILED,
        DeliveryStatus.SUPPRESSED,
    }
    assert statuses[DeliveryStatus.SUPPRESSED] == OPTED_OUT

    received = collections.Counter(received_ids(log))
    duplicates = sum(count - 1 for count in received.values() if count > 1)
    assert duplicates <= killed, f"{duplicates} messages went out twice"
    sent_ids = set(
        OutboxMessage.objects.filter(status=OutboxStatus.SENT).values_list(
            "message_id", flat=True
        )
    )
    # No message lost: every one marked sent reached the server, and the server
    # got nothing the outbox does not know as sent.
    assert sent_ids == set(received)
    assert statuses[DeliveryStatus.SENT] == len(sent_ids)

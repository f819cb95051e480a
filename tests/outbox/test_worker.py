"""DOMAIN §12 outbox: claim, send through real SMTP, retry, fail, take over.

Every test sends to an aiosmtpd server on loopback through Django's SMTP
backend; the server's script stands in for a mail server's answers.
"""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from interactions.models import (
    DeliveryStatus,
    OutboxMessage,
    OutboxStatus,
    Suppression,
    SuppressionReason,
    TemplatePurpose,
)
from interactions.services.outbox import run_worker
from interactions.services.outbox.worker import backoff, claim
from tests import factories
from tests.outbox.support import email_template, queue_email


@pytest.fixture
def template(db):
    return email_template(purpose=TemplatePurpose.SERVICE)


def queue(staff_user, salesperson, template, count=1):
    return [
        queue_email(staff_user, factories.PersonFactory(), template, salesperson)
        for _ in range(count)
    ]


def test_temporary_failure_is_retried_with_backoff_then_sent(
    smtp_server, settings, staff_user, salesperson, template
):
    smtp_server.handler.data_replies = ["451 4.7.1 Greylisted, try again"]
    [entry] = queue(staff_user, salesperson, template)

    first = run_worker()

    message = OutboxMessage.objects.get()
    assert (first.retried, first.sent) == (1, 0)
    assert message.status == OutboxStatus.QUEUED
    assert "451 4.7.1 Greylisted" in message.last_error
    assert message.next_attempt_at > timezone.now() + dt.timedelta(seconds=50)
    assert smtp_server.received == []
    # Not due yet: a worker leaves it alone.
    assert run_worker().claimed == 0

    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    second = run_worker()

    assert second.sent == 1
    message.refresh_from_db()
    entry.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 2)
    assert entry.delivery_status == DeliveryStatus.SENT
    assert smtp_server.handler.message_ids() == [message.message_id]


def test_permanent_failure_fails_and_suppresses_the_address(
    smtp_server, staff_user, salesperson, template
):
    [entry] = queue(staff_user, salesperson, template)
    smtp_server.handler.refuse_recipient[entry.contact.email] = (
        "550 5.1.1 <x>: Recipient address rejected"
    )

    result = run_worker()

    assert result.failed == 1
    message = OutboxMessage.objects.get()
    entry.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert message.last_error.startswith("550 5.1.1")
    assert entry.delivery_status == DeliveryStatus.FAILED
    suppression = Suppression.objects.get()
    assert suppression.address == entry.contact.email.lower()
    assert suppression.reason == SuppressionReason.HARD_BOUNCE
    assert "550 5.1.1" in suppression.source


def test_rejected_data_fails_without_retry(
    smtp_server, staff_user, salesperson, template
):
    smtp_server.handler.data_replies = ["554 5.7.1 Spam detected"]
    [entry] = queue(staff_user, salesperson, template)

    run_worker()

    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, 1)
    assert "554 5.7.1 Spam detected" in message.last_error


def test_gives_up_after_the_last_attempt(
    smtp_server, settings, staff_user, salesperson, template
):
    settings.CRM_OUTBOX_MAX_ATTEMPTS = 2
    settings.CRM_OUTBOX_RETRY_BASE = 0
    smtp_server.handler.data_replies = ["421 4.3.2 Busy"] * 2

    [entry] = queue(staff_user, salesperson, template)
    run_worker()

    message = OutboxMessage.objects.get()
    entry.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, 2)
    assert message.last_error.startswith("Gave up after 2 attempts: 421")
    assert entry.delivery_status == DeliveryStatus.FAILED
    assert not Suppression.objects.exists()  # never a hard bounce


def test_backoff_doubles_up_to_the_maximum(settings):
    settings.CRM_OUTBOX_RETRY_BASE = 60
    settings.CRM_OUTBOX_RETRY_MAX = 300
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 300]


def test_claims_never_overlap(staff_user, salesperson, template):
    queue(staff_user, salesperson, template, count=5)

    first = claim(worker="a", account="default", limit=3)
    second = claim(worker="b", account="default", limit=3)

    assert len(first) == 3 and len(second) == 2
    assert not set(first) & set(second)
    assert claim(worker="c", account="default", limit=3) == []


def test_stale_claim_is_taken_over_with_the_same_message_id(
    smtp_server, settings, staff_user, salesperson, template
):
    [entry] = queue(staff_user, salesperson, template)
    [claimed] = claim(worker="dead-worker", account="default", limit=10)
    # The worker died: nobody sends it until the claim is stale.
    assert run_worker().claimed == 0

    OutboxMessage.objects.update(claimed_at=timezone.now() - dt.timedelta(minutes=6))
    result = run_worker()

    assert result.sent == 1
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 2)
    assert smtp_server.handler.message_ids() == [message.message_id]
    # The dead worker's late answer no longer counts (its claim is gone).
    from interactions.services.outbox.worker import _settle

    assert not _settle(
        message,
        worker="dead-worker",
        status=OutboxStatus.FAILED,
        entry_status=DeliveryStatus.FAILED,
    )


def test_throttle_per_sending_account(settings, staff_user, salesperson, template):
    settings.CRM_OUTBOX_PER_MINUTE = {"default": 3}
    queue(staff_user, salesperson, template, count=5)

    assert len(claim(worker="a", account="default", limit=10)) == 3
    assert claim(worker="b", account="default", limit=10) == []

    # A minute later the account may send again.
    OutboxMessage.objects.update(claimed_at=timezone.now() - dt.timedelta(minutes=2))
    assert len(claim(worker="b", account="default", limit=10)) == 2


def test_unknown_sending_account_is_refused(
    settings, staff_user, salesperson, template
):
    settings.CRM_OUTBOX_PER_MINUTE = {}
    queue(staff_user, salesperson, template)

    with pytest.raises(ImproperlyConfigured, match="sending account 'default'"):
        run_worker()


def test_message_is_sent_as_queued_with_its_message_id(
    smtp_server, staff_user, salesperson, template
):
    [entry] = queue(staff_user, salesperson, template)
    message = OutboxMessage.objects.get()
    assert message.subject == f"News for {entry.contact.name}"
    assert message.body == f"Dear {entry.contact.name}"

    run_worker()

    [received] = smtp_server.received
    assert received.message_id == message.message_id
    assert received.message["Subject"] == message.subject
    # Service mail has no unsubscribe headers.
    assert received.message["List-Unsubscribe"] is None

"""DOMAIN §12 bounces: delivery status notifications fed by command and API."""

import mailbox

import pytest
from django.core.management import call_command

from interactions.models import (
    DeliveryStatus,
    OutboxMessage,
    OutboxStatus,
    Suppression,
    SuppressionReason,
    TemplatePurpose,
)
from interactions.services.outbox import run_worker
from interactions.services.outbox.bounces import feed_dsn
from tests.outbox.dsn import dsn
from tests.outbox.support import email_template, queue_email


@pytest.fixture
def sent(smtp_server, staff_user, salesperson, person):
    entry = queue_email(
        staff_user, person, email_template(purpose=TemplatePurpose.SERVICE), salesperson
    )
    run_worker()
    message = OutboxMessage.objects.get()
    assert message.status == OutboxStatus.SENT
    return entry, message


def test_hard_bounce_fails_the_message_and_suppresses_the_address(sent):
    entry, message = sent

    result = feed_dsn(
        dsn(recipient=message.recipient, status="5.1.1", message_id=message.message_id)
    )

    assert (result.failed, result.suppressed) == (1, 1)
    message.refresh_from_db()
    entry.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert message.last_error.startswith("DSN 5.1.1")
    assert entry.delivery_status == DeliveryStatus.FAILED
    suppression = Suppression.objects.get()
    assert (suppression.address, suppression.reason) == (
        message.recipient.lower(),
        SuppressionReason.HARD_BOUNCE,
    )


def test_soft_bounce_fails_the_message_without_suppressing(sent):
    _entry, message = sent
    feed_dsn(
        dsn(recipient=message.recipient, status="4.2.2", message_id=message.message_id)
    )
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert not Suppression.objects.exists()


def test_delayed_notice_changes_nothing(sent):
    _entry, message = sent
    result = feed_dsn(
        dsn(
            recipient=message.recipient,
            status="4.4.1",
            action="delayed",
            message_id=message.message_id,
        )
    )
    assert result.ignored == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT


def test_command_reads_an_mbox(sent, tmp_path):
    _entry, message = sent
    path = tmp_path / "bounces.mbox"
    box = mailbox.mbox(path)
    box.add(
        dsn(recipient=message.recipient, status="5.1.1", message_id=message.message_id)
    )
    box.add(b"From: someone@example.com\r\nSubject: hello\r\n\r\nnot a bounce\r\n")
    box.close()

    from io import StringIO

    out = StringIO()
    call_command("feed_bounces", str(path), stdout=out)

    assert (
        "1 delivery reports, 1 messages failed, 1 addresses suppressed"
        in out.getvalue()
    )
    assert "1 not reports" in out.getvalue()
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED


def test_command_reads_a_maildir_and_deletes(sent, tmp_path):
    _entry, message = sent
    box = mailbox.Maildir(tmp_path / "Maildir")
    box.add(
        dsn(recipient=message.recipient, status="5.1.1", message_id=message.message_id)
    )

    call_command("feed_bounces", str(tmp_path / "Maildir"), "--delete")

    assert Suppression.objects.filter(address=message.recipient.lower()).exists()
    assert len(mailbox.Maildir(tmp_path / "Maildir")) == 0


def test_command_refuses_a_missing_path(db, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="does not exist"):
        call_command("feed_bounces", str(tmp_path / "nowhere"))


def test_api_feeds_a_bounce(sent, admin_user):
    from rest_framework.test import APIClient

    _entry, message = sent
    client = APIClient()
    client.force_authenticate(admin_user)
    raw = dsn(
        recipient=message.recipient, status="5.1.1", message_id=message.message_id
    )

    response = client.post(
        "/api/v1/outbox/bounces/", {"message": raw.decode()}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["suppressed"] == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED


def test_api_refuses_what_is_not_a_report(db, admin_user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(admin_user)
    response = client.post(
        "/api/v1/outbox/bounces/",
        {"message": "Subject: hi\r\n\r\nhello"},
        format="json",
    )
    assert response.status_code == 422  # not a delivery status notification
    assert "Not a delivery status notification" in response.content.decode()


def test_api_needs_the_change_permission(db, staff_user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(staff_user)
    response = client.post("/api/v1/outbox/bounces/", {"message": "x"}, format="json")
    assert response.status_code == 403

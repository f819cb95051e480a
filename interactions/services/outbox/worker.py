"""Outbox workers: claim queued messages, send them, record the outcome (§12).

A worker claims a batch in one short transaction (PostgreSQL: ``SELECT … FOR
UPDATE SKIP LOCKED``, so several workers never claim the same row; SQLite
serialises writers, so the conditional ``UPDATE`` alone is the claim), then
sends the messages one by one through the account's mailer and commits each
outcome right after its send. A worker that dies leaves its claim behind;
after ``CRM_OUTBOX_CLAIM_TIMEOUT`` another worker takes it over. Only the
message whose send was in flight can then go out twice — with the same
Message-ID, fixed when it was queued — and no message is lost.

Outcomes: accepted → sent; 4xx or no connection → queued again with
exponential backoff (failed after ``CRM_OUTBOX_MAX_ATTEMPTS``); 5xx → failed
with the server's reply, and a refused recipient suppresses the address.
"""

import datetime as dt
import email.policy
import logging
import os
import smtplib
import socket
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from interactions.models import (
    DeliveryStatus,
    OutboxMessage,
    OutboxStatus,
    SuppressionReason,
    TemplatePurpose,
)
from interactions.services.outbox.consent import suppress_address, unsubscribe_url

logger = logging.getLogger(__name__)


@dataclass
class WorkerResult:
    """What one worker run did, per outcome."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    claimed: int = 0
    rounds: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Failure:
    """A send that did not succeed: permanent or not, the reply, whose fault."""

    permanent: bool
    reply: str
    recipient_refused: bool = False


def worker_name() -> str:
    """This worker's claim mark: host, process and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def per_minute(account: str) -> int:
    """The account's throttle (messages per minute); refused when not configured."""
    limits: dict[str, int] = settings.CRM_OUTBOX_PER_MINUTE
    if account not in limits:
        raise ImproperlyConfigured(
            f"CRM_OUTBOX_PER_MINUTE has no limit for the sending account {account!r}."
        )
    return limits[account]


def _lock_account(account: str) -> None:
    """Serialise claims per account, so the throttle holds across workers."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [account])


def claim(*, worker: str, account: str, limit: int) -> list[int]:
    """Claim up to ``limit`` due messages of ``account`` (within its throttle)."""
    now = timezone.now()
    with transaction.atomic():
        _lock_account(account)
        used = OutboxMessage.objects.filter(
            account=account, claimed_at__gt=now - dt.timedelta(minutes=1)
        ).count()
        limit = min(limit, per_minute(account) - used)
        if limit <= 0:
            return []
        due = _due(account, now).order_by("next_attempt_at", "id")
        if connection.vendor == "postgresql":
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("id", flat=True)[:limit])
        _mark_claimed(OutboxMessage.objects.filter(id__in=ids), worker, now)
    return ids


def _due(account: str, now: dt.datetime) -> QuerySet[OutboxMessage]:
    """Messages of ``account`` a worker may take: due, or a stale claim."""
    stale = now - dt.timedelta(seconds=settings.CRM_OUTBOX_CLAIM_TIMEOUT)
    return OutboxMessage.objects.filter(
        Q(status=OutboxStatus.QUEUED, next_attempt_at__lte=now)
        | Q(status=OutboxStatus.SENDING, claimed_at__lt=stale),
        account=account,
    )


def _mark_claimed(
    messages: QuerySet[OutboxMessage], worker: str, now: dt.datetime
) -> None:
    """Claim ``messages`` for ``worker``: sending, claimed now, one more attempt."""
    messages.update(
        status=OutboxStatus.SENDING,
        claimed_at=now,
        claimed_by=worker,
        attempts=F("attempts") + 1,
    )


def throttle_wait(account: str) -> float:
    """Seconds until the account's throttle lets the next message go."""
    oldest = (
        OutboxMessage.objects.filter(
            account=account,
            claimed_at__gt=timezone.now() - dt.timedelta(minutes=1),
        )
        .order_by("claimed_at")
        .values_list("claimed_at", flat=True)
        .first()
    )
    if oldest is None:
        return 0.0
    return max(0.0, (oldest + dt.timedelta(minutes=1) - timezone.now()).total_seconds())


class OutboxEmail(EmailMessage):
    """An e-mail whose header lines may be as long as RFC 5322 allows (998).

    The unsubscribe URL is one unbreakable word longer than the usual fold
    width; folding would turn ``List-Unsubscribe`` into an encoded-word that
    mail clients do not read as a URL (RFC 8058 wants it verbatim).
    """

    def message(self, *, policy: Any = email.policy.default) -> Any:
        return super().message(
            policy=(policy or email.policy.default).clone(max_line_length=998)
        )


def build_email(message: OutboxMessage) -> EmailMessage:
    """The e-mail exactly as queued, with its Message-ID and, for marketing,
    the RFC 8058 one-click unsubscribe headers; the entry's file attached."""
    headers = {"Message-ID": message.message_id}
    if message.purpose == TemplatePurpose.MARKETING:
        headers["List-Unsubscribe"] = f"<{unsubscribe_url(message.message_id)}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail = OutboxEmail(
        subject=message.subject,
        body=message.body,
        from_email=message.from_email,
        to=[message.recipient],
        reply_to=[message.reply_to] if message.reply_to else None,
        headers=headers,
    )
    attachment = message.entry.attachment
    if attachment is not None and attachment.file:
        with attachment.file.open("rb") as handle:
            mail.attach(
                attachment.file_name or (attachment.file.name or "").rsplit("/", 1)[-1],
                handle.read(),
                attachment.content_type or None,
            )
    return mail


def classify(error: Exception) -> Failure:
    """Temporary (4xx, connection) or permanent (5xx, unusable message)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(error.recipients.values()), (0, b""))
        text = f"{code} {_decode(reply)}"
        return Failure(permanent=code >= 500, reply=text, recipient_refused=True)
    if isinstance(error, smtplib.SMTPResponseException):
        code = error.smtp_code
        text = f"{code} {_decode(error.smtp_error)}"
        return Failure(
            permanent=code >= 500,
            reply=text,
            recipient_refused=isinstance(error, smtplib.SMTPDataError),
        )
    if isinstance(error, (smtplib.SMTPException, OSError)):
        return Failure(permanent=False, reply=f"{type(error).__name__}: {error}")
    return Failure(permanent=True, reply=f"{type(error).__name__}: {error}")


def _decode(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else reply


def backoff(attempts: int) -> dt.timedelta:
    """Wait before attempt ``attempts + 1``: base · 2^(attempts−1), at most max."""
    seconds = settings.CRM_OUTBOX_RETRY_BASE * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(seconds, settings.CRM_OUTBOX_RETRY_MAX))


def _settle(
    message: OutboxMessage,
    *,
    worker: str,
    status: str,
    entry_status: str,
    **values: Any,
) -> bool:
    """Record one outcome, if the claim is still this worker's; with the entry."""
    with transaction.atomic():
        updated = OutboxMessage.objects.filter(
            pk=message.pk, status=OutboxStatus.SENDING, claimed_by=worker
        ).update(status=status, **values)
        if updated and entry_status:
            message.entry.__class__.objects.filter(
                entry_no=message.entry_id, delivery_status=DeliveryStatus.QUEUED
            ).update(delivery_status=entry_status)
    return bool(updated)


def _record_failure(
    message: OutboxMessage, failure: Failure, *, worker: str, result: WorkerResult
) -> None:
    if not failure.permanent and message.attempts < settings.CRM_OUTBOX_MAX_ATTEMPTS:
        _settle(
            message,
            worker=worker,
            status=OutboxStatus.QUEUED,
            entry_status="",
            last_error=failure.reply[:2000],
            next_attempt_at=timezone.now() + backoff(message.attempts),
        )
        result.retried += 1
        return
    reply = failure.reply
    if not failure.permanent:
        reply = _("Gave up after %(attempts)s attempts: %(reply)s") % {
            "attempts": message.attempts,
            "reply": reply,
        }
    if _settle(
        message,
        worker=worker,
        status=OutboxStatus.FAILED,
        entry_status=DeliveryStatus.FAILED,
        last_error=reply[:2000],
    ):
        result.failed += 1
        if failure.permanent and failure.recipient_refused:
            suppress_address(
                address=message.recipient,
                reason=SuppressionReason.HARD_BOUNCE,
                source=failure.reply,
            )


def send_claimed(ids: list[int], *, worker: str, result: WorkerResult) -> None:
    """Send the claimed messages one by one; commit each outcome after its send."""
    backend: BaseEmailBackend | None = None
    messages = (
        OutboxMessage.objects.filter(
            id__in=ids, status=OutboxStatus.SENDING, claimed_by=worker
        )
        .select_related("entry__attachment")
        .order_by("id")
    )
    try:
        for message in messages:
            try:
                mail = build_email(message)
                if backend is None:
                    backend = mailers[message.account]
                    backend.open()
                if backend.send_messages([mail]) != 1:
                    raise smtplib.SMTPException(
                        "The mailer did not accept the message."
                    )
            except Exception as error:  # the mail boundary: SMTP, network, file
                failure = classify(error)
                logger.warning("Outbox message %s: %s", message.pk, failure.reply)
                _record_failure(message, failure, worker=worker, result=result)
                if backend is not None:
                    _close(backend)
                    backend = None
                continue
            if _settle(
                message,
                worker=worker,
                status=OutboxStatus.SENT,
                entry_status=DeliveryStatus.SENT,
                sent_at=timezone.now(),
                last_error="",
            ):
                result.sent += 1
    finally:
        if backend is not None:
            _close(backend)


def _close(backend: BaseEmailBackend) -> None:
    try:
        backend.close()
    except Exception:  # a broken connection is dropped either way
        logger.debug("Closing the mailer failed", exc_info=True)


def run_worker(
    *,
    account: str = "default",
    worker: str | None = None,
    until_empty: bool = True,
    poll: float = 1.0,
    batch_size: int | None = None,
    deadline: float | None = None,
) -> WorkerResult:
    """Claim and send until nothing is due (``until_empty``) or for ever.

    ``deadline`` (a ``time.monotonic()`` value) ends the run after the round
    in progress; used by the task so one run does not hold a worker for ever.
    """
    worker = worker or worker_name()
    size = batch_size or settings.CRM_OUTBOX_BATCH_SIZE
    result = WorkerResult()
    while deadline is None or time.monotonic() < deadline:
        ids = claim(worker=worker, account=account, limit=size)
        result.rounds += 1
        if ids:
            result.claimed += len(ids)
            send_claimed(ids, worker=worker, result=result)
            continue
        wait = throttle_wait(account) if has_due(account) else 0.0
        if until_empty and wait == 0.0:
            break
        time.sleep(min(wait, poll) if wait else poll)
    return result


def has_due(account: str) -> bool:
    """Whether a message of ``account`` is due now (queued, or a stale claim)."""
    return _due(account, timezone.now()).exists()


def next_due_at(account: str) -> dt.datetime | None:
    """When the next message of ``account`` becomes due (retry or stale claim)."""
    queued = (
        OutboxMessage.objects.filter(account=account, status=OutboxStatus.QUEUED)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    claimed = (
        OutboxMessage.objects.filter(account=account, status=OutboxStatus.SENDING)
        .order_by("claimed_at")
        .values_list("claimed_at", flat=True)
        .first()
    )
    timeout = dt.timedelta(seconds=settings.CRM_OUTBOX_CLAIM_TIMEOUT)
    candidates = [t for t in (queued, claimed + timeout if claimed else None) if t]
    return min(candidates) if candidates else None


def deliver_entries(entry_nos: list[int]) -> tuple[int, int]:
    """Send the queued messages of these entries now, in this process.

    Returns ``(sent, failed)``; messages retried later count as neither.
    """
    worker = worker_name()
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            OutboxMessage.objects.filter(
                entry_id__in=entry_nos,
                status=OutboxStatus.QUEUED,
                next_attempt_at__lte=now,
            ).values_list("id", flat=True)
        )
        _mark_claimed(
            OutboxMessage.objects.filter(id__in=ids, status=OutboxStatus.QUEUED),
            worker,
            now,
        )
    result = WorkerResult()
    send_claimed(ids, worker=worker, result=result)
    return result.sent, result.failed

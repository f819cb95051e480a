"""DOMAIN §4.3, §12: an interaction sent by e-mail goes through the outbox.

Creating it queues one message in the same transaction (nothing leaves
before the commit, nothing for a rollback); a worker sends it through a real
SMTP server on loopback and the entry's delivery status records the result:
queued → sent | failed.
"""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from contacts.models import CorrespondenceType
from interactions.models import (
    DeliveryStatus,
    InteractionLogEntry,
    OutboxMessage,
    OutboxStatus,
    Suppression,
    TemplatePurpose,
)
from interactions.services import (
    create_interaction,
    deliver_entries,
    resend_entries,
)
from interactions.services.outbox import run_worker
from interactions_crm.platform.models import AuditEvent
from tests import factories
from tests.outbox.smtp import loopback_smtp


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback (aiosmtpd) the default mailer sends to."""
    yield from loopback_smtp(settings)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def letter(template):
    template.purpose = TemplatePurpose.SERVICE
    template.save()
    factories.TemplateContentFactory(
        template=template,
        subject="Offer for {{ contact.name }}",
        body="Dear {{ contact.name }}",
    )
    return template


def send_letter(actor, contact, template, **kwargs) -> InteractionLogEntry:
    return create_interaction(
        actor=actor,
        contact=contact,
        template=template,
        correspondence_type=CorrespondenceType.EMAIL,
        send=True,
        **kwargs,
    )


def test_queued_in_the_transaction_and_sent_by_a_worker(
    smtp_server, staff_user, salesperson, person, letter
):
    with transaction.atomic():
        entry = send_letter(staff_user, person, letter)
        entry.refresh_from_db()
        assert entry.delivery_status == DeliveryStatus.QUEUED
        [queued] = OutboxMessage.objects.filter(entry=entry)
        assert queued.status == OutboxStatus.QUEUED
    assert smtp_server.received == []  # the worker sends, not the request

    result = run_worker()

    assert (result.sent, result.failed) == (1, 0)
    entry.refresh_from_db()
    assert entry.delivery_status == DeliveryStatus.SENT
    [received] = smtp_server.received
    assert received.recipients == [person.email]
    assert received.message["Subject"] == f"Offer for {person.name}"
    assert received.message.get_payload().strip() == f"Dear {person.name}"
    assert received.message["Reply-To"] == salesperson.email
    assert received.message_id == OutboxMessage.objects.get().message_id


def test_permanent_failure_marks_failed_with_the_servers_reply(
    smtp_server, staff_user, salesperson, person, letter
):
    smtp_server.handler.refuse_recipient[person.email] = "550 5.1.1 No such user"
    entry = send_letter(staff_user, person, letter)

    run_worker()

    entry.refresh_from_db()
    assert entry.delivery_status == DeliveryStatus.FAILED
    message = OutboxMessage.objects.get()
    assert message.status == OutboxStatus.FAILED
    assert "550 5.1.1 No such user" in message.last_error
    # A hard bounce suppresses the address (DOMAIN §12).
    assert Suppression.objects.get().address == person.email.lower()
    # The interaction itself stays recorded.
    assert InteractionLogEntry.objects.visible().count() == 1


def test_unreachable_server_retries_later(
    settings, staff_user, salesperson, person, letter
):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    entry = send_letter(staff_user, person, letter)

    result = run_worker()

    assert result.retried == 1
    entry.refresh_from_db()
    assert entry.delivery_status == DeliveryStatus.QUEUED
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == (OutboxStatus.QUEUED, 1)
    assert "Connection refused" in message.last_error or message.last_error


def test_imported_file_is_attached(
    smtp_server, staff_user, salesperson, person, letter
):
    upload = SimpleUploadedFile("offer.pdf", b"%PDF", content_type="application/pdf")
    send_letter(staff_user, person, letter, attachment_file=upload)

    run_worker()

    [received] = smtp_server.received
    [_text, pdf] = received.message.get_payload()
    assert pdf.get_filename() == "offer.pdf"
    assert pdf.get_payload(decode=True) == b"%PDF"


def test_nothing_queued_when_transaction_rolls_back(
    smtp_server, staff_user, salesperson, person, letter
):
    with pytest.raises(RuntimeError), transaction.atomic():
        send_letter(staff_user, person, letter)
        raise RuntimeError("something later failed")

    assert not OutboxMessage.objects.exists()
    run_worker()
    assert smtp_server.received == []
    assert not InteractionLogEntry.objects.exists()


def test_not_sent_without_send(staff_user, salesperson, person, letter):
    entry = create_interaction(
        actor=staff_user,
        contact=person,
        template=letter,
        correspondence_type=CorrespondenceType.EMAIL,
    )

    assert entry.delivery_status == DeliveryStatus.BLANK
    assert not OutboxMessage.objects.exists()


def test_hard_copy_is_not_e_mailed(staff_user, salesperson, person, letter):
    entry = create_interaction(
        actor=staff_user,
        contact=person,
        template=letter,
        correspondence_type=CorrespondenceType.HARD_COPY,
        send=True,
    )

    assert entry.delivery_status == DeliveryStatus.BLANK
    assert not OutboxMessage.objects.exists()


class TestSendValidation:
    def test_contact_without_email_cannot_be_sent_to(
        self, staff_user, salesperson, person, letter
    ):
        person.email = ""
        person.save()

        with pytest.raises(ValidationError) as caught:
            send_letter(staff_user, person, letter)

        assert caught.value.message_dict["correspondence_type"] == [
            f"Contact {person.no} has no e-mail address, so the interaction cannot "
            "be sent by e-mail."
        ]
        assert not InteractionLogEntry.objects.exists()

    def test_contacts_email_preference_without_address_is_an_error_when_sending(
        self, staff_user, salesperson, person, letter
    ):
        person.email = ""
        person.correspondence_type = CorrespondenceType.EMAIL
        person.save()

        with pytest.raises(ValidationError) as caught:
            create_interaction(
                actor=staff_user, contact=person, template=letter, send=True
            )

        assert "correspondence_type" in caught.value.message_dict

    def test_sending_email_requires_content(
        self, staff_user, salesperson, person, template
    ):
        with pytest.raises(ValidationError) as caught:
            send_letter(staff_user, person, template)

        assert caught.value.message_dict["correspondence_type"] == [
            "The correspondence type is e-mail, which requires content: the "
            "interaction template has none and no file was given."
        ]
        assert not InteractionLogEntry.objects.exists()
        assert not AuditEvent.objects.exists()

    def test_imported_file_is_content_enough(
        self, smtp_server, staff_user, salesperson, person, template
    ):
        send_letter(
            staff_user,
            person,
            template,
            attachment_file=SimpleUploadedFile("a.txt", b"hello"),
        )

        run_worker()
        assert len(smtp_server.received) == 1


class TestDeliverEntries:
    def test_skips_entries_already_sent(
        self, smtp_server, staff_user, salesperson, person, letter
    ):
        entry = send_letter(staff_user, person, letter)
        assert deliver_entries([entry.entry_no]) == (1, 0)

        assert deliver_entries([entry.entry_no]) == (0, 0)
        assert len(smtp_server.received) == 1

    def test_recipient_is_fixed_when_queued(
        self, smtp_server, staff_user, salesperson, letter
    ):
        person = factories.PersonFactory()
        entry = send_letter(staff_user, person, letter)
        # The contact's address changes between queueing and sending: the
        # message goes where it was addressed (it is the entry's content).
        type(person).objects.filter(pk=person.pk).update(email="new@example.com")

        assert deliver_entries([entry.entry_no]) == (1, 0)
        assert smtp_server.received[0].recipients == [person.email]


class TestResend:
    @pytest.fixture
    def failed(self, smtp_server, staff_user, salesperson, person, letter):
        smtp_server.handler.data_replies = ["554 5.6.0 Message rejected"]
        entry = send_letter(staff_user, person, letter)
        run_worker()
        entry.refresh_from_db()
        assert entry.delivery_status == DeliveryStatus.FAILED
        return entry

    def test_resend_queues_a_new_message(self, failed, smtp_server, staff_user):
        count = resend_entries(
            actor=staff_user, entries=InteractionLogEntry.objects.filter(pk=failed.pk)
        )
        run_worker()

        assert count == 1
        failed.refresh_from_db()
        assert failed.delivery_status == DeliveryStatus.SENT
        first, second = OutboxMessage.objects.order_by("id")
        assert (first.status, second.status) == (OutboxStatus.FAILED, OutboxStatus.SENT)
        assert first.message_id != second.message_id  # a new e-mail
        assert [r.message_id for r in smtp_server.received] == [second.message_id]
        event = AuditEvent.objects.get(action="entry.resend")
        assert (event.count, event.actor) == (1, staff_user)

    def test_resend_skips_entries_without_email_content(
        self, failed, staff_user, person
    ):
        other = factories.TemplateFactory(code="NOTE")
        plain = create_interaction(actor=staff_user, contact=person, template=other)

        count = resend_entries(
            actor=staff_user, entries=InteractionLogEntry.objects.all()
        )

        assert count == 1
        plain.refresh_from_db()
        assert plain.delivery_status == DeliveryStatus.BLANK

    def test_queued_entry_is_not_queued_twice(
        self, staff_user, salesperson, person, letter
    ):
        entry = send_letter(staff_user, person, letter)

        with pytest.raises(ValidationError):
            resend_entries(
                actor=staff_user,
                entries=InteractionLogEntry.objects.filter(pk=entry.pk),
            )
        assert OutboxMessage.objects.count() == 1

    def test_nothing_to_send_is_refused(
        self, staff_user, salesperson, person, template
    ):
        entry = create_interaction(actor=staff_user, contact=person, template=template)

        with pytest.raises(ValidationError) as caught:
            resend_entries(
                actor=staff_user,
                entries=InteractionLogEntry.objects.filter(pk=entry.pk),
            )

        assert caught.value.message_dict == {"entries": ["There is nothing to send."]}
        assert not AuditEvent.objects.filter(action="entry.resend").exists()

"""DOMAIN §4.3: sending an interaction by e-mail after commit; delivery status.

The mail server is the external boundary: a failing e-mail backend stands in
for an SMTP server that refuses the message.
"""

import smtplib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

from contacts.models import CorrespondenceType
from interactions.models import DeliveryStatus, InteractionLogEntry
from interactions.services import (
    create_interaction,
    deliver_entries,
    resend_entries,
)
from interactions_crm.platform.models import AuditEvent
from tests import factories


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that refuses every message."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused({"x@example.com": (550, b"no")})


class UnreachableBackend(BaseEmailBackend):
    """An SMTP server that cannot be reached at all."""

    def open(self):
        raise ConnectionRefusedError("connection refused")

    def send_messages(self, email_messages):
        raise AssertionError("never called: open() failed")


@pytest.fixture
def failing_mail(settings):
    settings.MAILERS = {
        "default": {"BACKEND": f"{__name__}.RefusingBackend"},
    }


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def letter(template):
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


def test_sent_after_commit_and_status_cleared(
    staff_user, salesperson, person, letter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        entry = send_letter(staff_user, person, letter)
        entry.refresh_from_db()
        assert entry.delivery_status == DeliveryStatus.IN_PROGRESS
        assert mail.outbox == []  # nothing leaves before the commit

    for callback in callbacks:
        callback()

    entry.refresh_from_db()
    assert entry.delivery_status == DeliveryStatus.BLANK
    [message] = mail.outbox
    assert message.to == [person.email]
    assert message.subject == f"Offer for {person.name}"
    assert message.body == f"Dear {person.name}"
    assert message.reply_to == [salesperson.email]


def test_failed_sending_sets_error(
    failing_mail,
    staff_user,
    salesperson,
    person,
    letter,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        entry = send_letter(staff_user, person, letter)

    entry.refresh_from_db()
    assert entry.delivery_status == DeliveryStatus.ERROR
    # The interaction itself stays recorded.
    assert InteractionLogEntry.objects.visible().count() == 1


def test_unreachable_server_sets_error(
    settings,
    staff_user,
    salesperson,
    person,
    letter,
    django_capture_on_commit_callbacks,
):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.UnreachableBackend"}}

    with django_capture_on_commit_callbacks(execute=True):
        entry = send_letter(staff_user, person, letter)

    entry.refresh_from_db()
    assert entry.delivery_status == DeliveryStatus.ERROR


def test_imported_file_is_attached(
    staff_user, salesperson, person, letter, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("offer.pdf", b"%PDF", content_type="application/pdf")

    with django_capture_on_commit_callbacks(execute=True):
        send_letter(staff_user, person, letter, attachment_file=upload)

    [message] = mail.outbox
    assert message.attachments[0][:2] == ("offer.pdf", b"%PDF")


def test_nothing_sent_when_transaction_rolls_back(
    staff_user, salesperson, person, letter, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        send_letter(staff_user, person, letter)
        raise RuntimeError("something later failed")

    assert callbacks == []
    assert mail.outbox == []
    assert not InteractionLogEntry.objects.exists()


def test_not_sent_without_send(
    staff_user, salesperson, person, letter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        entry = create_interaction(
            actor=staff_user,
            contact=person,
            template=letter,
            correspondence_type=CorrespondenceType.EMAIL,
        )

    assert callbacks == []
    assert entry.delivery_status == DeliveryStatus.BLANK
    assert mail.outbox == []


def test_hard_copy_is_not_e_mailed(
    staff_user, salesperson, person, letter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        entry = create_interaction(
            actor=staff_user,
            contact=person,
            template=letter,
            correspondence_type=CorrespondenceType.HARD_COPY,
            send=True,
        )

    assert entry.delivery_status == DeliveryStatus.BLANK
    assert mail.outbox == []


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
        self,
        staff_user,
        salesperson,
        person,
        template,
        django_capture_on_commit_callbacks,
    ):
        with django_capture_on_commit_callbacks(execute=True):
            send_letter(
                staff_user,
                person,
                template,
                attachment_file=SimpleUploadedFile("a.txt", b"hello"),
            )

        assert len(mail.outbox) == 1


class TestDeliverEntries:
    def test_skips_entries_not_in_progress(
        self,
        staff_user,
        salesperson,
        person,
        letter,
        django_capture_on_commit_callbacks,
    ):
        with django_capture_on_commit_callbacks(execute=True):
            entry = send_letter(staff_user, person, letter)
        mail.outbox.clear()

        assert deliver_entries([entry.entry_no]) == (0, 0)
        assert mail.outbox == []

    def test_counts_sent_and_failed(
        self, staff_user, salesperson, letter, django_capture_on_commit_callbacks
    ):
        reachable = factories.PersonFactory()
        gone = factories.PersonFactory()
        with django_capture_on_commit_callbacks(execute=False):
            first = send_letter(staff_user, reachable, letter)
            second = send_letter(staff_user, gone, letter)
        # The address disappeared between logging and sending.
        type(gone).objects.filter(pk=gone.pk).update(email="")

        assert deliver_entries([first.entry_no, second.entry_no]) == (1, 1)
        second.refresh_from_db()
        assert second.delivery_status == DeliveryStatus.ERROR


class TestResend:
    @pytest.fixture
    def failed(
        self,
        failing_mail,
        staff_user,
        salesperson,
        person,
        letter,
        django_capture_on_commit_callbacks,
    ):
        with django_capture_on_commit_callbacks(execute=True):
            entry = send_letter(staff_user, person, letter)
        entry.refresh_from_db()
        assert entry.delivery_status == DeliveryStatus.ERROR
        return entry

    def test_resend_sends_again_after_commit(
        self, failed, settings, staff_user, django_capture_on_commit_callbacks
    ):
        settings.MAILERS = {
            "default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
        }

        with django_capture_on_commit_callbacks(execute=True):
            count = resend_entries(
                actor=staff_user,
                entries=InteractionLogEntry.objects.filter(pk=failed.pk),
            )

        assert count == 1
        failed.refresh_from_db()
        assert failed.delivery_status == DeliveryStatus.BLANK
        assert len(mail.outbox) == 1
        event = AuditEvent.objects.get(action="entry.resend")
        assert (event.count, event.actor) == (1, staff_user)

    def test_resend_skips_entries_without_email_content(
        self, failed, staff_user, person, template, django_capture_on_commit_callbacks
    ):
        other = factories.TemplateFactory(code="NOTE")
        plain = create_interaction(actor=staff_user, contact=person, template=other)

        count = resend_entries(
            actor=staff_user, entries=InteractionLogEntry.objects.all()
        )

        assert count == 1
        plain.refresh_from_db()
        assert plain.delivery_status == DeliveryStatus.BLANK

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

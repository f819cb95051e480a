"""DOMAIN §12 purpose, opt-out and suppression: marketing respects them, service not."""

from urllib.parse import urlparse

import pytest

from interactions.models import (
    DeliveryStatus,
    EmailOptOutEvent,
    OptOutMethod,
    OutboxMessage,
    OutboxStatus,
    TemplatePurpose,
)
from interactions.services.outbox import record_opt_out, run_worker
from interactions.services.outbox.consent import message_for_token
from interactions.services.outbox.queue import add_suppression
from tests import factories
from tests.outbox.support import email_template, queue_email


@pytest.fixture
def marketing(db):
    return email_template("NEWS", TemplatePurpose.MARKETING)


@pytest.fixture
def service(db):
    return email_template("INVOICE", TemplatePurpose.SERVICE)


def test_marketing_to_opted_out_contact_is_suppressed_with_the_reason(
    smtp_server, staff_user, salesperson, person, marketing
):
    record_opt_out(contact=person, method=OptOutMethod.LINK)

    entry = queue_email(staff_user, person, marketing, salesperson)
    run_worker()

    assert entry.delivery_status == DeliveryStatus.SUPPRESSED
    message = OutboxMessage.objects.get()
    assert message.status == OutboxStatus.SUPPRESSED
    assert message.last_error == "The contact opted out of marketing e-mail."
    assert smtp_server.received == []


def test_suppression_is_by_address_so_a_new_contact_is_suppressed_too(
    smtp_server, admin_user, staff_user, salesperson, person, marketing
):
    add_suppression(actor=admin_user, address=person.email.upper(), note="asked")
    newcomer = factories.PersonFactory(email=person.email)

    entry = queue_email(staff_user, newcomer, marketing, salesperson)
    run_worker()

    assert entry.delivery_status == DeliveryStatus.SUPPRESSED
    assert "suppression list (Entered by an administrator)" in (
        OutboxMessage.objects.get().last_error
    )
    assert smtp_server.received == []


def test_service_mail_still_goes_to_opted_out_and_suppressed(
    smtp_server, admin_user, staff_user, salesperson, person, service
):
    record_opt_out(contact=person, method=OptOutMethod.LINK)

    entry = queue_email(staff_user, person, service, salesperson)
    run_worker()

    entry.refresh_from_db()
    assert entry.delivery_status == DeliveryStatus.SENT
    assert len(smtp_server.received) == 1


def test_marketing_mail_carries_one_click_unsubscribe(
    smtp_server, staff_user, salesperson, person, marketing
):
    queue_email(staff_user, person, marketing, salesperson)
    run_worker()

    [received] = smtp_server.received
    header = received.message["List-Unsubscribe"]
    assert header.startswith("<http") and header.endswith(">")
    assert received.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = header[1:-1]
    assert url in received.message.get_payload()  # the link in the body too
    token = urlparse(url).path.rstrip("/").rsplit("/", 1)[-1]
    assert message_for_token(token).message_id == received.message_id


def test_opt_out_is_recorded_once_with_its_history(person):
    assert record_opt_out(
        contact=person, method=OptOutMethod.ONE_CLICK, message_id="<m@x>"
    )
    assert not record_opt_out(contact=person, method=OptOutMethod.ONE_CLICK)

    person.refresh_from_db()
    assert person.email_opt_out
    [event] = EmailOptOutEvent.objects.all()
    assert (event.opted_out, event.method, event.message_id, event.address) == (
        True,
        OptOutMethod.ONE_CLICK,
        "<m@x>",
        person.email.lower(),
    )


def test_forged_token_names_no_message(db):
    assert message_for_token("not-a-token") is None
    assert message_for_token("a" * 40 + ":" + "b" * 20) is None

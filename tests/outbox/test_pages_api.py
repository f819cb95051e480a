"""DOMAIN §12 "where people see it": the outbox page, the log, the API, segments."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from interactions import services
from interactions.models import (
    DeliveryStatus,
    OptOutMethod,
    OutboxMessage,
    OutboxStatus,
    TemplatePurpose,
)
from interactions.selectors.outbox import suppressed_line_count
from interactions.services.outbox import record_opt_out, run_worker
from interactions_crm.platform.models import AuditEvent
from tests import factories
from tests.conftest import grant
from tests.outbox.support import email_template, queue_email


@pytest.fixture
def failed(smtp_server, staff_user, salesperson, person):
    smtp_server.handler.data_replies = ["554 5.7.1 Rejected as spam"]
    template = email_template(purpose=TemplatePurpose.SERVICE)
    entry = queue_email(staff_user, person, template, salesperson)
    run_worker()
    return entry, OutboxMessage.objects.get()


@pytest.fixture
def outbox_staff(client, staff_user):
    grant(
        staff_user,
        "interactions.view_outboxmessage",
        "interactions.change_outboxmessage",
    )
    client.force_login(staff_user)
    return client


def test_outbox_page_shows_why_a_message_failed(outbox_staff, failed):
    response = outbox_staff.get(reverse("interactions:outbox"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "554 5.7.1 Rejected as spam" in content
    assert "0 queued · 0 being sent · 1 failed" in content


def test_retry_from_the_page_sends_it(outbox_staff, failed, smtp_server):
    entry, message = failed
    smtp_server.handler.data_replies = []

    response = outbox_staff.post(
        reverse("interactions:outbox-action", args=[message.pk, "retry"]), follow=True
    )
    assert "Message queued again." in response.content.decode()
    entry.refresh_from_db()
    assert entry.delivery_status == DeliveryStatus.QUEUED

    run_worker()

    entry.refresh_from_db()
    assert entry.delivery_status == DeliveryStatus.SENT
    assert smtp_server.handler.message_ids() == [message.message_id]
    assert AuditEvent.objects.filter(action="outbox.retry").count() == 1


def test_cancel_from_the_page(outbox_staff, failed):
    _entry, message = failed
    outbox_staff.post(
        reverse("interactions:outbox-action", args=[message.pk, "cancel"])
    )
    message.refresh_from_db()
    assert message.status == OutboxStatus.CANCELED


def test_sent_message_cannot_be_retried(
    outbox_staff, smtp_server, staff_user, salesperson, person
):
    queue_email(staff_user, person, email_template(), salesperson)
    run_worker()
    message = OutboxMessage.objects.get()

    response = outbox_staff.post(
        reverse("interactions:outbox-action", args=[message.pk, "retry"]), follow=True
    )
    assert "Only failed messages can be retried." in response.content.decode()


def test_outbox_page_needs_its_permission(client, staff_user):
    client.force_login(staff_user)
    assert client.get(reverse("interactions:outbox")).status_code == 403


def test_log_filters_and_shows_delivery_status(client, staff_user, failed):
    client.force_login(staff_user)
    response = client.get(
        reverse("interactions:entry-list"), {"delivery_status": "failed"}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert ">Failed</span>" in content
    response = client.get(
        reverse("interactions:entry-list"), {"delivery_status": "sent"}
    )
    assert ">Failed</span>" not in response.content.decode()


def test_api_reads_the_queue_and_retries(admin_user, failed, smtp_server):
    _entry, message = failed
    api = APIClient()
    api.force_authenticate(admin_user)

    listed = api.get("/api/v1/outbox/", {"status": "failed"}).json()
    assert [m["message_id"] for m in listed["results"]] == [message.message_id]
    assert listed["results"][0]["last_error"].startswith("554 5.7.1")
    assert api.get("/api/v1/outbox/summary/").json()["failed"] == 1
    assert api.get("/api/v1/outbox/", {"status": "nonsense"}).status_code == 400

    smtp_server.handler.data_replies = []
    response = api.post(f"/api/v1/outbox/{message.pk}/retry/")
    assert response.json()["status"] == "queued"
    run_worker()
    assert api.get(f"/api/v1/outbox/{message.pk}/").json()["status"] == "sent"
    # A sent message is neither retried nor canceled: its state refuses it.
    canceled = api.post(f"/api/v1/outbox/{message.pk}/cancel/")
    assert canceled.status_code == 409
    assert canceled.json() == {
        "messages": ["Only failed or queued messages can be canceled."]
    }
    retried = api.post(f"/api/v1/outbox/{message.pk}/retry/")
    assert retried.status_code == 409
    assert retried.json() == {"messages": ["Only failed messages can be retried."]}


def test_segment_shows_how_many_lines_will_be_suppressed(staff_user):
    marketing = email_template(purpose=TemplatePurpose.MARKETING)
    opted_out, plain = factories.PersonFactory(), factories.PersonFactory()
    record_opt_out(contact=opted_out, method=OptOutMethod.LINK)
    segment = services.create_segment(
        actor=staff_user, description="News", template=marketing
    )
    for contact in (opted_out, plain):
        services.add_contacts(
            segment=segment, actor=staff_user, criteria={"contact_no": contact.no}
        )
    services.update_segment_header(
        actor=staff_user,
        segment=segment,
        ignore_contact_correspondence_type=True,
        correspondence_type="email",
        update_lines=True,
    )

    assert suppressed_line_count(segment) == 1

    marketing.purpose = TemplatePurpose.SERVICE
    marketing.save()
    assert suppressed_line_count(segment) == 0


def test_log_segment_page_shows_the_suppressed_count(client, staff_user):
    marketing = email_template(purpose=TemplatePurpose.MARKETING)
    opted_out = factories.PersonFactory()
    record_opt_out(contact=opted_out, method=OptOutMethod.LINK)
    segment = services.create_segment(
        actor=staff_user, description="News", template=marketing
    )
    services.add_contacts(
        segment=segment, actor=staff_user, criteria={"contact_no": opted_out.no}
    )
    services.update_segment_header(
        actor=staff_user,
        segment=segment,
        ignore_contact_correspondence_type=True,
        correspondence_type="email",
        update_lines=True,
    )
    client.force_login(staff_user)

    response = client.get(reverse("interactions:segment-log", args=[segment.no]))

    content = response.content.decode()
    assert (
        "E-mail suppressed (opted out or on the suppression list)</dt><dd>1<" in content
    )

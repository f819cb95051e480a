"""A person with distinctive marker strings in every personal field and text.

The data is made the way users make it: contacts' and interactions' services,
the API (with an ``Idempotency-Key``, so the reply is kept), Django admin's
history, a segment line that was removed once (its snapshot kept for "go
back") and added again.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from contacts.models import Contact
from contacts.services import create_contact, update_contact
from interactions.models import InteractionLogEntry
from interactions.services import (
    add_comment,
    add_contact_to_segment,
    cancel_entries,
    create_interaction,
    create_segment,
    record_email_sent,
    record_phone_call,
    remove_contact_from_segment,
    update_segment_line,
)
from tests import factories
from tests.api.conftest import token_client

# Each marker is distinctive: found anywhere after erasure means a trace left.
PERSON_MARKERS = {
    "name": "Qzxname Nordmann",
    "job_title": "Qzxjobtitle",
    "email": "qzxmail@example.org",
    "phone": "+47 9911 qzxphone",
    "mobile_phone": "+47 qzxmobile",
    "address": "Qzxaddress gate 7",
    "post_code": "QZXPOST",
    "city": "Qzxcity",
}
TEXT_MARKERS = [
    "Qzxdescription",
    "Qzxsubject",
    "Qzxbody",
    "Qzxfilecontent",
    "Qzxfilename",
    "Qzxcontactvia",
    "Qzxopportunity",
    "Qzxcomment",
    "Qzxwizardcomment",
    "Qzxcancelreason",
    "Qzxcallnote",
    "Qzxmailsubject",
    "Qzxmailbody",
    "Qzxapidescription",
    "Qzxlinevia",
]
MARKERS = [*PERSON_MARKERS.values(), *TEXT_MARKERS]


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    """API throttle counters live in the cache; one test must not throttle the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded attachments go to a fresh directory the test can search."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def email_template(db):
    return factories.TemplateFactory(code="EMAIL", group__code="EMAIL")


@pytest.fixture
def marked_person(
    db, admin_user, company, template, salesperson, email_template, settings
):
    """A person of ``company`` whose data carries :data:`MARKERS` everywhere."""
    from interactions.models import DocumentTemplateSetup, DocumentType

    for document_type, code in (
        (DocumentType.OUTGOING_CALL, template),
        (DocumentType.EMAIL, email_template),
    ):
        DocumentTemplateSetup.objects.update_or_create(
            document_type=document_type, defaults={"template": code}
        )
    person = create_contact(
        actor=admin_user,
        type=Contact.Type.PERSON,
        company_id=company.pk,
        name="Qzx Temporary",
        email="qzxold@example.org",
    )
    update_contact(actor=admin_user, contact=person, **PERSON_MARKERS)
    entry = create_interaction(
        actor=admin_user,
        contact=person,
        template=template,
        salesperson=salesperson,
        description="Qzxdescription",
        subject="Qzxsubject",
        body="Dear Qzxname Nordmann, Qzxbody",
        contact_via="Qzxcontactvia",
        opportunity_ref="Qzxopportunity",
        cost=Decimal("12.50"),
        duration=Decimal("15"),
        attachment_file=SimpleUploadedFile(
            "Qzxfilename.txt", b"Qzxfilecontent for qzxmail@example.org"
        ),
        comments=["Qzxwizardcomment"],
    )
    add_comment(actor=admin_user, entry=entry, text="Qzxcomment about the call")
    second = create_interaction(
        actor=admin_user,
        contact=person,
        template=template,
        salesperson=salesperson,
        description="Qzxdescription two",
        date=dt.date(2025, 3, 1),
        cost=Decimal("3"),
    )
    cancel_entries(
        actor=admin_user,
        entries=InteractionLogEntry.objects.filter(pk=second.pk),
        reason="Qzxcancelreason",
    )
    record_phone_call(
        actor=admin_user,
        contact=person,
        successful=True,
        description="Qzxcallnote",
        contact_via="+47 9911 qzxphone",
        salesperson=salesperson,
    )
    record_email_sent(
        actor=admin_user,
        contact=person,
        subject="Qzxmailsubject",
        body="Qzxmailbody",
        salesperson=salesperson,
        send=True,
    )
    response = token_client(admin_user).post(
        "/api/v1/interactions/",
        {
            "contact": person.no,
            "template": template.code,
            "salesperson": salesperson.code,
            "description": "Qzxapidescription",
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="privacy-key-1",
    )
    assert response.status_code == 201, response.content
    segment = create_segment(actor=admin_user, description="Spring mailing")
    add_contact_to_segment(segment=segment, actor=admin_user, contact=person)
    update_segment_line(
        actor=admin_user,
        line=segment.lines.get(contact=person),
        contact_via="Qzxlinevia",
    )
    remove_contact_from_segment(segment=segment, actor=admin_user, contact=person)
    add_contact_to_segment(segment=segment, actor=admin_user, contact=person)
    update_segment_line(
        actor=admin_user,
        line=segment.lines.get(contact=person),
        contact_via="Qzxlinevia",
    )
    LogEntry.objects.log_actions(
        user_id=admin_user.pk,
        queryset=[Contact.objects.get(pk=person.pk), entry],
        action_flag=CHANGE,
        change_message="Changed e-mail to qzxmail@example.org",
    )
    person.refresh_from_db()
    return person

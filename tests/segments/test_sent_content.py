"""What was sent is what is recorded (DOMAIN §5 "Log segment", issue #9 rule 5).

* Sending never silently falls back: a line whose contact would get e-mail
  but has no address makes the log refuse, naming the contact — through the
  service, the staff page, the API and the command — and nothing is written.
* Each entry stores the subject and the content its contact gets, merged once
  from plain values, dates in the contact's language; the staff page shows it.
"""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from interactions import services
from interactions.models import InteractionLogEntry, LoggedSegment, Segment
from interactions.services.outbox import run_worker
from tests import factories
from tests.api.conftest import token_client


def no_address_segment(crm, staff_user) -> Segment:
    """Kari and Per on the e-mail template; Per has no e-mail address.

    Per's line falls back to blank correspondence (DOMAIN §4.1), which hides
    that he would get e-mail when the segment is sent.
    """
    crm.per.email = ""
    crm.per.save()
    segment = services.create_segment(
        actor=staff_user, description="Invitations", template=crm.template
    )
    for contact in (crm.kari, crm.per):
        services.add_contacts(
            segment=segment, actor=staff_user, criteria={"contact_no": contact.no}
        )
    assert segment.lines.get(contact=crm.per).correspondence_type == ""
    return segment


def assert_nothing_written(segment: Segment) -> None:
    assert Segment.objects.filter(pk=segment.pk).exists()
    assert not LoggedSegment.objects.exists()
    assert not InteractionLogEntry.objects.exists()


def test_send_refuses_a_contact_that_would_get_email_without_address(crm, staff_user):
    segment = no_address_segment(crm, staff_user)
    with pytest.raises(ValidationError) as error:
        services.log_segment(segment=segment, actor=staff_user, send=True)
    assert error.value.message_dict["correspondence_type"] == [
        f"1 contact has no e-mail address to send to: {crm.per.no}."
    ]
    assert_nothing_written(segment)
    # Without sending nothing is sent, so the blank fallback is honest.
    logged = services.log_segment(segment=segment, actor=staff_user)
    assert logged.entries.get(contact=crm.per).correspondence_type == ""


def test_send_refusal_follows_the_header_override(crm, staff_user):
    """A header that imposes "hard copy" means nobody would get e-mail."""
    segment = no_address_segment(crm, staff_user)
    services.update_segment_header(
        actor=staff_user,
        segment=segment,
        ignore_contact_correspondence_type=True,
        correspondence_type="hard_copy",
        update_lines=True,
    )
    logged = services.log_segment(segment=segment, actor=staff_user, send=True)
    assert set(logged.entries.values_list("correspondence_type", flat=True)) == {
        "hard_copy"
    }


def test_send_refusal_on_the_staff_page(client, crm, staff_user):
    segment = no_address_segment(crm, staff_user)
    client.force_login(staff_user)
    response = client.post(
        reverse("interactions:segment-log", kwargs={"no": segment.no}), {"send": "on"}
    )
    assert response.status_code == 400
    assert f"1 contact has no e-mail address to send to: {crm.per.no}." in (
        response.content.decode()
    )
    assert_nothing_written(segment)


def test_send_refusal_over_the_api(crm, staff_user):
    segment = no_address_segment(crm, staff_user)
    staff_api = token_client(staff_user)
    response = staff_api.post(
        f"/api/v1/segments/{segment.no}/log/", {"send": True}, format="json"
    )
    assert response.status_code == 409  # the segment's lines refuse it
    assert crm.per.no in str(response.json())
    assert "no e-mail address" in str(response.json())
    assert_nothing_written(segment)


def test_send_refusal_in_the_command(crm, staff_user):
    segment = no_address_segment(crm, staff_user)
    with pytest.raises(CommandError) as error:
        call_command("log_segment", segment.no, "--send")
    assert crm.per.no in str(error.value)
    assert "no e-mail address" in str(error.value)
    assert_nothing_written(segment)


def test_merge_fields_are_filled_exactly_once(crm, staff_user, salesperson):
    """A contact named like a merge field stays literally that in the output."""
    crm.kari.name = "{{ salesperson.email }}"
    crm.kari.save()
    segment = services.create_segment(
        actor=staff_user, description="Merge once", template=crm.template
    )
    services.add_contacts(
        segment=segment, actor=staff_user, criteria={"contact_no": crm.kari.no}
    )
    logged = services.log_segment(segment=segment, actor=staff_user)
    entry = logged.entries.get()
    assert entry.subject == "Hello {{ salesperson.email }}"
    assert entry.attachment.subject == entry.subject
    assert entry.attachment.body.startswith("Dear {{ salesperson.email }},")
    assert salesperson.email not in entry.attachment.body


@pytest.mark.parametrize(
    ("language", "content_language", "expected"),
    [
        ("en", "", "Hello Kari Nordmann, see you on May 17, 2026"),
        ("nb", "nb", "Hei Kari Nordmann, vi ses 17. mai 2026"),
    ],
)
def test_content_in_the_contacts_language_with_its_date_format(
    crm, staff_user, language, content_language, expected
):
    crm.template.contents.update(
        subject="Hello", body="Hello {{ contact.name }}, see you on {{ date }}"
    )
    factories.TemplateContentFactory(
        template=crm.template,
        language="nb",
        subject="Hei",
        body="Hei {{ contact.name }}, vi ses {{ date }}",
    )
    crm.kari.language = language
    crm.kari.save()
    segment = services.create_segment(
        actor=staff_user,
        description="Dates",
        template=crm.template,
        date=dt.date(2026, 5, 17),
    )
    services.add_contacts(
        segment=segment, actor=staff_user, criteria={"contact_no": crm.kari.no}
    )
    entry = services.log_segment(segment=segment, actor=staff_user).entries.get()
    assert entry.language == content_language
    assert entry.attachment.body == expected
    assert entry.subject == expected.split(" ")[0]


def test_sent_message_is_the_stored_content_and_the_page_shows_it(
    client, crm, staff_user, django_capture_on_commit_callbacks
):
    segment = services.create_segment(
        actor=staff_user, description="Sent", template=crm.template
    )
    services.add_contacts(
        segment=segment, actor=staff_user, criteria={"contact_no": crm.ola.no}
    )
    with django_capture_on_commit_callbacks(execute=True):
        logged = services.log_segment(segment=segment, actor=staff_user, send=True)
    run_worker()  # the outbox worker sends it
    entry = logged.entries.get()
    (message,) = mail.outbox
    # The content is sent as stored; marketing mail only gains the
    # unsubscribe footer (DOMAIN §12) after the signature separator.
    content, footer = message.body.split("\n\n-- \n")
    assert (message.subject, content) == (entry.subject, entry.attachment.body)
    assert footer.startswith("To stop receiving these e-mails, unsubscribe here:")
    client.force_login(staff_user)
    page = client.get(
        reverse("interactions:entry-detail", kwargs={"entry_no": entry.entry_no})
    ).content.decode()
    assert f"Dear {crm.ola.name}," in page
    assert "{{ contact.name }}" not in page

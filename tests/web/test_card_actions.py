"""The contact card's actions: make phone call, send e-mail, cover sheet, add to
segment — their forms (fetched when a drop-down opens, or alone on a page) and
their POSTs."""

import pytest
from django.core import mail

from interactions.models import DocumentType, InteractionLogEntry, SegmentLine
from interactions.services.outbox import run_worker
from interactions.services.segments import add_contact_to_segment, create_segment
from tests import factories
from tests.conftest import grant
from tests.web.test_contacts import HTMX, contact_url

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------
# Card actions
# --------------------------------------------------------------------------


def test_phone_call_records_an_outgoing_call(staff_client, person, event_templates):
    person.phone = "+47 22 00 00 00"
    person.save()
    response = staff_client.post(
        contact_url("contact-phone-call", person),
        {"call-successful": "yes", "call-description": "Asked about the offer"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == person.get_absolute_url()
    entry = InteractionLogEntry.objects.get()
    assert entry.contact == person
    assert entry.template == event_templates[DocumentType.OUTGOING_CALL]
    assert entry.description == "Asked about the offer"
    assert entry.attempt_failed is False
    assert entry.contact_via == "+47 22 00 00 00"
    assert "was recorded" in response.content.decode()


def test_unsuccessful_phone_call_is_a_failed_attempt(
    staff_client, person, event_templates
):
    staff_client.post(
        contact_url("contact-phone-call", person), {"call-successful": "no"}
    )
    assert InteractionLogEntry.objects.get().attempt_failed is True


def test_phone_call_without_template_setup_records_nothing_and_says_why(
    staff_client, person
):
    response = staff_client.post(
        contact_url("contact-phone-call", person),
        {"call-successful": "yes"},
        follow=True,
    )
    assert not InteractionLogEntry.objects.exists()
    assert "Nothing was recorded" in response.content.decode()


def test_phone_call_form_error_is_shown_on_the_card(staff_client, person):
    response = staff_client.post(
        contact_url("contact-phone-call", person), {"call-successful": "maybe"}
    )
    assert response.status_code == 400
    assert response.context["call_form"].errors["successful"]
    assert 'class="dropdown" open' in response.content.decode()
    assert not InteractionLogEntry.objects.exists()


def test_send_email_sends_and_records_it(
    staff_client, person, event_templates, django_capture_on_commit_callbacks
):
    # The service sends after commit; run those callbacks as a commit would.
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            contact_url("contact-email", person),
            {"email-subject": "Offer", "email-body": "Here is our offer."},
        )
    assert response.status_code == 302
    run_worker()  # the outbox worker sends it
    entry = InteractionLogEntry.objects.select_related("attachment").get()
    assert entry.template == event_templates[DocumentType.EMAIL]
    assert entry.attachment.subject == "Offer"
    assert entry.attachment.body == "Here is our offer."
    assert [m.to for m in mail.outbox] == [[person.email]]
    assert mail.outbox[0].subject == "Offer"
    assert entry.delivery_status == "sent"  # handed to the mail server


def test_send_email_to_contact_without_address_is_refused(
    staff_client, person, event_templates
):
    person.email = ""
    person.save()
    response = staff_client.post(
        contact_url("contact-email", person),
        {"email-subject": "Offer", "email-body": "Text"},
    )
    assert response.status_code == 400
    assert "has no e-mail address" in str(response.context["email_form"].errors)
    assert not InteractionLogEntry.objects.exists()
    assert mail.outbox == []


def test_cover_sheet_records_and_shows_printable_page(
    staff_client, person, event_templates
):
    response = staff_client.post(contact_url("contact-cover-sheet", person))
    entry = InteractionLogEntry.objects.get()
    assert entry.template == event_templates[DocumentType.COVER_SHEET]
    assert response.status_code == 302
    assert response["Location"].endswith(f"?entry={entry.entry_no}")

    page = staff_client.get(response["Location"])
    html = page.content.decode()
    assert page.context["entry"] == entry
    assert "data-print" in html
    assert person.company.name in html


def test_cover_sheet_get_records_nothing(staff_client, person, event_templates):
    response = staff_client.get(contact_url("contact-cover-sheet", person))
    assert response.status_code == 200
    assert not InteractionLogEntry.objects.exists()


def test_cover_sheet_post_needs_the_add_entry_permission(client, person, db):
    user = factories.UserFactory(username="viewer")
    grant(user, "contacts.view_contact")
    client.force_login(user)
    assert client.get(contact_url("contact-cover-sheet", person)).status_code == 200
    assert client.post(contact_url("contact-cover-sheet", person)).status_code == 403


def test_add_to_segment_adds_a_line(staff_client, staff_user, person):
    segment = create_segment(actor=staff_user, description="Spring mailing")
    response = staff_client.post(
        contact_url("contact-add-to-segment", person),
        {"segment-segment": segment.no},
        follow=True,
    )
    assert SegmentLine.objects.filter(segment=segment, contact=person).exists()
    assert f"added to segment {segment.no}" in response.content.decode()


def test_add_to_segment_twice_shows_the_service_error(staff_client, staff_user, person):
    segment = create_segment(actor=staff_user, description="Spring mailing")
    add_contact_to_segment(actor=staff_user, segment=segment, contact=person)
    response = staff_client.post(
        contact_url("contact-add-to-segment", person),
        {"segment-segment": segment.no},
    )
    assert response.status_code == 400
    assert response.context["segment_form"].errors
    assert SegmentLine.objects.filter(segment=segment).count() == 1


# --------------------------------------------------------------------------
# The actions' forms: fetched when a drop-down opens, or alone on a page
# --------------------------------------------------------------------------

ACTIONS = [
    ("contact-phone-call", 'name="call-successful"'),
    ("contact-email", 'name="email-subject"'),
    ("contact-add-to-segment", 'name="segment-segment"'),
]


def test_card_renders_no_closed_action_form_but_fetches_each_when_opened(
    staff_client, person
):
    person.email = "kari@example.com"
    person.save()
    html = staff_client.get(contact_url("contact-detail", person)).content.decode()
    for name, field in ACTIONS:
        url = contact_url(name, person)
        assert field not in html
        # htmx fetches the form into the panel when the drop-down first opens;
        # without JavaScript the panel links to the form's own page.
        assert f'hx-get="{url}" hx-trigger="toggle once"' in html
        assert f'<a href="{url}">Open the form</a>' in html
    assert "open hx-get" not in html and 'dropdown" open' not in html


@pytest.mark.parametrize(("name", "field"), ACTIONS)
def test_htmx_gets_the_form_alone_posting_to_the_action(
    staff_client, person, name, field
):
    person.email = "kari@example.com"
    person.save()
    response = staff_client.get(contact_url(name, person), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert f'<form method="post" action="{contact_url(name, person)}">' in html
    assert field in html
    assert "csrfmiddlewaretoken" in html


@pytest.mark.parametrize(("name", "field"), ACTIONS)
def test_without_javascript_the_form_has_its_own_page(
    staff_client, person, name, field
):
    person.email = "kari@example.com"
    person.save()
    response = staff_client.get(contact_url(name, person))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert f'<a href="{person.get_absolute_url()}">Kari Nordmann</a>' in html
    assert f'<form method="post" action="{contact_url(name, person)}">' in html
    assert field in html


def test_segment_form_lists_the_open_segments(staff_client, staff_user, person):
    segment = create_segment(actor=staff_user, description="Spring mailing")
    html = staff_client.get(
        contact_url("contact-add-to-segment", person), **HTMX
    ).content.decode()
    assert f'<option value="{segment.no}">' in html


def test_email_form_of_a_contact_without_address_says_so(staff_client, person):
    person.email = ""
    person.save()
    html = staff_client.get(contact_url("contact-email", person), **HTMX)
    assert "has no e-mail address" in html.content.decode()
    assert "email-subject" not in html.content.decode()


def test_action_forms_need_the_actions_permissions(client, person, db):
    # May see the card, but neither record interactions nor change segments.
    user = factories.UserFactory(username="viewer")
    grant(user, "contacts.view_contact", "interactions.view_interactionlogentry")
    client.force_login(user)
    for name, _field in ACTIONS:
        assert client.get(contact_url(name, person), **HTMX).status_code == 403
        assert client.get(contact_url(name, person)).status_code == 403
    # Recording without segments: the call form, not the segment form.
    grant(user, "interactions.add_interactionlogentry")
    client.force_login(user)
    assert client.get(contact_url("contact-phone-call", person)).status_code == 200
    response = client.get(contact_url("contact-add-to-segment", person))
    assert response.status_code == 403


def test_refused_action_reopens_its_form_and_leaves_the_others_closed(
    staff_client, person
):
    response = staff_client.post(
        contact_url("contact-phone-call", person), {"call-successful": "maybe"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert html.count('class="dropdown" open') == 1
    assert 'name="call-successful"' in html
    assert 'name="email-subject"' not in html
    assert f'hx-get="{contact_url("contact-email", person)}"' in html
    assert f'hx-get="{contact_url("contact-phone-call", person)}"' not in html

"""The Create Interaction wizard (DOMAIN §4.3, §4.4; NAV reference §7)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from interactions.models import InteractionLogEntry
from interactions.services.outbox import run_worker
from interactions.web.wizard import forms
from interactions.web.wizard import state as wizard
from tests import factories
from tests.conftest import grant
from tests.factories import make_entry

pytestmark = pytest.mark.django_db

CREATE = reverse("interactions:entry-create")
DEFAULTS = reverse("interactions:entry-create-defaults")


@pytest.fixture
def staff_client(client, staff_user, salesperson):
    client.force_login(staff_user)
    return client


@pytest.fixture
def letter(template):
    """A template with merge content, as an administrator sets it up."""
    factories.TemplateContentFactory(template=template)
    return template


def start(client, **params) -> str:
    """Open the wizard and return its id."""
    response = client.get(CREATE, params)
    assert response.status_code == 200
    return response.context["state"].id


def step_one(contact, template, **values) -> dict[str, str]:
    data = {
        "contact": contact.no,
        "template": template.code,
        "description": "Letter about spring prices",
        "salesperson": "JO",
        "date": "2026-03-02",
        "time": "10:15",
        "correspondence_type": "",
        "information_flow": "outbound",
        "initiated_by": "us",
        "language": "",
        # Set by the htmx defaults partial for the pair it was filled for.
        "defaults_for": f"{contact.no}|{template.code}",
    }
    data.update(values)
    return data


def post(client, wizard_id: str, step: str, data: dict, nav: str = "next"):
    return client.post(CREATE, {"wizard": wizard_id, "step": step, "nav": nav, **data})


def state(client, wizard_id: str) -> dict:
    return client.session[wizard.SESSION_KEY][wizard_id]


def walk_to_result(client, wizard_id, contact, template, **first) -> None:
    """Steps 1–3 with their defaults; the wizard then shows step 4."""
    assert (
        post(
            client, wizard_id, "contact", step_one(contact, template, **first)
        ).status_code
        == 302
    )
    content = state(client, wizard_id)["data"]["content"]
    assert post(client, wizard_id, "content", content).status_code == 302
    related = state(client, wizard_id)["data"]["related"]
    assert post(client, wizard_id, "related", related).status_code == 302


# --- access ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", [CREATE, DEFAULTS])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("url", [CREATE, DEFAULTS])
def test_wizard_needs_add_permission(client, url):
    user = factories.UserFactory(username="reader")
    grant(user, "interactions.view_interactionlogentry")
    client.force_login(user)
    assert client.get(url).status_code == 403


def test_wrong_methods_are_refused(staff_client):
    assert staff_client.put(CREATE).status_code == 405
    assert staff_client.post(DEFAULTS).status_code == 405


# --- starting -------------------------------------------------------------------------


def test_started_from_a_contact_the_contact_is_fixed(staff_client, person):
    response = staff_client.get(CREATE, {"contact": person.no})
    html = response.content.decode()
    assert f'value="{person.no}"' in html
    assert "readonly" in html
    assert response.context["step"].name == "contact"


def test_started_from_the_log_filters_they_are_the_context(
    staff_client, person, letter
):
    other = factories.SalespersonFactory(code="KIM")
    campaign = factories.CampaignFactory(no="CP1")
    wizard_id = start(staff_client, salesperson="KIM", campaign="CP1")

    assert state(staff_client, wizard_id)["data"]["contact"]["salesperson"] == "KIM"
    post(
        staff_client, wizard_id, "contact", step_one(person, letter, salesperson="KIM")
    )

    assert state(staff_client, wizard_id)["data"]["related"]["campaign"] == campaign.no
    assert other.code == "KIM"


def test_expired_wizard_starts_again(staff_client):
    response = staff_client.get(CREATE, {"wizard": "gone"}, follow=True)
    assert response.redirect_chain[-1][0] == CREATE
    assert "That wizard has expired" in response.content.decode()


# --- defaults over htmx ---------------------------------------------------------------


def test_choosing_the_template_fills_its_defaults(staff_client, person, letter):
    letter.correspondence_type = "email"
    letter.save()
    wizard_id = start(staff_client)

    response = staff_client.get(
        DEFAULTS,
        {"wizard": wizard_id, "contact": person.no, "template": letter.code},
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert "<html" not in html
    assert f'value="{letter.description}"' in html  # description
    assert '<option value="JO" selected>' in html  # the user's salesperson
    assert '<option value="outbound" selected>' in html
    assert '<option value="email" selected>' in html
    assert f'name="defaults_for" value="{person.no}|{letter.code}"' in html
    assert person.name in html


def test_defaults_partial_without_a_contact_keeps_what_was_typed(staff_client, letter):
    response = staff_client.get(
        DEFAULTS, {"contact": "nobody", "template": letter.code, "description": "Typed"}
    )
    html = response.content.decode()
    assert 'value="Typed"' in html
    assert "No contact matches" in html
    assert 'name="defaults_for" value=""' in html


def test_without_htmx_step_one_is_shown_again_with_defaults(
    staff_client, person, letter
):
    wizard_id = start(staff_client)
    data = step_one(person, letter, description="", information_flow="")
    data.pop("defaults_for")

    response = post(staff_client, wizard_id, "contact", data)

    assert response.status_code == 200
    assert "defaults have been filled in" in response.content.decode()
    raw = state(staff_client, wizard_id)["data"]["contact"]
    assert raw["description"] == letter.description
    assert raw["information_flow"] == "outbound"
    assert raw["date"] == "2026-03-02"  # what the user typed is kept
    assert not InteractionLogEntry.objects.exists()


# --- the happy path -------------------------------------------------------------------


def test_finishing_the_wizard_creates_the_entry(
    staff_client, staff_user, person, letter
):
    campaign = factories.CampaignFactory(no="CP7")
    wizard_id = start(staff_client, contact=person.no)

    response = post(staff_client, wizard_id, "contact", step_one(person, letter))
    assert response.url == f"{CREATE}?wizard={wizard_id}&step=content"
    content_step = staff_client.get(response.url)
    assert content_step.context["form"].initial["subject"] == f"Hello {person.name}"

    post(
        staff_client,
        wizard_id,
        "content",
        {"subject": "Spring prices", "body": "Dear Kari, here they are."},
    )
    post(
        staff_client,
        wizard_id,
        "related",
        {"campaign": campaign.no, "campaign_target": "on", "opportunity_ref": "OP-12"},
    )
    response = post(
        staff_client,
        wizard_id,
        "result",
        {
            "evaluation": "positive",
            "cost": "12.50",
            "duration": "20",
            "comments": "Asked for a visit\n\nSend catalogue",
        },
        nav="finish",
    )

    entry = InteractionLogEntry.objects.get()
    assert response.url == entry.get_absolute_url()
    assert (entry.contact, entry.template, entry.logged_by) == (
        person,
        letter,
        staff_user,
    )
    assert entry.description == "Letter about spring prices"
    assert entry.date == dt.date(2026, 3, 2)
    assert entry.time == dt.time(10, 15)
    assert entry.salesperson.code == "JO"
    assert (entry.campaign, entry.campaign_target, entry.campaign_response) == (
        campaign,
        True,
        False,
    )
    assert entry.opportunity_ref == "OP-12"
    assert entry.evaluation == "positive"
    assert entry.attempt_failed  # "was successful" was not ticked
    assert (entry.cost, entry.duration) == (Decimal("12.50"), Decimal("20"))
    assert entry.subject == "Spring prices"
    assert entry.attachment.body == "Dear Kari, here they are."
    assert not entry.postponed
    assert list(entry.comments.values_list("text", flat=True)) == [
        "Asked for a visit",
        "Send catalogue",
    ]
    assert wizard_id not in staff_client.session[wizard.SESSION_KEY]


def test_later_steps_are_prefilled_from_the_template(staff_client, person, letter):
    wizard_id = start(staff_client)
    post(staff_client, wizard_id, "contact", step_one(person, letter))

    data = state(staff_client, wizard_id)["data"]
    assert data["result"] == {
        "cost": "10",
        "duration": "15",
        "evaluation": "",
        "was_successful": "on",
    }
    assert data["content"]["body"].startswith(f"Dear {person.name}")


def test_back_keeps_what_was_typed(staff_client, person, letter):
    wizard_id = start(staff_client)
    post(staff_client, wizard_id, "contact", step_one(person, letter))

    response = post(
        staff_client, wizard_id, "content", {"subject": "Draft", "body": ""}, nav="back"
    )

    assert response.url.endswith("step=contact")
    assert state(staff_client, wizard_id)["data"]["content"]["subject"] == "Draft"
    # Going on again with the same contact and template keeps the later steps.
    post(staff_client, wizard_id, "contact", step_one(person, letter))
    assert state(staff_client, wizard_id)["data"]["content"]["subject"] == "Draft"


def test_a_step_cannot_be_skipped(staff_client, person, letter):
    wizard_id = start(staff_client)
    response = staff_client.get(CREATE, {"wizard": wizard_id, "step": "result"})
    assert response.context["step"].name == "contact"


# --- errors ---------------------------------------------------------------------------


def test_invalid_step_shows_errors_on_its_fields(staff_client, person, letter):
    wizard_id = start(staff_client)
    walk_to_result(staff_client, wizard_id, person, letter)

    response = post(
        staff_client,
        wizard_id,
        "result",
        {"cost": "-1", "duration": "5", "was_successful": "on"},
        nav="finish",
    )

    assert response.status_code == 400
    assert response.context["step"].name == "result"
    assert "cost" in response.context["form"].errors
    assert not InteractionLogEntry.objects.exists()


def test_service_refusal_is_shown_on_the_step_it_belongs_to(
    staff_client, person, letter
):
    wizard_id = start(staff_client)
    walk_to_result(staff_client, wizard_id, person, letter)
    # Blocked after step 1 accepted it (step 1 refuses a blocked contact at once).
    person.privacy_blocked = True
    person.save()

    response = post(
        staff_client,
        wizard_id,
        "result",
        {"cost": "1", "duration": "5", "was_successful": "on"},
        nav="finish",
    )

    assert response.status_code == 400
    assert response.context["step"].name == "contact"
    assert "privacy blocked" in str(response.context["form"].errors["contact"])
    assert not InteractionLogEntry.objects.exists()


def test_blocked_salesperson_is_refused_on_step_one(staff_client, person, letter):
    blocked = factories.SalespersonFactory(code="OLD", blocked=True)
    wizard_id = start(staff_client)
    walk_to_result(staff_client, wizard_id, person, letter, salesperson=blocked.code)

    response = post(
        staff_client,
        wizard_id,
        "result",
        {"cost": "1", "duration": "5", "was_successful": "on"},
        nav="finish",
    )

    assert response.context["step"].name == "contact"
    assert response.context["form"].errors == {
        "salesperson": ["Salesperson OLD is blocked."]
    }
    assert not InteractionLogEntry.objects.exists()


def test_step_data_that_no_longer_validates_is_shown_again(
    staff_client, person, letter
):
    campaign = factories.CampaignFactory(no="GONE")
    wizard_id = start(staff_client)
    post(staff_client, wizard_id, "contact", step_one(person, letter))
    post(staff_client, wizard_id, "content", {})
    post(staff_client, wizard_id, "related", {"campaign": campaign.no})
    campaign.delete()

    response = post(
        staff_client,
        wizard_id,
        "result",
        {"cost": "1", "duration": "5", "was_successful": "on"},
        nav="finish",
    )

    assert response.status_code == 400
    assert response.context["step"].name == "related"
    assert "campaign" in response.context["form"].errors
    assert not InteractionLogEntry.objects.exists()


def test_service_errors_are_sorted_onto_their_steps():
    error = ValidationError(
        {
            "salesperson": ["Blocked."],
            "cost": ["Negative."],
            "attempt_failed": ["Odd."],
            "entry": ["Gone."],
        }
    )

    by_step = wizard.errors_by_step(error)

    assert {
        step: {name: [e.message for e in errors] for name, errors in fields.items()}
        for step, fields in by_step.items()
    } == {
        "contact": {"salesperson": ["Blocked."], None: ["Gone."]},
        "result": {"cost": ["Negative."], "was_successful": ["Odd."]},
    }


def test_plain_service_error_goes_to_the_first_step():
    by_step = wizard.errors_by_step(ValidationError("Nothing works."))
    assert list(by_step) == ["contact"]
    assert [e.message for e in by_step["contact"][None]] == ["Nothing works."]


# --- finish later and resume ----------------------------------------------------------


def test_finish_later_saves_a_postponed_entry(staff_client, person, letter):
    wizard_id = start(staff_client)

    response = post(
        staff_client, wizard_id, "contact", step_one(person, letter), nav="postpone"
    )

    assert response.url == reverse("interactions:postponed-list")
    entry = InteractionLogEntry.objects.get()
    assert entry.postponed
    assert entry.description == "Letter about spring prices"


def test_resumed_wizard_finishes_the_same_entry(
    staff_client, staff_user, person, letter
):
    entry = make_entry(
        person,
        letter,
        postpone=True,
        description="Half done",
        comments=["Old note"],
    )

    response = staff_client.get(
        reverse("interactions:postponed-resume", kwargs={"entry_no": entry.pk})
    )
    shown = staff_client.get(response.url)
    wizard_id = shown.context["state"].id
    assert shown.context["state"].resume == entry.pk
    assert shown.context["form"].initial["description"] == "Half done"
    assert shown.context["form"].initial["date"] == timezone.localdate().isoformat()

    response = post(
        staff_client,
        wizard_id,
        "result",
        {
            "cost": "3",
            "duration": "4",
            "was_successful": "on",
            "comments": "New note",
        },
        nav="finish",
    )

    assert response.url == entry.get_absolute_url()
    assert InteractionLogEntry.objects.count() == 1
    entry.refresh_from_db()
    assert not entry.postponed
    assert entry.description == "Half done"
    assert entry.cost == Decimal("3")
    assert list(entry.comments.values_list("text", flat=True)) == ["New note"]


def test_resuming_a_deleted_postponed_entry_says_so(staff_client, person, letter):
    entry = make_entry(person, letter, postpone=True, description="Gone soon")
    response = staff_client.get(
        reverse("interactions:postponed-resume", kwargs={"entry_no": entry.pk})
    )
    wizard_id = staff_client.get(response.url).context["state"].id
    InteractionLogEntry.objects.filter(pk=entry.pk).delete()

    response = post(
        staff_client,
        wizard_id,
        "result",
        {"cost": "1", "duration": "1"},
        nav="finish",
    )

    assert response.url == reverse("interactions:postponed-list")
    assert not InteractionLogEntry.objects.exists()


# --- content: import and send ---------------------------------------------------------


def test_imported_file_becomes_the_attachment(
    staff_client, person, letter, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    wizard_id = start(staff_client)
    post(staff_client, wizard_id, "contact", step_one(person, letter))
    upload = SimpleUploadedFile("scan.pdf", b"%PDF-1.4 scan", "application/pdf")
    post(
        staff_client,
        wizard_id,
        "content",
        {"subject": "Scan", "attachment_file": upload},
    )
    parked = state(staff_client, wizard_id)["upload"]["path"]
    assert (tmp_path / parked).exists()
    post(staff_client, wizard_id, "related", {})

    post(
        staff_client,
        wizard_id,
        "result",
        {"cost": "1", "duration": "1", "was_successful": "on"},
        nav="finish",
    )

    entry = InteractionLogEntry.objects.get()
    assert entry.attachment.file_name == "scan.pdf"
    assert entry.attachment.file.read() == b"%PDF-1.4 scan"
    assert not (tmp_path / parked).exists()


def test_send_by_email_when_finishing(
    staff_client, person, letter, django_capture_on_commit_callbacks
):
    wizard_id = start(staff_client)
    post(
        staff_client,
        wizard_id,
        "contact",
        step_one(person, letter, correspondence_type="email"),
    )
    content = state(staff_client, wizard_id)["data"]["content"]
    post(staff_client, wizard_id, "content", {**content, "send": "on"})
    post(staff_client, wizard_id, "related", {})

    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            staff_client,
            wizard_id,
            "result",
            {"cost": "1", "duration": "1", "was_successful": "on"},
            nav="finish",
        )

    assert InteractionLogEntry.objects.get().delivery_status == "queued"
    run_worker()  # the outbox worker sends it
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [person.email]
    entry = InteractionLogEntry.objects.get()
    assert entry.correspondence_type == "email"
    assert entry.delivery_status == "sent"
    assert (
        "It is being sent by e-mail." in staff_client.get(response.url).content.decode()
    )


def test_send_is_ignored_unless_the_correspondence_is_email(
    staff_client, person, letter
):
    wizard_id = start(staff_client)
    post(staff_client, wizard_id, "contact", step_one(person, letter))
    content = state(staff_client, wizard_id)["data"]["content"]
    response = staff_client.get(CREATE, {"wizard": wizard_id, "step": "content"})
    assert 'name="send"' not in response.content.decode()
    post(staff_client, wizard_id, "content", {**content, "send": "on"})
    post(staff_client, wizard_id, "related", {})
    post(
        staff_client,
        wizard_id,
        "result",
        {"cost": "1", "duration": "1", "was_successful": "on"},
        nav="finish",
    )
    assert InteractionLogEntry.objects.get().delivery_status == ""
    assert not mail.outbox


def test_fixed_contact_cannot_be_changed(staff_client, person, company, letter):
    wizard_id = start(staff_client, contact=person.no)
    post(
        staff_client,
        wizard_id,
        "contact",
        step_one(company, letter, defaults_for=f"{person.no}|{letter.code}"),
        nav="postpone",
    )
    assert InteractionLogEntry.objects.get().contact == person


def test_too_large_import_is_refused_on_its_field(
    staff_client, person, letter, monkeypatch
):
    monkeypatch.setattr(forms, "MAX_IMPORT_BYTES", 4)
    wizard_id = start(staff_client)
    post(staff_client, wizard_id, "contact", step_one(person, letter))
    upload = SimpleUploadedFile("big.txt", b"too big", "text/plain")

    response = post(staff_client, wizard_id, "content", {"attachment_file": upload})

    assert response.status_code == 400
    assert "too large" in str(response.context["form"].errors["attachment_file"])
    assert state(staff_client, wizard_id)["upload"] is None

"""Create interaction in admin: through create_interaction, errors on the fields."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from interactions.models import EntryComment, InteractionLogEntry
from interactions_crm.platform.models import AuditEvent
from tests import factories
from tests.admin.support import message_texts

pytestmark = pytest.mark.django_db

ADD = "admin:interactions_interactionlogentry_add"


@pytest.fixture
def letter(db):
    """A template with a unit cost and duration to default from (no content)."""
    return factories.TemplateFactory(
        code="LETTER",
        group__code="LETTER",
        description="Letter to customer",
        unit_cost=Decimal("12.50"),
        unit_duration=Decimal("20"),
        information_flow="outbound",
        initiated_by="us",
    )


def post_add(client, **values):
    data = {
        "contact": "",
        "template": "",
        "date": "",
        "time": "",
        "description": "",
        "subject": "",
        "salesperson": "",
        "campaign": "",
        "campaign_target": "unknown",
        "campaign_response": "unknown",
        "opportunity_ref": "",
        "evaluation": "",
        "cost": "",
        "duration": "",
        "correspondence_type": "",
        "contact_via": "",
        "comment": "",
        **{k: str(v) for k, v in values.items()},
    }
    return client.post(reverse(ADD), data)


def form_errors(response) -> dict[str, list[str]]:
    form = response.context["adminform"].form
    return {name: list(errors) for name, errors in form.errors.items()}


def test_add_page_offers_the_create_interaction_form(admin_client):
    response = admin_client.get(reverse(ADD))

    assert response.status_code == 200
    fields = response.context["adminform"].form.fields
    assert {"contact", "template", "salesperson", "comment", "postpone"} <= set(fields)


def test_missing_contact_and_template_are_field_errors(admin_client):
    response = post_add(admin_client)

    assert response.status_code == 200
    assert {"contact", "template"} <= set(form_errors(response))
    assert not InteractionLogEntry.objects.exists()


def test_service_refusals_are_shown_on_their_fields_and_nothing_is_written(
    admin_client, person, letter
):
    blocked = factories.SalespersonFactory(code="OLD", blocked=True)
    audit_before = AuditEvent.objects.count()

    response = post_add(
        admin_client,
        contact=person.pk,
        template=letter.pk,
        salesperson=blocked.pk,
        cost="-5",
        comment="Should not be stored",
    )

    assert response.status_code == 200
    errors = form_errors(response)
    assert errors["salesperson"] == ["Salesperson OLD is blocked."]
    assert errors["cost"] == ["This value must not be negative."]
    assert not InteractionLogEntry.objects.exists()
    assert not EntryComment.objects.exists()
    assert AuditEvent.objects.count() == audit_before


def test_privacy_blocked_contact_is_refused_on_the_contact_field(
    admin_client, person, letter, salesperson
):
    person.privacy_blocked = True
    person.save()

    response = post_add(
        admin_client, contact=person.pk, template=letter.pk, salesperson=salesperson.pk
    )

    assert "privacy blocked" in form_errors(response)["contact"][0]
    assert not InteractionLogEntry.objects.exists()


def test_good_input_creates_the_entry_with_template_defaults(
    admin_client, admin_user, person, letter, salesperson
):
    response = post_add(
        admin_client,
        contact=person.pk,
        template=letter.pk,
        salesperson=salesperson.pk,
        comment="Sent the price list",
    )

    assert response.status_code == 302
    entry = InteractionLogEntry.objects.get()
    assert (entry.contact, entry.contact_company, entry.template, entry.group) == (
        person,
        person.company,
        letter,
        letter.group,
    )
    assert entry.description == "Letter to customer"
    assert (entry.cost, entry.duration) == (Decimal("12.50"), Decimal("20"))
    assert (entry.information_flow, entry.initiated_by) == ("outbound", "us")
    assert entry.date == timezone.localdate()
    assert (entry.salesperson, entry.logged_by) == (salesperson, admin_user)
    assert [c.text for c in entry.comments.all()] == ["Sent the price list"]
    assert not entry.postponed


def test_typed_values_override_the_defaults(admin_client, person, letter, salesperson):
    post_add(
        admin_client,
        contact=person.pk,
        template=letter.pk,
        salesperson=salesperson.pk,
        date="2026-02-03",
        description="Visit",
        cost="0",
        duration="90",
        evaluation="positive",
    )

    entry = InteractionLogEntry.objects.get()
    assert (entry.date, entry.description) == (dt.date(2026, 2, 3), "Visit")
    assert (entry.cost, entry.duration, entry.evaluation) == (
        Decimal("0"),
        Decimal("90"),
        "positive",
    )


def test_finish_later_saves_a_postponed_entry(admin_client, person, letter):
    response = post_add(
        admin_client, contact=person.pk, template=letter.pk, postpone="on"
    )

    entry = InteractionLogEntry.objects.get()
    assert entry.postponed
    assert response["Location"].endswith("?status=postponed")


def test_add_requires_the_add_permission(log_keeper_client, person, letter):
    response = post_add(log_keeper_client, contact=person.pk, template=letter.pk)

    assert response.status_code == 403
    assert not InteractionLogEntry.objects.exists()


def test_success_message_names_the_entry(admin_client, person, letter, salesperson):
    post_add(
        admin_client, contact=person.pk, template=letter.pk, salesperson=salesperson.pk
    )

    response = admin_client.get(
        reverse("admin:interactions_interactionlogentry_changelist")
    )
    entry = InteractionLogEntry.objects.get()
    assert any(str(entry.entry_no) in text for text in message_texts(response))

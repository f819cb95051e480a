"""DOMAIN §4.1–4.3: creating an interaction manually, and its validation (§4.2)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from contacts.models import CorrespondenceType
from interactions.models import (
    Attachment,
    Campaign,
    EntryComment,
    InteractionLogEntry,
    WizardAction,
)
from interactions.services import create_interaction
from interactions_crm.platform.models import AuditEvent
from tests import factories


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def nothing_written() -> bool:
    return (
        not InteractionLogEntry.objects.exists()
        and not Attachment.objects.exists()
        and not EntryComment.objects.exists()
        and not AuditEvent.objects.exists()
    )


def refused(field: str, **kwargs) -> list[str]:
    """Call create_interaction, expect a refusal; return the field's messages."""
    with pytest.raises(ValidationError) as caught:
        create_interaction(**kwargs)
    assert nothing_written()
    return caught.value.message_dict[field]


@pytest.fixture
def base(staff_user, salesperson, person, template):
    """The arguments of a valid manual interaction."""
    return {"actor": staff_user, "contact": person, "template": template}


def test_creates_entry_with_template_values_copied(base, person, company, salesperson):
    entry = create_interaction(**base)

    entry.refresh_from_db()
    assert entry.contact == person
    assert entry.contact_company == company
    assert entry.template.code == "LETTER"
    assert entry.group.code == "LETTER"
    assert entry.description == "Template LETTER"
    assert entry.subject == "Template LETTER"
    assert entry.cost == Decimal("10.00")
    assert entry.duration == Decimal("15")
    assert entry.information_flow == "outbound"
    assert entry.initiated_by == "us"
    assert entry.salesperson == salesperson
    assert entry.logged_by == base["actor"]
    assert entry.postponed is False
    assert entry.delivery_status == ""
    assert entry.attachment is None  # the template has no content


def test_later_template_changes_do_not_rewrite_history(base, template):
    entry = create_interaction(**base)

    template.unit_cost = Decimal("999")
    template.description = "Changed"
    template.save()

    entry.refresh_from_db()
    assert entry.cost == Decimal("10.00")
    assert entry.description == "Template LETTER"


def test_given_values_override_defaults(base):
    campaign = factories.CampaignFactory()
    other = factories.SalespersonFactory(code="OTHER")

    entry = create_interaction(
        **base,
        date=dt.date(2026, 1, 5),
        time=dt.time(9, 30),
        description="Typed",
        salesperson=other,
        campaign=campaign,
        campaign_target=True,
        campaign_response=True,
        cost=Decimal("3.50"),
        duration=Decimal("7"),
        information_flow="inbound",
        initiated_by="them",
        correspondence_type=CorrespondenceType.HARD_COPY,
        evaluation="positive",
        attempt_failed=True,
        contact_via="+47 22 00 00 00",
        opportunity_ref="OP-1",
    )

    entry.refresh_from_db()
    assert (entry.date, entry.time) == (dt.date(2026, 1, 5), dt.time(9, 30))
    assert entry.description == "Typed"
    assert entry.salesperson == other
    assert entry.campaign == campaign
    assert (entry.campaign_target, entry.campaign_response) == (True, True)
    assert (entry.cost, entry.duration) == (Decimal("3.50"), Decimal("7"))
    assert (entry.information_flow, entry.initiated_by) == ("inbound", "them")
    assert entry.correspondence_type == CorrespondenceType.HARD_COPY
    assert entry.evaluation == "positive"
    assert entry.attempt_failed is True
    assert entry.contact_via == "+47 22 00 00 00"
    assert entry.opportunity_ref == "OP-1"


def test_zero_cost_and_duration_are_allowed(base):
    entry = create_interaction(**base, cost=Decimal("0"), duration=Decimal("0"))

    assert (entry.cost, entry.duration) == (0, 0)


def test_merged_content_is_stored_as_attachment(base, person, salesperson, template):
    factories.TemplateContentFactory(template=template)

    entry = create_interaction(**base)

    attachment = entry.attachment
    assert attachment.subject == f"Hello {person.name}"
    assert attachment.body == f"Dear {person.name},\n\nRegards, {salesperson.name}"
    assert attachment.read_only is True
    assert entry.subject == f"Hello {person.name}"


def test_edited_subject_and_body_replace_merged_content(base, template):
    factories.TemplateContentFactory(template=template)

    entry = create_interaction(**base, subject="Edited", body="Edited body")

    assert (entry.attachment.subject, entry.attachment.body) == (
        "Edited",
        "Edited body",
    )
    assert entry.subject == "Edited"


def test_imported_file_is_stored(base):
    upload = SimpleUploadedFile("scan.pdf", b"%PDF-1.4", content_type="application/pdf")

    entry = create_interaction(**base, attachment_file=upload)

    attachment = entry.attachment
    assert attachment.file_name == "scan.pdf"
    assert attachment.content_type == "application/pdf"
    with attachment.file.open("rb") as handle:
        assert handle.read() == b"%PDF-1.4"


def test_template_file_is_referenced(base, template):
    stored = Attachment.objects.create(
        file=SimpleUploadedFile("brochure.pdf", b"brochure"),
        file_name="brochure.pdf",
        content_type="application/pdf",
    )
    factories.TemplateContentFactory(template=template, attachment=stored)

    entry = create_interaction(**base)

    assert entry.attachment != stored
    assert entry.attachment.file.name == stored.file.name
    assert entry.attachment.file_name == "brochure.pdf"


def test_comments_are_written_with_author(base, staff_user):
    entry = create_interaction(**base, comments=["First", "  ", "Second"])

    comments = list(entry.comments.order_by("id"))
    assert [c.text for c in comments] == ["First", "Second"]
    assert {c.author for c in comments} == {staff_user}


def test_audit_event_written(base, staff_user, person):
    entry = create_interaction(**base)

    event = AuditEvent.objects.get()
    assert event.action == "entry.create"
    assert event.actor == staff_user
    assert event.object_id == str(entry.entry_no)
    assert event.changes["contact"] == person.no
    assert event.changes["template"] == "LETTER"


class TestValidation:
    def test_contact_required(self, base):
        base["contact"] = None

        assert refused("contact", **base) == [
            "You must select a contact to interact with."
        ]

    def test_template_required(self, base):
        base["template"] = None

        assert refused("template", **base) == [
            "You must select an interaction template."
        ]

    def test_date_must_be_a_date(self, base):
        assert refused("date", **base, date="yesterday") == [
            "Enter the date of the interaction."
        ]

    def test_salesperson_required(self, person, template):
        user_without_salesperson = factories.UserFactory(username="nosales")

        messages = refused(
            "salesperson",
            actor=user_without_salesperson,
            contact=person,
            template=template,
        )

        assert messages == ["You must fill in the salesperson."]

    def test_salesperson_not_blocked(self, base):
        blocked = factories.SalespersonFactory(code="GONE", blocked=True)

        assert refused("salesperson", **base, salesperson=blocked) == [
            "Salesperson GONE is blocked."
        ]

    def test_description_required(self, base, template):
        template.description = ""
        template.save()

        assert refused("description", **base) == ["You must fill in the description."]

    def test_description_typed_when_template_has_none(self, base, template):
        template.description = ""
        template.save()

        entry = create_interaction(**base, description="Typed")

        assert entry.description == "Typed"

    @pytest.mark.parametrize("field", ["cost", "duration"])
    def test_not_negative(self, base, field):
        assert refused(field, **base, **{field: Decimal("-0.01")}) == [
            "This value must not be negative."
        ]

    @pytest.mark.parametrize("value", ["abc", "NaN", "Infinity"])
    def test_cost_must_be_a_number(self, base, value):
        assert refused("cost", **base, cost=value) == ["Enter a number."]

    def test_privacy_blocked_contact_refused(self, base, person):
        person.privacy_blocked = True
        person.save()

        assert refused("contact", **base) == [
            f"Contact {person.no} is privacy blocked; no interactions can be created."
        ]

    def test_campaign_must_exist(self, base):
        ghost = Campaign(pk=987654, no="GHOST", description="Not saved")

        assert refused("campaign", **base, campaign=ghost)

    def test_wizard_action_open_requires_content(self, base, template):
        template.wizard_action = WizardAction.OPEN
        template.language = "ENU"
        template.save()

        messages = refused("template", **base)

        assert messages == [
            "Interaction template LETTER opens its content, but it has no content "
            "in language “ENU”."
        ]

    def test_wizard_action_open_satisfied_by_content(self, base, template):
        template.wizard_action = WizardAction.OPEN
        template.save()
        factories.TemplateContentFactory(template=template)

        assert create_interaction(**base).attachment is not None

    def test_wizard_action_open_satisfied_by_imported_file(self, base, template):
        template.wizard_action = WizardAction.OPEN
        template.save()

        entry = create_interaction(
            **base, attachment_file=SimpleUploadedFile("a.txt", b"x")
        )

        assert entry.attachment.file_name == "a.txt"

    def test_invalid_choice_refused_on_its_field(self, base):
        assert refused("evaluation", **base, evaluation="great")

    def test_too_long_description_refused(self, base):
        assert refused("description", **base, description="x" * 101)

    def test_several_messages_at_once(self, base, template):
        template.description = ""
        template.save()

        with pytest.raises(ValidationError) as caught:
            create_interaction(**base, cost=Decimal("-1"), duration=Decimal("-1"))

        assert set(caught.value.message_dict) == {"description", "cost", "duration"}
        assert nothing_written()

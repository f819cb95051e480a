"""Master data writes: deletion rules (DOMAIN §8) and audit (§9)."""

import datetime as dt

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from contacts.models import NumberSeries, Salesperson
from interactions.models import (
    Campaign,
    DocumentTemplateSetup,
    InteractionGroup,
    InteractionTemplate,
)
from interactions.services import (
    create_campaign,
    delete_master_record,
    save_master_record,
)
from interactions_crm.platform.models import AuditEvent
from tests import factories
from tests.factories import make_entry
from tests.interactions.ledger_support import make_entries

pytestmark = pytest.mark.django_db


def refusal(exc: pytest.ExceptionInfo) -> str:
    return exc.value.message_dict[NON_FIELD_ERRORS][0]


def test_template_with_entries_cannot_be_deleted(admin_user, template):
    make_entries(12, template=template)

    with pytest.raises(ValidationError) as exc:
        delete_master_record(actor=admin_user, instance=template)

    assert refusal(exc) == (
        "Cannot delete interaction template LETTER: "
        "12 interaction log entries refer to it."
    )
    assert InteractionTemplate.objects.filter(pk=template.pk).exists()


def test_canceled_entries_protect_too_and_the_message_is_singular(admin_user):
    template = factories.TemplateFactory(code="CALL")
    make_entry(template=template, canceled=True)

    with pytest.raises(ValidationError) as exc:
        delete_master_record(actor=admin_user, instance=template)

    assert "1 interaction log entry refers to it." in refusal(exc)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("group", "Cannot delete interaction group MEET: 1 interaction log entry"),
        ("campaign", "Cannot delete campaign CP-1: 1 interaction log entry"),
        ("salesperson", "Cannot delete salesperson SP9: 1 interaction log entry"),
    ],
)
def test_group_campaign_and_salesperson_with_entries_are_protected(
    admin_user, kind, expected
):
    template = factories.TemplateFactory(code="MEET", group__code="MEET")
    campaign = factories.CampaignFactory(no="CP-1")
    salesperson = factories.SalespersonFactory(code="SP9")
    make_entry(template=template, campaign=campaign, salesperson=salesperson)
    instance = {
        "group": template.group,
        "campaign": campaign,
        "salesperson": salesperson,
    }[kind]

    with pytest.raises(ValidationError) as exc:
        delete_master_record(actor=admin_user, instance=instance)

    assert refusal(exc).startswith(expected)
    instance.refresh_from_db()


@pytest.mark.parametrize("kind", ["template", "group", "campaign", "salesperson"])
def test_unused_master_record_is_deleted_and_audited(admin_user, kind):
    instance = {
        "template": lambda: factories.TemplateFactory(code="UNUSED"),
        "group": lambda: factories.InteractionGroupFactory(code="UNUSED"),
        "campaign": lambda: factories.CampaignFactory(no="UNUSED"),
        "salesperson": lambda: factories.SalespersonFactory(code="UNUSED"),
    }[kind]()
    pk = instance.pk

    delete_master_record(actor=admin_user, instance=instance)

    assert not type(instance).objects.filter(pk=pk).exists()
    event = AuditEvent.objects.get(action=f"{instance._meta.model_name}.delete")
    assert (event.object_id, event.actor) == (str(pk), admin_user)


def test_group_still_used_by_templates_is_refused_with_a_clear_message(admin_user):
    group = factories.InteractionGroupFactory(code="LETTER")
    factories.TemplateFactory(group=group)
    factories.TemplateFactory(group=group)

    with pytest.raises(ValidationError) as exc:
        delete_master_record(actor=admin_user, instance=group)

    assert refusal(exc) == (
        "Cannot delete interaction group LETTER: "
        "it is still used by 2 interaction templates."
    )
    assert InteractionGroup.objects.filter(pk=group.pk).exists()
    assert not AuditEvent.objects.filter(action="interactiongroup.delete").exists()


def test_contacts_are_not_handled(admin_user, company):
    with pytest.raises(TypeError):
        delete_master_record(actor=admin_user, instance=company)


def test_unused_code_table_row_is_deleted_and_audited(admin_user):
    group = factories.MailingGroupFactory(code="NEWSLETTER")

    delete_master_record(actor=admin_user, instance=group)

    assert not type(group).objects.filter(pk=group.pk).exists()
    assert AuditEvent.objects.filter(action="mailinggroup.delete").count() == 1


def test_business_relation_in_use_is_refused(admin_user, company):
    link = factories.ContactBusinessRelationFactory(
        contact=company, business_relation__code="CUST"
    )

    with pytest.raises(ValidationError) as exc:
        delete_master_record(actor=admin_user, instance=link.business_relation)

    assert "CUST" in refusal(exc)
    assert type(link.business_relation).objects.filter(code="CUST").exists()


def test_save_new_template_is_audited_with_its_values(admin_user):
    group = factories.InteractionGroupFactory(code="PHONE")
    template = InteractionTemplate(code="CALL", group=group, description="Call")

    save_master_record(
        actor=admin_user, instance=template, created=True, changed_fields=[]
    )

    template.refresh_from_db()
    event = AuditEvent.objects.get(action="interactiontemplate.create")
    assert event.object_id == str(template.pk)
    assert event.changes["code"] == "CALL"
    assert event.changes["group"] == group.pk
    assert event.changes["unit_cost"] == "0.00"


def test_save_changed_template_audits_only_the_changed_fields(admin_user, template):
    template.description = "Letter (new)"
    template.unit_cost = "12.50"

    save_master_record(
        actor=admin_user,
        instance=template,
        created=False,
        changed_fields=["description", "unit_cost", "not_a_field"],
    )

    event = AuditEvent.objects.get(action="interactiontemplate.change")
    assert event.changes == {"description": "Letter (new)", "unit_cost": "12.50"}


def test_save_without_changes_writes_no_audit_event(admin_user, template):
    save_master_record(
        actor=admin_user, instance=template, created=False, changed_fields=[]
    )
    assert not AuditEvent.objects.exists()


def test_save_refuses_invalid_values_and_writes_nothing(admin_user, template):
    template.unit_cost = -1

    with pytest.raises(ValidationError) as exc:
        save_master_record(
            actor=admin_user,
            instance=template,
            created=False,
            changed_fields=["unit_cost"],
        )

    assert "unit_cost" in exc.value.message_dict
    template.refresh_from_db()
    assert template.unit_cost == 10
    assert not AuditEvent.objects.exists()


def test_save_template_setup_goes_through_the_setup_rule(admin_user, template):
    factories.TemplateContentFactory(template=template)
    setup = DocumentTemplateSetup.objects.get(document_type="sales_invoice")
    setup.template = template

    with pytest.raises(ValidationError) as exc:
        save_master_record(
            actor=admin_user, instance=setup, created=False, changed_fields=["template"]
        )

    assert "template" in exc.value.message_dict
    setup.refresh_from_db()
    assert setup.template is None


def test_create_campaign_takes_its_number_from_the_series(admin_user):
    salesperson = Salesperson.objects.create(code="KIM", name="Kim")
    first = create_campaign(
        actor=admin_user, description="Spring fair", salesperson=salesperson
    )
    second = create_campaign(actor=admin_user, description="Autumn fair")

    assert (first.no, second.no) == ("CP000001", "CP000002")
    assert NumberSeries.objects.get(code="CAMPAIGN").last_number == 2
    assert AuditEvent.objects.filter(action="campaign.create").count() == 2


def test_create_campaign_keeps_a_given_number(admin_user):
    campaign = create_campaign(actor=admin_user, no="FAIR-26", description="Fair")
    assert campaign.no == "FAIR-26"
    assert NumberSeries.objects.get(code="CAMPAIGN").last_number == 0


def test_create_campaign_refuses_end_before_start_and_keeps_the_number(admin_user):
    with pytest.raises(ValidationError):
        create_campaign(
            actor=admin_user,
            description="Backwards",
            starting_date=dt.date(2026, 5, 1),
            ending_date=dt.date(2026, 4, 1),
        )

    assert not Campaign.objects.exists()
    assert NumberSeries.objects.get(code="CAMPAIGN").last_number == 0

"""Master data in admin: saved and deleted through services, refusals as messages."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import Contact, ContactBusinessRelation
from interactions.models import (
    Campaign,
    DocumentTemplateSetup,
    DocumentType,
    InteractionTemplate,
    TemplateContent,
)
from interactions_crm.platform.models import AuditEvent
from tests import factories
from tests.admin.support import form_data, message_texts
from tests.factories import make_entry

pytestmark = pytest.mark.django_db


def admin_url(model, view: str, *args) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


# --- deletion rules (DOMAIN §8) ------------------------------------------------


def test_deleting_a_template_with_entries_shows_why_and_deletes_nothing(
    admin_client, template
):
    make_entry(template=template)

    response = admin_client.post(
        admin_url(InteractionTemplate, "delete", template.pk),
        {"post": "yes"},
        follow=True,
    )

    assert response.status_code == 200
    assert (
        "Cannot delete interaction template LETTER: 1 interaction log entry "
        "refers to it." in message_texts(response)
    )
    assert InteractionTemplate.objects.filter(pk=template.pk).exists()


def test_delete_confirmation_does_not_walk_the_entries(admin_client, template):
    make_entry(template=template)

    with CaptureQueriesContext(connection) as captured:
        response = admin_client.get(
            admin_url(InteractionTemplate, "delete", template.pk)
        )

    assert response.status_code == 200
    assert not [
        q for q in captured.captured_queries if "interactionlogentry" in q["sql"]
    ]


def test_deleting_an_unused_template_deletes_it_with_its_content(
    admin_client, admin_user
):
    content = factories.TemplateContentFactory(template__code="UNUSED")

    admin_client.post(
        admin_url(InteractionTemplate, "delete", content.template.pk), {"post": "yes"}
    )

    assert not InteractionTemplate.objects.filter(code="UNUSED").exists()
    assert not TemplateContent.objects.exists()
    assert AuditEvent.objects.latest("id").actor == admin_user


def test_bulk_delete_is_all_or_nothing(admin_client, template):
    unused = factories.TemplateFactory(code="UNUSED")
    make_entry(template=template)

    response = admin_client.post(
        admin_url(InteractionTemplate, "changelist"),
        {
            "action": "delete_selected",
            ACTION_CHECKBOX_NAME: [unused.pk, template.pk],
            "post": "yes",
        },
        follow=True,
    )

    assert any("1 interaction log entry refers" in m for m in message_texts(response))
    assert (
        InteractionTemplate.objects.filter(pk__in=[unused.pk, template.pk]).count() == 2
    )


def test_deleting_a_contact_with_entries_is_refused(admin_client, person):
    make_entry(person)

    response = admin_client.post(
        admin_url(Contact, "delete", person.pk), {"post": "yes"}, follow=True
    )

    assert any("interaction log entry refers" in m for m in message_texts(response))
    assert Contact.objects.filter(pk=person.pk).exists()


def test_deleting_a_salesperson_with_entries_is_refused(admin_client, salesperson):
    make_entry(salesperson=salesperson)

    response = admin_client.post(
        admin_url(salesperson, "delete", salesperson.pk), {"post": "yes"}, follow=True
    )

    assert any("refers to it" in m for m in message_texts(response))
    salesperson.refresh_from_db()


# --- saving through the services -------------------------------------------


def test_template_with_content_is_saved_through_the_service(admin_client, admin_user):
    group = factories.InteractionGroupFactory(code="LETTER")
    page = admin_client.get(admin_url(InteractionTemplate, "add"))
    data = form_data(page, "interactiontemplate_form")
    data.update(
        {
            "code": ["THANKS"],
            "group": [str(group.pk)],
            "description": ["Thank-you letter"],
            "unit_cost": ["5"],
            "unit_duration": ["10"],
            "contents-TOTAL_FORMS": ["1"],
            "contents-0-language": ["nb"],
            "contents-0-subject": ["Takk, {{ contact.name }}"],
            "contents-0-body": ["Hei {{ contact.name }}!"],
        }
    )

    response = admin_client.post(admin_url(InteractionTemplate, "add"), data)

    assert response.status_code == 302
    template = InteractionTemplate.objects.get(code="THANKS")
    assert template.contents.get().subject == "Takk, {{ contact.name }}"
    actions = set(AuditEvent.objects.values_list("object_type", flat=True))
    assert {"interactions.interactiontemplate", "interactions.templatecontent"} <= (
        actions
    )


def test_model_validation_errors_stay_on_the_form(admin_client):
    page = admin_client.get(admin_url(InteractionTemplate, "add"))
    data = form_data(page, "interactiontemplate_form")
    data.update({"code": ["BAD"], "unit_cost": ["-1"]})

    response = admin_client.post(admin_url(InteractionTemplate, "add"), data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert {"group", "unit_cost"} <= set(errors)
    assert not InteractionTemplate.objects.filter(code="BAD").exists()


@pytest.mark.parametrize("code", ["A/B", "/"])
def test_a_key_with_a_slash_is_refused_on_its_field(admin_client, code):
    # Its record could not be addressed by a URL (the API's detail, the pages).
    response = admin_client.post(
        admin_url(Campaign, "add"),
        {"no": code, "description": "Slashed", "status": "planned"},
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["no"]
    assert "“/”" in errors["no"][0]
    assert not Campaign.objects.filter(description="Slashed").exists()


def test_campaign_without_a_number_takes_one_from_the_series(admin_client, salesperson):
    response = admin_client.post(
        admin_url(Campaign, "add"),
        {
            "no": "",
            "description": "Spring fair",
            "status": "planned",
            "salesperson": salesperson.pk,
            "starting_date": "2026-04-01",
            "ending_date": "2026-04-30",
        },
    )

    assert response.status_code == 302
    campaign = Campaign.objects.get(description="Spring fair")
    assert campaign.no == "CP000001"


def test_campaign_dates_in_the_wrong_order_are_refused(admin_client):
    response = admin_client.post(
        admin_url(Campaign, "add"),
        {
            "no": "",
            "description": "Backwards",
            "status": "planned",
            "starting_date": "2026-05-01",
            "ending_date": "2026-04-01",
        },
    )

    assert response.status_code == 200
    assert "The starting date must not be after the ending date." in (
        response.content.decode()
    )
    assert not Campaign.objects.exists()


def test_setup_change_page_shows_the_service_refusal_on_the_field(admin_client):
    letter = factories.TemplateContentFactory(template__code="LETTER").template
    row = DocumentTemplateSetup.objects.get(document_type=DocumentType.SALES_INVOICE)

    response = admin_client.post(
        admin_url(DocumentTemplateSetup, "change", row.pk), {"template": letter.pk}
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["template"]
    assert "has content of its own" in errors[0]
    row.refresh_from_db()
    assert row.template is None


# --- contacts -----------------------------------------------------------------


def contact_form(client, **values) -> dict:
    page = client.get(admin_url(Contact, "add"))
    data = form_data(page, "contact_form")
    data.update({key: [str(v)] for key, v in values.items()})
    return data


def test_contact_add_takes_its_number_and_classification_through_the_service(
    admin_client,
):
    customer = factories.BusinessRelationFactory(code="CUST")
    retail = factories.IndustryGroupFactory(code="RETAIL")
    data = contact_form(admin_client, type="company", name="Fjordkraft Handel AS")
    data["industry_groups"] = [str(retail.pk)]
    data.update(
        {
            "business_relations-TOTAL_FORMS": ["1"],
            "business_relations-0-business_relation": [str(customer.pk)],
            "business_relations-0-link_type": ["customer"],
            "business_relations-0-link_no": ["10000"],
        }
    )

    response = admin_client.post(admin_url(Contact, "add"), data)

    assert response.status_code == 302
    contact = Contact.objects.get(name="Fjordkraft Handel AS")
    assert contact.no.startswith("CT")
    assert list(contact.industry_groups.all()) == [retail]
    link = ContactBusinessRelation.objects.get(contact=contact)
    assert (link.business_relation, link.link_type, link.link_no) == (
        customer,
        "customer",
        "10000",
    )


def test_a_linked_account_used_by_another_contact_is_refused(admin_client, company):
    customer = factories.BusinessRelationFactory(code="CUST")
    factories.ContactBusinessRelationFactory(
        contact=company,
        business_relation=customer,
        link_type="customer",
        link_no="10000",
    )
    data = contact_form(admin_client, type="company", name="Copycat AS")
    data.update(
        {
            "business_relations-TOTAL_FORMS": ["1"],
            "business_relations-0-business_relation": [str(customer.pk)],
            "business_relations-0-link_type": ["customer"],
            "business_relations-0-link_no": ["10000"],
        }
    )

    response = admin_client.post(admin_url(Contact, "add"), data)

    assert response.status_code == 200
    assert "already linked to another contact" in response.content.decode()
    assert not Contact.objects.filter(name="Copycat AS").exists()


def test_contact_change_goes_through_the_service(admin_client, admin_user, person):
    page = admin_client.get(admin_url(Contact, "change", person.pk))
    data = form_data(page, "contact_form")
    data["job_title"] = ["Innkjøpssjef"]

    response = admin_client.post(admin_url(Contact, "change", person.pk), data)

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.job_title == "Innkjøpssjef"
    event = AuditEvent.objects.latest("id")
    assert (event.actor, event.changes["job_title"]) == (
        admin_user,
        ["", "Innkjøpssjef"],
    )


def test_a_person_cannot_be_its_own_company_type(admin_client, person):
    page = admin_client.get(admin_url(Contact, "change", person.company.pk))
    data = form_data(page, "contact_form")
    data["type"] = ["person"]

    response = admin_client.post(admin_url(Contact, "change", person.company.pk), data)

    assert response.status_code == 200
    assert "cannot become a person" in response.content.decode()
    person.company.refresh_from_db()
    assert person.company.type == "company"


def test_contact_page_links_its_interactions(admin_client, person):
    entry = make_entry(person)

    page = admin_client.get(admin_url(Contact, "change", person.company.pk))
    link = reverse("admin:interactions_interactionlogentry_changelist")
    log = admin_client.get(f"{link}?q={person.company.no}")

    assert f'{link}?q={person.company.no}"' in page.content.decode()
    assert {e.pk for e in log.context["cl"].result_list} == {entry.pk}


def test_unused_code_table_row_is_deleted_through_the_service(admin_client):
    group = factories.MailingGroupFactory(code="NEWSLETTER")

    response = admin_client.post(admin_url(group, "delete", group.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not type(group).objects.filter(pk=group.pk).exists()
    assert AuditEvent.objects.filter(action="mailinggroup.delete").count() == 1

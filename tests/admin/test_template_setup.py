"""The interaction template setup as one admin page (set_document_template)."""

import pytest
from django.urls import reverse

from interactions.models import DocumentTemplateSetup, DocumentType
from interactions_crm.platform.models import AuditEvent
from tests import factories
from tests.admin.support import form_data, message_texts

pytestmark = pytest.mark.django_db

URL = "admin:interactions_documenttemplatesetup_changelist"


def setup_of(document_type: str):
    return DocumentTemplateSetup.objects.get(document_type=document_type).template


def page_with(client, choices: dict[str, object]):
    """The page's own form, with a template chosen for some document types."""
    page = client.get(reverse(URL))
    data = form_data(page, "changelist-form")
    rows = page.context["cl"].result_list
    for index, row in enumerate(rows):
        if row.document_type in choices:
            data[f"form-{index}-template"] = [str(choices[row.document_type].pk)]
    data["_save"] = ["Save"]
    return data


def test_one_page_lists_every_document_type_in_order(admin_client):
    response = admin_client.get(reverse(URL))

    rows = response.context["cl"].result_list
    assert [row.document_type for row in rows] == DocumentType.values
    assert "Sales invoice" in response.content.decode()
    assert not response.context["has_add_permission"]


def test_saving_maps_a_document_type_to_a_template(admin_client, admin_user):
    invoice = factories.TemplateFactory(code="S-INVOICE")
    data = page_with(admin_client, {DocumentType.SALES_INVOICE: invoice})

    response = admin_client.post(reverse(URL), data, follow=True)

    assert setup_of(DocumentType.SALES_INVOICE) == invoice
    assert setup_of(DocumentType.SALES_QUOTE) is None
    assert "1 document type now uses its new template." in message_texts(response)
    event = AuditEvent.objects.latest("id")
    assert (event.actor, event.changes["template"]) == (
        admin_user,
        {"old": "", "new": "S-INVOICE"},
    )


def test_a_template_with_content_is_refused_on_its_row_and_nothing_is_saved(
    admin_client,
):
    letter = factories.TemplateContentFactory(template__code="LETTER").template
    invoice = factories.TemplateFactory(code="S-INVOICE")
    data = page_with(
        admin_client,
        {DocumentType.SALES_QUOTE: invoice, DocumentType.SALES_INVOICE: letter},
    )

    response = admin_client.post(reverse(URL), data)

    assert response.status_code == 200
    formset = response.context["cl"].formset
    errors = {
        form.instance.document_type: form.errors.get("template")
        for form in formset.forms
        if form.errors
    }
    assert list(errors) == [DocumentType.SALES_INVOICE]
    assert "has content of its own" in errors[DocumentType.SALES_INVOICE][0]
    assert "Nothing was saved. Correct the errors below." in message_texts(response)
    assert setup_of(DocumentType.SALES_QUOTE) is None
    assert setup_of(DocumentType.SALES_INVOICE) is None


def test_meeting_invitations_may_use_a_template_with_content(admin_client):
    invitation = factories.TemplateContentFactory(template__code="MEETING").template
    data = page_with(admin_client, {DocumentType.MEETING_INVITATION: invitation})

    admin_client.post(reverse(URL), data)

    assert setup_of(DocumentType.MEETING_INVITATION) == invitation


def test_setup_rows_cannot_be_added_or_deleted(admin_client):
    row = DocumentTemplateSetup.objects.first()

    add = admin_client.get(reverse("admin:interactions_documenttemplatesetup_add"))
    delete = admin_client.post(
        reverse("admin:interactions_documenttemplatesetup_delete", args=[row.pk]),
        {"post": "yes"},
    )

    assert (add.status_code, delete.status_code) == (403, 403)
    assert DocumentTemplateSetup.objects.count() == len(DocumentType.values)


def test_staff_without_permission_cannot_see_the_setup(clerk_client):
    assert clerk_client.get(reverse(URL)).status_code == 403

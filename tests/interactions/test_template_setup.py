"""DOMAIN §2: interaction template setup — one template per document type."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from interactions.models import Attachment, DocumentTemplateSetup, DocumentType
from interactions.services import document_setup_rows, set_document_template
from interactions_crm.platform.models import AuditEvent
from tests import factories


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_one_row_per_document_type_in_enum_order(db):
    rows = document_setup_rows()

    assert [row.document_type for row in rows] == DocumentType.values
    assert all(row.template is None for row in rows)


def test_missing_rows_are_created(db):
    DocumentTemplateSetup.objects.filter(document_type="meeting_invitation").delete()

    rows = document_setup_rows()

    assert rows[-1].document_type == "meeting_invitation"
    assert DocumentTemplateSetup.objects.count() == len(DocumentType.values)


def test_rows_are_read_in_one_query(db, template, django_assert_num_queries):
    set_document_template(actor=None, document_type="sales_quote", template=template)

    # 1. the setup rows joined with their templates
    with django_assert_num_queries(1):
        rows = document_setup_rows()
        assert rows[0].template.code == "LETTER"


def test_sets_template_and_audits_old_and_new(admin_user, template):
    other = factories.TemplateFactory(code="QUOTE")
    set_document_template(
        actor=admin_user, document_type="sales_quote", template=template
    )

    row = set_document_template(
        actor=admin_user, document_type="sales_quote", template=other
    )

    row.refresh_from_db()
    assert row.template == other
    latest = AuditEvent.objects.filter(action="template_setup.change").first()
    assert latest.actor == admin_user
    assert latest.changes == {
        "document_type": "sales_quote",
        "template": {"old": "LETTER", "new": "QUOTE"},
    }
    assert AuditEvent.objects.count() == 2


def test_blank_means_do_not_record(admin_user, template):
    set_document_template(
        actor=admin_user, document_type="sales_quote", template=template
    )

    row = set_document_template(
        actor=admin_user, document_type="sales_quote", template=None
    )

    assert row.template is None
    assert AuditEvent.objects.first().changes["template"] == {
        "old": "LETTER",
        "new": "",
    }


def test_unchanged_value_writes_no_event(admin_user):
    set_document_template(actor=admin_user, document_type="sales_quote", template=None)

    assert not AuditEvent.objects.exists()


def test_template_with_language_content_refused(admin_user, template):
    factories.TemplateContentFactory(template=template, language="NOR")

    with pytest.raises(ValidationError) as caught:
        set_document_template(
            actor=admin_user, document_type="sales_invoice", template=template
        )

    assert caught.value.message_dict == {
        "template": [
            "Interaction template LETTER has content of its own. Templates that "
            "record documents must have no content: the document is the content."
        ]
    }
    assert (
        DocumentTemplateSetup.objects.get(document_type="sales_invoice").template
        is None
    )
    assert not AuditEvent.objects.exists()


def test_template_with_file_content_refused(admin_user, template):
    stored = Attachment.objects.create(file=SimpleUploadedFile("x.pdf", b"x"))
    factories.TemplateContentFactory(
        template=template, subject="", body="", attachment=stored
    )

    with pytest.raises(ValidationError) as caught:
        set_document_template(
            actor=admin_user, document_type="sales_invoice", template=template
        )

    assert "template" in caught.value.message_dict


def test_meeting_invitation_template_may_have_content(admin_user, template):
    factories.TemplateContentFactory(template=template)

    row = set_document_template(
        actor=admin_user, document_type="meeting_invitation", template=template
    )

    assert row.template == template


def test_unknown_document_type_refused(admin_user, template):
    with pytest.raises(ValidationError) as caught:
        set_document_template(actor=admin_user, document_type="fax", template=template)

    assert "document_type" in caught.value.message_dict

"""Fixtures of the staff pages' tests."""

import pytest

from interactions.models import DocumentType
from interactions.services import set_document_template
from tests import factories


@pytest.fixture
def staff_client(client, staff_user):
    """The test client logged in as sales staff (tests/conftest.py `staff_user`)."""
    client.force_login(staff_user)
    return client


@pytest.fixture
def event_templates(db):
    """Templates that record phone calls, e-mails and cover sheets."""
    templates = {}
    for document_type, code in (
        (DocumentType.OUTGOING_CALL, "CALL"),
        (DocumentType.EMAIL, "EMAIL"),
        (DocumentType.COVER_SHEET, "COVER"),
    ):
        template = factories.TemplateFactory(code=code, group__code="EVENTS")
        set_document_template(
            actor=None, document_type=document_type, template=template
        )
        templates[document_type] = template
    return templates

"""Shared makers for the outbox tests: an e-mail entry queued the usual way."""

from contacts.models import CorrespondenceType
from interactions.models import InteractionLogEntry, TemplatePurpose
from interactions.services import create_interaction
from tests import factories


def email_template(code: str = "NEWS", purpose: str = TemplatePurpose.MARKETING):
    content = factories.TemplateContentFactory(
        template__code=code,
        template__purpose=purpose,
        subject="News for {{ contact.name }}",
        body="Dear {{ contact.name }}",
    )
    return content.template


def queue_email(actor, contact, template, salesperson) -> InteractionLogEntry:
    """Create an interaction that sends ``template`` to ``contact`` by e-mail."""
    entry = create_interaction(
        actor=actor,
        contact=contact,
        template=template,
        salesperson=salesperson,
        correspondence_type=CorrespondenceType.EMAIL,
        send=True,
    )
    entry.refresh_from_db()
    return entry

"""Recording documents and in-app events as interactions (DOMAIN §4.6).

:func:`record_document` records a document (quote, invoice, …) sent to a
contact, with the template set up for its type; the in-app events (a phone
call, an e-mail sent, a printed cover sheet) record themselves through it, so
they follow the same template setup, defaults and audit.
"""

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from contacts.models import (
    Contact,
    ContactBusinessRelation,
    CorrespondenceType,
    Salesperson,
)
from interactions.models import (
    Campaign,
    DocumentTemplateSetup,
    DocumentType,
    InteractionLogEntry,
    InteractionTemplate,
)
from interactions.services.creation import EntryKind, entry_audit_changes, save_entry
from interactions_crm.platform.actors import Actor
from interactions_crm.platform.audit import record_audit
from interactions_crm.platform.validation import FieldErrors


@dataclass(frozen=True)
class RecordResult:
    """What :func:`record_document` did.

    ``recorded`` is False (with a translated ``reason``) when nothing is
    recorded on purpose: no template set up, or no contact found. ``created``
    is False when the document had been recorded before (idempotent replay).
    """

    recorded: bool
    entry: InteractionLogEntry | None = None
    created: bool = False
    reason: str = ""


def document_template(document_type: str) -> InteractionTemplate | None:
    """The template set up to record ``document_type`` (None: do not record)."""
    setup = (
        DocumentTemplateSetup.objects.select_related("template__group")
        .filter(document_type=document_type)
        .first()
    )
    return setup.template if setup is not None else None


def template_may_record_documents(
    template: InteractionTemplate, document_type: str
) -> bool:
    """NAV rule: a template recording documents has no content of its own.

    The document is the content. Meeting invitations are the exception (NAV
    lets their template carry the invitation text).
    """
    if document_type == DocumentType.MEETING_INVITATION:
        return True
    return not template.contents.exists()


def _document_contact(
    *, contact: Contact | None, customer_no: str, vendor_no: str
) -> tuple[Contact | None, str]:
    """The contact named directly or through a customer/vendor link, or a reason."""
    if contact is not None:
        return contact, ""
    link_type, link_no = (
        (ContactBusinessRelation.LinkType.CUSTOMER, customer_no)
        if customer_no
        else (ContactBusinessRelation.LinkType.VENDOR, vendor_no)
    )
    link = (
        ContactBusinessRelation.objects.select_related("contact__company")
        .filter(link_type=link_type, link_no=link_no)
        .first()
    )
    if link is not None:
        return link.contact, ""
    if link_type == ContactBusinessRelation.LinkType.CUSTOMER:
        reason = _("No contact is linked to customer %(no)s.")
    else:
        reason = _("No contact is linked to vendor %(no)s.")
    return None, reason % {"no": link_no}


def _validate_document_input(
    *,
    document_type: str,
    document_no: str,
    contact: Contact | None,
    customer_no: str,
    vendor_no: str,
    version_no: int,
    doc_occurrence: int,
) -> None:
    errors: FieldErrors = {}
    if document_type not in DocumentType.values:
        errors["document_type"] = [
            _("“%(value)s” is not a document type.") % {"value": document_type}
        ]
    max_no = InteractionLogEntry._meta.get_field("document_no").max_length
    if not document_no:
        errors["document_no"] = [_("You must fill in the document number.")]
    elif max_no is not None and len(document_no) > max_no:
        errors["document_no"] = [
            _("The document number can have at most %(max)s characters.")
            % {"max": max_no}
        ]
    named = [bool(contact), bool(customer_no), bool(vendor_no)]
    if sum(named) != 1:
        errors["contact"] = [
            _("Give exactly one of: a contact, a customer number or a vendor number.")
        ]
    numbers = {"version_no": version_no, "doc_occurrence": doc_occurrence}
    for field, value in numbers.items():
        if not isinstance(value, int) or value < 0:
            errors[field] = [_("Enter a whole number that is not negative.")]
    if errors:
        raise ValidationError(errors)


def _find_document_entry(key: Mapping[str, Any]) -> InteractionLogEntry | None:
    return InteractionLogEntry.objects.filter(**key).first()


def record_document(
    *,
    actor: Actor,
    document_type: str,
    document_no: str,
    contact: Contact | None = None,
    customer_no: str = "",
    vendor_no: str = "",
    salesperson: Salesperson | None = None,
    description: str = "",
    date: dt.date | None = None,
    version_no: int = 0,
    doc_occurrence: int = 0,
    campaign: Campaign | None = None,
    subject: str = "",
    body: str = "",
    attempt_failed: bool = False,
    contact_via: str = "",
    send: bool = False,
) -> RecordResult:
    """Record a document (or an in-app event) automatically (DOMAIN §4.6).

    The template comes from the template setup for ``document_type``; the
    contact is given directly or found through its customer/vendor business
    relation. Without either, nothing is recorded and the result says why.
    Otherwise the entry gets the §4.1 defaults; description = given, else the
    template's; no salesperson is required. Recording the same (type, number,
    version, occurrence) again returns the existing entry (``created=False``),
    also when two requests race (the database's unique constraint decides).

    ``subject``/``body`` store the content sent (e.g. an e-mail's text) as the
    entry's attachment; ``attempt_failed``/``contact_via`` serve phone calls.
    ``send=True`` e-mails that content to the contact after commit (delivery
    status as for manual interactions); documents themselves are never sent.
    Bad input (unknown type, no number, no or several contact references)
    raises ValidationError.
    """
    document_no = (document_no or "").strip()
    customer_no = (customer_no or "").strip()
    vendor_no = (vendor_no or "").strip()
    _validate_document_input(
        document_type=document_type,
        document_no=document_no,
        contact=contact,
        customer_no=customer_no,
        vendor_no=vendor_no,
        version_no=version_no,
        doc_occurrence=doc_occurrence,
    )
    label = DocumentType(document_type).label
    template = document_template(document_type)
    if template is None:
        return RecordResult(
            recorded=False,
            reason=_("No interaction template is set up for “%(type)s”.")
            % {"type": label},
        )
    if not template_may_record_documents(template, document_type):
        return RecordResult(
            recorded=False,
            reason=_(
                "Interaction template %(code)s has content of its own; templates "
                "that record documents must have none."
            )
            % {"code": template.code},
        )
    found, reason = _document_contact(
        contact=contact, customer_no=customer_no, vendor_no=vendor_no
    )
    if found is None:
        return RecordResult(recorded=False, reason=reason)

    key = {
        "document_type": document_type,
        "document_no": document_no,
        "version_no": version_no,
        "doc_occurrence": doc_occurrence,
    }
    existing = _find_document_entry(key)
    if existing is not None:
        return RecordResult(recorded=True, entry=existing, created=False)
    params = {
        "contact": found,
        "template": template,
        "date": date,
        "description": description,
        "subject": subject or None,
        "body": body or None,
        "salesperson": salesperson,
        "campaign": campaign,
        "attempt_failed": attempt_failed,
        "contact_via": contact_via,
        "correspondence_type": CorrespondenceType.EMAIL if send else None,
        **key,
    }
    try:
        with transaction.atomic():
            entry = save_entry(
                actor=actor, params=params, kind=EntryKind.DOCUMENT, send=send
            )
            record_audit(
                actor=actor,
                action="entry.record_document",
                obj=entry,
                changes=entry_audit_changes(entry)
                | {key_field: str(value) for key_field, value in key.items()},
            )
    except IntegrityError:
        # A concurrent request recorded the same document first.
        existing = _find_document_entry(key)
        if existing is None:
            raise
        return RecordResult(recorded=True, entry=existing, created=False)
    return RecordResult(recorded=True, entry=entry, created=True)


# In-app events record themselves through record_document (DOMAIN §4.6), with
# the event's document type and a generated number, so they follow the same
# template setup, defaults and audit as documents from an integrator. Pass
# ``document_no`` (e.g. a form token) to make a retried submission idempotent.


def _event_no(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:16].upper()}"


def record_phone_call(
    *,
    actor: Actor,
    contact: Contact,
    successful: bool,
    description: str = "",
    contact_via: str = "",
    salesperson: Salesperson | None = None,
    campaign: Campaign | None = None,
    document_no: str = "",
) -> RecordResult:
    """Record an outgoing phone call (template "outgoing calls").

    ``successful=False`` records a failed attempt; ``contact_via`` defaults to
    the contact's phone (or mobile phone) number.
    """
    return record_document(
        actor=actor,
        document_type=DocumentType.OUTGOING_CALL,
        document_no=document_no or _event_no("CALL"),
        contact=contact,
        salesperson=salesperson,
        campaign=campaign,
        description=description,
        attempt_failed=not successful,
        contact_via=contact_via or contact.phone or contact.mobile_phone,
    )


def record_email_sent(
    *,
    actor: Actor,
    contact: Contact,
    subject: str = "",
    body: str = "",
    description: str = "",
    salesperson: Salesperson | None = None,
    campaign: Campaign | None = None,
    document_no: str = "",
    send: bool = True,
) -> RecordResult:
    """Send an e-mail to ``contact`` and record it (template "e-mails").

    The subject and body are stored as the entry's attachment and, with
    ``send`` (the default), e-mailed after commit through the same delivery
    as every interaction (delivery status "in progress" → blank or "error");
    ``send=False`` only records an e-mail sent elsewhere. The subject serves
    as the description when none is given. When nothing is recorded (no
    template set up for e-mails) nothing is sent either; the result says why.
    A contact without an e-mail address is refused (ValidationError on
    ``correspondence_type``).
    """
    return record_document(
        actor=actor,
        document_type=DocumentType.EMAIL,
        document_no=document_no or _event_no("EMAIL"),
        contact=contact,
        salesperson=salesperson,
        campaign=campaign,
        description=description or subject[:100],
        subject=subject,
        body=body,
        contact_via=contact.email,
        send=send,
    )


def record_cover_sheet(
    *,
    actor: Actor,
    contact: Contact,
    description: str = "",
    salesperson: Salesperson | None = None,
    document_no: str = "",
) -> RecordResult:
    """Record a printed cover sheet for ``contact`` (template "cover sheets")."""
    return record_document(
        actor=actor,
        document_type=DocumentType.COVER_SHEET,
        document_no=document_no or _event_no("COVER"),
        contact=contact,
        salesperson=salesperson,
        description=description,
    )

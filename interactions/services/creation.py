"""Creating interactions: validation, content and the one write path (DOMAIN §4).

Every path that creates an interaction log entry ends in :func:`save_entry`:

* :func:`create_interaction` — the manual wizard (and the API's create), also
  "finish later" (``postpone=True``);
* :func:`~interactions.services.postponed.resume_interaction` — finishing a
  postponed entry (same entry number);
* :func:`~interactions.services.documents.record_document` — automatic
  recording of documents and of the in-app events.

All of them take their defaults from
:func:`~interactions.services.defaults.interaction_defaults` (DOMAIN §4.1) and
differ only in which §4.2 checks apply (:class:`EntryKind`).
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext_lazy as _

from contacts.models import Contact, CorrespondenceType, Salesperson
from interactions.models import (
    ENTRY_FIELDS,
    Attachment,
    Campaign,
    DeliveryStatus,
    InteractionLogEntry,
    InteractionTemplate,
    WizardAction,
)
from interactions.services import figures
from interactions.services.comments import write_comments
from interactions.services.defaults import interaction_defaults, render, select_content
from interactions.services.delivery import deliver_on_commit
from interactions_crm.platform.actors import Actor, user_or_none
from interactions_crm.platform.audit import record_audit
from interactions_crm.platform.validation import FieldErrors

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class EntryKind(Enum):
    """Which DOMAIN §4.2 checks apply."""

    MANUAL = "manual"  # all checks
    POSTPONED = "postponed"  # only contact and template (+ value sanity)
    DOCUMENT = "document"  # no salesperson/description/privacy checks


#: The document key (DOMAIN §4.6), set by record_document only.
DOCUMENT_FIELDS = ("document_type", "document_no", "version_no", "doc_occurrence")


@dataclass(frozen=True)
class _Content:
    """The content actually used: what the entry's attachment will hold."""

    subject: str = ""
    body: str = ""
    upload: UploadedFile[bytes] | None = None
    # A file already in storage (the template's file, or a postponed entry's).
    stored_file: Attachment | None = None
    from_template: bool = False

    @property
    def exists(self) -> bool:
        """Is there content to store and send? A typed subject alone is not."""
        return bool(self.from_template or self.body or self.upload or self.stored_file)


def _require_contact_and_template(
    contact: Contact | None, template: InteractionTemplate | None
) -> None:
    errors: FieldErrors = {}
    if contact is None:
        errors["contact"] = [_("You must select a contact to interact with.")]
    if template is None:
        errors["template"] = [_("You must select an interaction template.")]
    if errors:
        raise ValidationError(errors)


def _decimal(value: Any, field: str, errors: FieldErrors) -> Any:
    """``value`` as a Decimal, or record a message for ``field``."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite():
        errors[field] = [_("Enter a number.")]
        return value
    return number


def _resolve_values(
    *,
    actor: Actor,
    params: Mapping[str, Any],
    send: bool,
) -> dict[str, Any]:
    """§4.1 defaults overlaid with what the caller gave."""
    contact, template = params["contact"], params["template"]
    values = interaction_defaults(
        contact=contact,
        template=template,
        actor=actor,
        salesperson=params.get("salesperson"),
        campaign=params.get("campaign"),
        correspondence_type=params.get("correspondence_type"),
        send=send,
    )
    for field in ENTRY_FIELDS:
        value = params.get(field)
        if value is None or (field == "description" and value == ""):
            continue
        if field == "correspondence_type":
            continue  # already applied (with the e-mail fallback) by the defaults
        values[field] = value
    return values


def _choose_content(
    *,
    params: Mapping[str, Any],
    values: Mapping[str, Any],
) -> _Content:
    """The content of the new entry: typed/uploaded, else the merged template's."""
    template_content = select_content(values["template"], values["language"])
    subject, body = "", ""
    if template_content is not None:
        subject, body = render(
            template_content,
            contact=values["contact"],
            salesperson=values["salesperson"],
            date=values["date"],
        )
    if params.get("subject") is not None:
        subject = params["subject"]
    if params.get("body") is not None:
        body = params["body"]
    upload = params.get("attachment_file")
    stored = params.get("stored_file")
    if upload is None and stored is None and template_content is not None:
        template_file = template_content.attachment
        if template_file is not None and template_file.file:
            stored = template_file
    return _Content(
        subject=subject,
        body=body,
        upload=upload,
        stored_file=stored,
        from_template=template_content is not None,
    )


def _validate(
    *,
    kind: EntryKind,
    values: dict[str, Any],
    content: _Content,
    send: bool,
) -> FieldErrors:
    """DOMAIN §4.2 checks that need a clear, field-specific message."""
    errors: FieldErrors = {}
    if not isinstance(values["date"], dt.date):
        errors["date"] = [_("Enter the date of the interaction.")]
    for field in ("cost", "duration"):
        values[field] = _decimal(values[field], field, errors)
        if field not in errors and values[field] < 0:
            errors[field] = [_("This value must not be negative.")]
    if send and values["correspondence_type"] == CorrespondenceType.EMAIL:
        errors |= _sending_errors(values["contact"], content)
    if kind is not EntryKind.DOCUMENT:
        errors |= _manual_errors(kind, values, content)
    return errors


def _sending_errors(contact: Contact, content: _Content) -> FieldErrors:
    """E-mail needs an address and content (NAV §6.3)."""
    message: StrOrPromise
    if not contact.email:
        message = _(
            "Contact %(no)s has no e-mail address, so the interaction cannot be "
            "sent by e-mail."
        ) % {"no": contact.no}
    elif not content.exists:
        message = _(
            "The correspondence type is e-mail, which requires content: the "
            "interaction template has none and no file was given."
        )
    else:
        return {}
    # The contact's or template's data refuses it, not the request's form: 422.
    return {"correspondence_type": [ValidationError(message, code="unprocessable")]}


def _manual_errors(
    kind: EntryKind, values: dict[str, Any], content: _Content
) -> FieldErrors:
    """Checks of manual interactions; a postponed one only gets the first."""
    errors: FieldErrors = {}
    contact: Contact = values["contact"]
    if contact.privacy_blocked:
        errors["contact"] = [
            ValidationError(  # the contact's state refuses it: the API's 422
                _("Contact %(no)s is privacy blocked; no interactions can be created.")
                % {"no": contact.no},
                code="unprocessable",
            )
        ]
    if kind is EntryKind.POSTPONED:
        return errors
    salesperson: Salesperson | None = values["salesperson"]
    if salesperson is None:
        errors["salesperson"] = [
            ValidationError(  # none given and none on the contact: the API's 422
                _("You must fill in the salesperson."), code="unprocessable"
            )
        ]
    elif salesperson.blocked:
        errors["salesperson"] = [
            ValidationError(  # a key that may not be used: the API answers 422
                _("Salesperson %(code)s is blocked.") % {"code": salesperson.code},
                code="unprocessable",
            )
        ]
    if not values["description"]:
        errors["description"] = [
            ValidationError(  # none given and none in the template: the API's 422
                _("You must fill in the description."), code="unprocessable"
            )
        ]
    template: InteractionTemplate = values["template"]
    if template.wizard_action == WizardAction.OPEN and not content.exists:
        errors["template"] = [
            ValidationError(  # the template's content refuses it: the API's 422
                _(
                    "Interaction template %(code)s opens its content, but it has "
                    "no content in language “%(language)s”."
                )
                % {"code": template.code, "language": values["language"] or "-"},
                code="unprocessable",
            )
        ]
    return errors


def _store_content(content: _Content, *, read_only: bool) -> Attachment | None:
    """Save the content actually used as a new attachment (None if there is none)."""
    if not content.exists:
        return None
    attachment = Attachment(
        subject=content.subject,
        body=content.body,
        read_only=read_only,
    )
    if content.upload is not None:
        attachment.file = content.upload
        attachment.file_name = content.upload.name or ""
        attachment.content_type = getattr(content.upload, "content_type", "") or ""
    elif content.stored_file is not None:
        # Refer to the same stored file; it is never rewritten in place.
        attachment.file = content.stored_file.file.name
        attachment.file_name = content.stored_file.file_name
        attachment.content_type = content.stored_file.content_type
    attachment.save()
    return attachment


def delete_unused_attachments(attachment_ids: Sequence[int]) -> None:
    """Delete attachments nothing refers to any more (PROTECT keeps used ones)."""
    for attachment in Attachment.objects.filter(pk__in=attachment_ids):
        try:
            with transaction.atomic():
                attachment.delete()
        except ProtectedError:
            continue


def _fill_entry(
    entry: InteractionLogEntry,
    *,
    actor: Actor,
    values: Mapping[str, Any],
    params: Mapping[str, Any],
    kind: EntryKind,
    send: bool,
) -> InteractionLogEntry:
    """Set the resolved values, document key and bookkeeping on an unsaved entry."""
    for field, value in values.items():
        setattr(entry, field, value)
    for field in DOCUMENT_FIELDS:
        if field in params:
            setattr(entry, field, params[field])
    entry.postponed = kind is EntryKind.POSTPONED
    entry.logged_by = user_or_none(actor)
    entry.delivery_status = (
        DeliveryStatus.IN_PROGRESS
        if send and entry.correspondence_type == CorrespondenceType.EMAIL
        else DeliveryStatus.BLANK
    )
    return entry


def save_entry(
    *,
    actor: Actor,
    params: Mapping[str, Any],
    kind: EntryKind,
    existing: InteractionLogEntry | None = None,
    send: bool = False,
    replace_comments: bool = False,
) -> InteractionLogEntry:
    """Validate and write one entry (new, or a postponed one being finished).

    Runs inside the caller's ``transaction.atomic``. Raises ValidationError
    with a message per field before anything is written.
    """
    _require_contact_and_template(params.get("contact"), params.get("template"))
    send = send and kind is not EntryKind.POSTPONED
    values = _resolve_values(actor=actor, params=params, send=send)
    content = _choose_content(params=params, values=values)
    # NAV: Subject := Description, unless the content has a subject.
    values["subject"] = content.subject or values["description"]
    errors = _validate(kind=kind, values=values, content=content, send=send)
    entry = _fill_entry(
        existing or InteractionLogEntry(),
        actor=actor,
        values=values,
        params=params,
        kind=kind,
        send=send,
    )
    try:
        # Choices, lengths and that every foreign key exists (DOMAIN §4.2).
        entry.full_clean(
            exclude=["attachment"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            if field not in errors:
                errors[field] = [*messages]
    if errors:
        raise ValidationError(errors)

    old_attachment_id = existing.attachment_id if existing is not None else None
    entry.attachment = _store_content(content, read_only=not entry.postponed)
    entry.save()
    # The contact card's maintained figures, in the same transaction.
    figures.add_entry(entry)
    if old_attachment_id and old_attachment_id != entry.attachment_id:
        delete_unused_attachments([old_attachment_id])
    if replace_comments:
        entry.comments.all().delete()
    write_comments(actor=actor, entry=entry, comments=params.get("comments") or ())

    if entry.delivery_status == DeliveryStatus.IN_PROGRESS:
        deliver_on_commit([entry.entry_no])
    return entry


def entry_audit_changes(entry: InteractionLogEntry) -> dict[str, Any]:
    """What an audit event of a created, resumed or recorded entry records."""
    return {
        "contact": entry.contact.no,
        "template": entry.template.code,
        "date": entry.date.isoformat(),
        "description": entry.description,
        "salesperson": entry.salesperson.code if entry.salesperson else "",
        "correspondence_type": entry.correspondence_type,
        "postponed": entry.postponed,
        "delivery_status": entry.delivery_status,
    }


def create_interaction(
    *,
    actor: Actor,
    contact: Contact,
    template: InteractionTemplate,
    date: dt.date | None = None,
    time: dt.time | None = None,
    description: str = "",
    subject: str | None = None,
    salesperson: Salesperson | None = None,
    campaign: Campaign | None = None,
    campaign_target: bool | None = None,
    campaign_response: bool | None = None,
    cost: Decimal | None = None,
    duration: Decimal | None = None,
    information_flow: str | None = None,
    initiated_by: str | None = None,
    correspondence_type: str | None = None,
    language: str | None = None,
    evaluation: str = "",
    attempt_failed: bool = False,
    contact_via: str = "",
    opportunity_ref: str = "",
    body: str | None = None,
    attachment_file: UploadedFile[bytes] | None = None,
    comments: Sequence[str] = (),
    send: bool = False,
    postpone: bool = False,
) -> InteractionLogEntry:
    """Create one interaction for one contact (DOMAIN §4.1–4.4).

    Every value left ``None`` (or a blank description) gets its §4.1 default;
    values given override the defaults. ``correspondence_type`` given (even
    ``""``) replaces the defaulting rules, but e-mail still falls back to blank
    for a contact without an e-mail address unless ``send`` is set.

    Content: the template's content in the chosen language, merged with plain
    values; ``subject``/``body`` replace the merged text (edited in the
    wizard), ``attachment_file`` is an imported file. The content actually used
    is stored as the entry's attachment.

    ``send=True`` with e-mail correspondence sends the content after commit
    (delivery status "in progress" → blank, or "error"). ``postpone=True``
    stores an unfinished entry that is invisible in the log and statistics;
    only contact and template are required then, and nothing is sent.

    Raises ValidationError keyed by parameter name; nothing is written then.
    """
    params = {
        "contact": contact,
        "template": template,
        "date": date,
        "time": time,
        "description": description,
        "subject": subject,
        "salesperson": salesperson,
        "campaign": campaign,
        "campaign_target": campaign_target,
        "campaign_response": campaign_response,
        "cost": cost,
        "duration": duration,
        "information_flow": information_flow,
        "initiated_by": initiated_by,
        "correspondence_type": correspondence_type,
        "language": language,
        "evaluation": evaluation,
        "attempt_failed": attempt_failed,
        "contact_via": contact_via,
        "opportunity_ref": opportunity_ref,
        "body": body,
        "attachment_file": attachment_file,
        "comments": comments,
    }
    kind = EntryKind.POSTPONED if postpone else EntryKind.MANUAL
    with transaction.atomic():
        entry = save_entry(actor=actor, params=params, kind=kind, send=send)
        record_audit(
            actor=actor,
            action="entry.postpone" if postpone else "entry.create",
            obj=entry,
            changes=entry_audit_changes(entry) | {"comments": len(comments)},
        )
    return entry


def check_contact_choice(contact: Contact, *, correspondence_type: str = "") -> None:
    """Refuse ``contact`` where it is chosen, before any other step (DOMAIN §4.2).

    The wizard asks this on its first step, so a privacy-blocked contact is
    refused there rather than at *Finish* (:func:`create_interaction` checks
    the block again), and correspondence type e-mail is refused for a contact
    without an e-mail address. Raises ``ValidationError`` keyed by field.
    """
    errors: FieldErrors = {}
    if contact.privacy_blocked:
        errors["contact"] = [
            ValidationError(  # the contact's state refuses it: the API's 422
                _("Contact %(no)s is privacy blocked; no interactions can be created.")
                % {"no": contact.no},
                code="unprocessable",
            )
        ]
    if correspondence_type == CorrespondenceType.EMAIL and not contact.email:
        errors["correspondence_type"] = [
            _(
                "Contact %(no)s has no e-mail address: choose another "
                "correspondence type or add the address to the contact first."
            )
            % {"no": contact.no}
        ]
    if errors:
        raise ValidationError(errors)

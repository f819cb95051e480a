"""Creating interactions: defaults, validation, postponing, recording documents.

Every path that creates an interaction log entry ends in :func:`_save_entry`:

* :func:`create_interaction` — the manual wizard (and the API's create), also
  "finish later" (``postpone=True``);
* :func:`resume_interaction` — finishing a postponed entry (same entry number);
* :func:`record_document` — automatic recording of documents and of the
  in-app events (phone call, e-mail, cover sheet, via :func:`record_phone_call`,
  :func:`record_email_sent`, :func:`record_cover_sheet`).

All of them take their defaults from :func:`interaction_defaults` (DOMAIN §4.1)
and differ only in which §4.2 checks apply (:class:`_Kind`).
"""

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contacts.models import (
    Contact,
    ContactBusinessRelation,
    CorrespondenceType,
    Salesperson,
)
from interactions.models import (
    Attachment,
    Campaign,
    DeliveryStatus,
    DocumentTemplateSetup,
    DocumentType,
    EntryComment,
    InteractionLogEntry,
    InteractionTemplate,
    TemplateContent,
    WizardAction,
)
from interactions.services.delivery import deliver_on_commit
from interactions.services.merge import merge, merge_context
from interactions_crm.platform.audit import record_audit

# --------------------------------------------------------------------------
# Defaults (DOMAIN §4.1)
# --------------------------------------------------------------------------


def select_content(
    template: InteractionTemplate, language: str
) -> TemplateContent | None:
    """The template's content in ``language``, else in its default language.

    ``None`` when the template has no content in either (DOMAIN §2).
    """
    contents = {
        content.language: content
        for content in template.contents.filter(
            language__in={language, template.language}
        ).select_related("attachment")
    }
    return contents.get(language) or contents.get(template.language)


def round_up_to_minute(moment: dt.datetime) -> dt.time:
    """``moment``'s time of day rounded up to the next whole minute (NAV rule).

    A moment in the last minute of the day stays at 23:59 rather than wrapping
    to 00:00, so that the time never lies before the entry's date starts.
    """
    floor = moment.replace(second=0, microsecond=0)
    if floor == moment:
        return floor.time()
    rounded = floor + dt.timedelta(minutes=1)
    if rounded.date() != moment.date():
        return floor.time()
    return rounded.time()


def _usable(salesperson: Salesperson | None) -> Salesperson | None:
    """A salesperson that may be proposed as a default (not blocked)."""
    return salesperson if salesperson is not None and not salesperson.blocked else None


def _actor_salesperson(actor: AbstractBaseUser | None) -> Salesperson | None:
    """The salesperson linked to the acting user, if any (OneToOne reverse)."""
    if actor is None or not actor.is_authenticated:
        return None
    # The reverse accessor raises RelatedObjectDoesNotExist (an AttributeError).
    return getattr(actor, "salesperson", None)


def default_correspondence_type(
    *,
    contact: Contact,
    template: InteractionTemplate,
    override: str | None = None,
    send: bool = False,
) -> str:
    """DOMAIN §4.1 correspondence type precedence, with the e-mail fallback.

    ``override`` (a segment's "ignore contact correspondence type" type, or a
    value the user chose) wins when it is not ``None``; else the template's
    default when the template ignores the contact's preference or the contact
    has none; else the contact's preference. E-mail falls back to blank when
    the contact has no e-mail address — unless the user asked to send, which
    :func:`create_interaction` then refuses with a message.
    """
    if override is not None:
        value = override
    elif template.ignore_contact_correspondence_type or not contact.correspondence_type:
        value = template.correspondence_type
    else:
        value = contact.correspondence_type
    if value == CorrespondenceType.EMAIL and not contact.email and not send:
        return CorrespondenceType.BLANK
    return value


def default_language(*, contact: Contact, template: InteractionTemplate) -> str:
    """The contact's language if the template has content in it, else the default."""
    if (
        contact.language
        and template.contents.filter(language=contact.language).exists()
    ):
        return contact.language
    return template.language


def interaction_defaults(
    *,
    contact: Contact,
    template: InteractionTemplate,
    actor: AbstractBaseUser | None = None,
    salesperson: Salesperson | None = None,
    campaign: Campaign | None = None,
    correspondence_type: str | None = None,
    send: bool = False,
) -> dict[str, Any]:
    """DOMAIN §4.1: the values a new entry gets from contact, template and context.

    ``salesperson``, ``campaign`` and ``correspondence_type`` are the calling
    context (segment header, page filters, the user's choice); ``None`` means
    "not imposed". The result maps entry field names to values (model
    instances for foreign keys) and is the single source of defaults for every
    creation path: the wizard, documents and segment lines.

    The subject is not a default: it comes from the content actually used.
    """
    moment = timezone.localtime()
    return {
        "contact": contact,
        "contact_company": contact if contact.is_company else contact.company,
        "template": template,
        "group": template.group,
        "description": template.description,
        "cost": template.unit_cost,
        "duration": template.unit_duration,
        "information_flow": template.information_flow,
        "initiated_by": template.initiated_by,
        "campaign": campaign if campaign is not None else template.campaign,
        "campaign_target": template.campaign_target,
        "campaign_response": template.campaign_response,
        "salesperson": salesperson
        or _usable(_actor_salesperson(_actor_or_none(actor)))
        or _usable(contact.salesperson),
        "correspondence_type": default_correspondence_type(
            contact=contact,
            template=template,
            override=correspondence_type,
            send=send,
        ),
        "language": default_language(contact=contact, template=template),
        "date": moment.date(),
        "time": round_up_to_minute(moment),
    }


def _actor_or_none(actor: AbstractBaseUser | None) -> AbstractBaseUser | None:
    return actor if actor is not None and actor.is_authenticated else None


# --------------------------------------------------------------------------
# Merge fields (DOMAIN §2: a restricted context of plain values)
# --------------------------------------------------------------------------


def render_content(
    *,
    template: InteractionTemplate,
    contact: Contact,
    language: str,
    salesperson: Salesperson | None = None,
    date: dt.date | None = None,
) -> tuple[str, str]:
    """Merge the template content (subject, body) with plain values only.

    Returns ``("", "")`` when the template has no content for ``language``
    (nor in its default language).
    """
    content = select_content(template, language)
    if content is None:
        return "", ""
    return _render(content, contact=contact, salesperson=salesperson, date=date)


def _render(
    content: TemplateContent,
    *,
    contact: Contact,
    salesperson: Salesperson | None,
    date: dt.date | None,
) -> tuple[str, str]:
    context = merge_context(
        contact=contact,
        salesperson=salesperson,
        date=date or timezone.localdate(),
    )
    return merge(content.subject, context), merge(content.body, context)


# --------------------------------------------------------------------------
# The one creation path
# --------------------------------------------------------------------------


class _Kind(Enum):
    """Which DOMAIN §4.2 checks apply."""

    MANUAL = "manual"  # all checks
    POSTPONED = "postponed"  # only contact and template (+ value sanity)
    DOCUMENT = "document"  # no salesperson/description/privacy checks


# Entry fields a caller may set; ``None`` (and a blank description) means
# "not given: use the default".
_ENTRY_FIELDS = (
    "date",
    "time",
    "description",
    "subject",
    "salesperson",
    "campaign",
    "campaign_target",
    "campaign_response",
    "cost",
    "duration",
    "information_flow",
    "initiated_by",
    "correspondence_type",
    "language",
    "evaluation",
    "attempt_failed",
    "contact_via",
    "opportunity_ref",
)
_DOCUMENT_FIELDS = ("document_type", "document_no", "version_no", "doc_occurrence")


@dataclass(frozen=True)
class _Content:
    """The content actually used: what the entry's attachment will hold."""

    subject: str = ""
    body: str = ""
    upload: UploadedFile | None = None
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
    errors = {}
    if contact is None:
        errors["contact"] = [_("You must select a contact to interact with.")]
    if template is None:
        errors["template"] = [_("You must select an interaction template.")]
    if errors:
        raise ValidationError(errors)


def _decimal(value: Any, field: str, errors: dict[str, list]) -> Any:
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
    actor: AbstractBaseUser | None,
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
    for field in _ENTRY_FIELDS:
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
        subject, body = _render(
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
    kind: _Kind,
    values: dict[str, Any],
    content: _Content,
    send: bool,
) -> dict[str, list]:
    """DOMAIN §4.2 checks that need a clear, field-specific message."""
    errors: dict[str, list] = {}
    if not isinstance(values["date"], dt.date):
        errors["date"] = [_("Enter the date of the interaction.")]
    for field in ("cost", "duration"):
        values[field] = _decimal(values[field], field, errors)
        if field not in errors and values[field] < 0:
            errors[field] = [_("This value must not be negative.")]
    if send and values["correspondence_type"] == CorrespondenceType.EMAIL:
        errors |= _sending_errors(values["contact"], content)
    if kind is not _Kind.DOCUMENT:
        errors |= _manual_errors(kind, values, content)
    return errors


def _sending_errors(contact: Contact, content: _Content) -> dict[str, list]:
    """E-mail needs an address and content (NAV §6.3)."""
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
    return {"correspondence_type": [message]}


def _manual_errors(
    kind: _Kind, values: dict[str, Any], content: _Content
) -> dict[str, list]:
    """Checks of manual interactions; a postponed one only gets the first."""
    errors: dict[str, list] = {}
    contact: Contact = values["contact"]
    if contact.privacy_blocked:
        errors["contact"] = [
            _("Contact %(no)s is privacy blocked; no interactions can be created.")
            % {"no": contact.no}
        ]
    if kind is _Kind.POSTPONED:
        return errors
    salesperson: Salesperson | None = values["salesperson"]
    if salesperson is None:
        errors["salesperson"] = [_("You must fill in the salesperson.")]
    elif salesperson.blocked:
        errors["salesperson"] = [
            _("Salesperson %(code)s is blocked.") % {"code": salesperson.code}
        ]
    if not values["description"]:
        errors["description"] = [_("You must fill in the description.")]
    template: InteractionTemplate = values["template"]
    if template.wizard_action == WizardAction.OPEN and not content.exists:
        errors["template"] = [
            _(
                "Interaction template %(code)s opens its content, but it has no "
                "content in language “%(language)s”."
            )
            % {"code": template.code, "language": values["language"] or "-"}
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


def _delete_if_unused(attachment_ids: Sequence[int]) -> None:
    """Delete attachments nothing refers to any more (PROTECT keeps used ones)."""
    for attachment in Attachment.objects.filter(pk__in=attachment_ids):
        try:
            with transaction.atomic():
                attachment.delete()
        except ProtectedError:
            continue


def _write_comments(
    *,
    actor: AbstractBaseUser | None,
    entry: InteractionLogEntry,
    comments: Sequence[str],
) -> None:
    today = timezone.localdate()
    EntryComment.objects.bulk_create(
        EntryComment(
            entry=entry, date=today, text=text.strip(), author=_actor_or_none(actor)
        )
        for text in comments
        if text and text.strip()
    )


def _fill_entry(
    entry: InteractionLogEntry,
    *,
    actor: AbstractBaseUser | None,
    values: Mapping[str, Any],
    params: Mapping[str, Any],
    kind: _Kind,
    send: bool,
) -> InteractionLogEntry:
    """Set the resolved values, document key and bookkeeping on an unsaved entry."""
    for field, value in values.items():
        setattr(entry, field, value)
    for field in _DOCUMENT_FIELDS:
        if field in params:
            setattr(entry, field, params[field])
    entry.postponed = kind is _Kind.POSTPONED
    entry.logged_by = _actor_or_none(actor)
    entry.delivery_status = (
        DeliveryStatus.IN_PROGRESS
        if send and entry.correspondence_type == CorrespondenceType.EMAIL
        else DeliveryStatus.BLANK
    )
    return entry


def _save_entry(
    *,
    actor: AbstractBaseUser | None,
    params: Mapping[str, Any],
    kind: _Kind,
    existing: InteractionLogEntry | None = None,
    send: bool = False,
    replace_comments: bool = False,
) -> InteractionLogEntry:
    """Validate and write one entry (new, or a postponed one being finished).

    Runs inside the caller's ``transaction.atomic``. Raises ValidationError
    with a message per field before anything is written.
    """
    _require_contact_and_template(params.get("contact"), params.get("template"))
    send = send and kind is not _Kind.POSTPONED
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
            errors.setdefault(field, messages)
    if errors:
        raise ValidationError(errors)

    old_attachment_id = existing.attachment_id if existing is not None else None
    entry.attachment = _store_content(content, read_only=not entry.postponed)
    entry.save()
    if old_attachment_id and old_attachment_id != entry.attachment_id:
        _delete_if_unused([old_attachment_id])
    if replace_comments:
        entry.comments.all().delete()
    _write_comments(actor=actor, entry=entry, comments=params.get("comments") or ())

    if entry.delivery_status == DeliveryStatus.IN_PROGRESS:
        deliver_on_commit([entry.entry_no])
    return entry


def _audit_changes(entry: InteractionLogEntry) -> dict[str, Any]:
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
    actor: AbstractBaseUser | None,
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
    attachment_file: UploadedFile | None = None,
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
    kind = _Kind.POSTPONED if postpone else _Kind.MANUAL
    with transaction.atomic():
        entry = _save_entry(actor=actor, params=params, kind=kind, send=send)
        record_audit(
            actor=actor,
            action="entry.postpone" if postpone else "entry.create",
            obj=entry,
            changes=_audit_changes(entry) | {"comments": len(comments)},
        )
    return entry


# --------------------------------------------------------------------------
# Postponed interactions (DOMAIN §4.4)
# --------------------------------------------------------------------------

# What changing the template resets (NAV: template-derived fields, §6.2).
_TEMPLATE_DERIVED = (
    "description",
    "subject",
    "cost",
    "duration",
    "information_flow",
    "initiated_by",
    "campaign_target",
    "campaign_response",
    "correspondence_type",
    "language",
)
# What changing the contact resets (contact-derived fields, §6.1).
_CONTACT_DERIVED = ("correspondence_type", "language", "subject")
_RESUMABLE = frozenset(
    (
        "contact",
        "template",
        *_ENTRY_FIELDS,
        "body",
        "attachment_file",
        "comments",
        "send",
    )
)


def _carried_values(entry: InteractionLogEntry, values: Mapping[str, Any]) -> dict:
    """A postponed entry's stored values, minus those a new template/contact resets.

    Date and time are not carried: resuming happens today (NAV resets the date).
    """
    carried: dict[str, Any] = {
        field: getattr(entry, field)
        for field in _ENTRY_FIELDS
        if field not in ("date", "time", "subject")
    }
    carried["contact"] = entry.contact
    carried["template"] = entry.template
    if entry.salesperson is None:
        carried.pop("salesperson")  # let the defaults find one
    if entry.campaign is None:
        carried.pop("campaign")
    content_kept = True
    new_template = values.get("template")
    if new_template is not None and new_template.pk != entry.template_id:
        content_kept = False
        for field in _TEMPLATE_DERIVED:
            carried.pop(field, None)
        if entry.campaign_id and entry.campaign_id == entry.template.campaign_id:
            carried.pop("campaign", None)
    new_contact = values.get("contact")
    if new_contact is not None and new_contact.pk != entry.contact_id:
        content_kept = False
        for field in _CONTACT_DERIVED:
            carried.pop(field, None)
    if content_kept and entry.attachment is not None:
        # Keep what was prepared before postponing, as if typed again.
        carried["subject"] = entry.attachment.subject
        carried["body"] = entry.attachment.body
        if entry.attachment.file:
            carried["stored_file"] = entry.attachment
    return carried


def resume_interaction(
    *,
    actor: AbstractBaseUser | None,
    entry: InteractionLogEntry,
    postpone: bool = False,
    **values: Any,
) -> InteractionLogEntry:
    """Finish (or save again) a postponed entry; it keeps its entry number.

    ``values`` are :func:`create_interaction` keyword arguments; what is not
    given is taken from the postponed entry (date and time: now). Changing the
    template re-defaults the template's values (NAV §6.2). ``comments``, when
    given, replace the entry's comments. Finishing applies the full §4.2
    validation; ``postpone=True`` saves the values and keeps it postponed.
    """
    unknown = set(values) - _RESUMABLE
    if unknown:
        raise TypeError(f"resume_interaction() got unexpected {sorted(unknown)}")
    send = bool(values.pop("send", False))
    with transaction.atomic():
        locked = (
            InteractionLogEntry.objects.select_for_update()
            .filter(pk=entry.pk, postponed=True)
            .first()
        )
        if locked is None:
            raise ValidationError(
                {"entry": [_("Only postponed interactions can be resumed.")]}
            )
        params = _carried_values(locked, values) | values
        entry = _save_entry(
            actor=actor,
            params=params,
            kind=_Kind.POSTPONED if postpone else _Kind.MANUAL,
            existing=locked,
            send=send,
            replace_comments="comments" in values,
        )
        record_audit(
            actor=actor,
            action="entry.postpone" if postpone else "entry.resume",
            obj=entry,
            changes=_audit_changes(entry),
        )
    return entry


def delete_postponed_entries(
    *, actor: AbstractBaseUser | None, entries: QuerySet[InteractionLogEntry]
) -> int:
    """Delete postponed entries directly (no cancel step), with their comments.

    Refuses the whole selection when it contains a finished entry: those are
    canceled and deleted through the ledger, never here. Attachments no other
    row uses are deleted too. One audit event with the count.
    """
    with transaction.atomic():
        rows = list(
            entries.select_for_update().values_list(
                "entry_no", "postponed", "attachment_id"
            )
        )
        if any(not postponed for _no, postponed, _att in rows):
            raise ValidationError(
                {
                    "entries": [
                        _(
                            "Only postponed interactions can be deleted here; "
                            "the selection contains logged interactions."
                        )
                    ]
                }
            )
        entry_nos = [no for no, _postponed, _att in rows]
        if not entry_nos:
            return 0
        EntryComment.objects.filter(entry_id__in=entry_nos).delete()
        InteractionLogEntry.objects.filter(
            entry_no__in=entry_nos, postponed=True
        ).delete()
        _delete_if_unused([att for _no, _postponed, att in rows if att])
        record_audit(
            actor=actor,
            action="entry.delete_postponed",
            object_type=InteractionLogEntry._meta.label_lower,
            count=len(entry_nos),
            changes={"entry_nos": entry_nos},
        )
    return len(entry_nos)


# --------------------------------------------------------------------------
# Recording documents (DOMAIN §4.6)
# --------------------------------------------------------------------------


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
    errors: dict[str, list] = {}
    if document_type not in DocumentType.values:
        errors["document_type"] = [
            _("“%(value)s” is not a document type.") % {"value": document_type}
        ]
    max_no = InteractionLogEntry._meta.get_field("document_no").max_length
    if not document_no:
        errors["document_no"] = [_("You must fill in the document number.")]
    elif len(document_no) > max_no:
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
    actor: AbstractBaseUser | None,
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
            entry = _save_entry(
                actor=actor, params=params, kind=_Kind.DOCUMENT, send=send
            )
            record_audit(
                actor=actor,
                action="entry.record_document",
                obj=entry,
                changes=_audit_changes(entry)
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
    actor: AbstractBaseUser | None,
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
    actor: AbstractBaseUser | None,
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
    actor: AbstractBaseUser | None,
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


# --------------------------------------------------------------------------
# Comments (DOMAIN §3)
# --------------------------------------------------------------------------


def add_comment(
    *,
    actor: AbstractBaseUser | None,
    entry: InteractionLogEntry,
    text: str,
    code: str = "",
    date: dt.date | None = None,
) -> EntryComment:
    """Add a dated comment line to an entry (allowed on every entry)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("You must fill in the comment.")]})
    comment = EntryComment(
        entry=entry,
        text=text,
        code=(code or "").strip(),
        date=date or timezone.localdate(),
        author=_actor_or_none(actor),
    )
    comment.full_clean(exclude=["entry", "author"])
    with transaction.atomic():
        comment.save()
        record_audit(
            actor=actor,
            action="entry.comment",
            obj=entry,
            changes={"comment_id": comment.pk, "text": text, "code": comment.code},
        )
    return comment

"""A person's data (issue #10 item 6): export everything we hold, and erase it.

:func:`export_contact_data` builds a ZIP of every *personal data section* for
one contact; :func:`erase_contact` pseudonymises the contact and scrubs the
free text that is about it while the figures stay, so statistics do not
change. Both write one audit event.

**The hook.** What a section holds is told by the module that owns it:
``register_personal_data(name, exporter=..., eraser=...)``. The exporter
returns the section's archive members (path → ``bytes`` written as is, or
JSON data written as ``<path>``); the eraser gets an :class:`ErasureScope`
and ``apply`` (``False``: only count what it would scrub, for the
confirmation page and dry runs) and returns its counts by label. This module
registers its own sections the same way (contact, entries, attachments,
segment lines, audit events, admin log, idempotency replies); another module
(the outbox's consent history, say) registers its section when its app is
imported, and both the export and the erasure pick it up.

**The ledger exception.** DOMAIN §3 lets only cancel/evaluation/comments/
delivery status change after creation; erasure is the one documented
exception (docs/operations.md, "A person's request"): it blanks the entries'
free text and comments and detaches their attachments, never their figures.
"""

import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from contacts.models import Contact
from interactions.models import (
    Attachment,
    EntryComment,
    InteractionLogEntry,
    SegmentCriteriaAction,
    SegmentLine,
)
from interactions_crm.platform.actors import Actor
from interactions_crm.platform.audit import record_audit
from interactions_crm.platform.changes import field_values
from interactions_crm.platform.models import AuditEvent, IdempotencyKey

__all__ = [
    "ERASE_PERMISSIONS",
    "EXPORT_PERMISSIONS",
    "ErasureResult",
    "ErasureScope",
    "erase_contact",
    "erasure_counts",
    "export_contact_data",
    "may_erase_personal_data",
    "may_export_personal_data",
    "register_personal_data",
]

# Who may do it. No custom permission: that needs a migration on a model
# another helper changes at the same time; instead both need staff status
# (admin access) plus model permissions that only administrators hold.
EXPORT_PERMISSIONS = ("contacts.view_contact", "interactions.view_interactionlogentry")
ERASE_PERMISSIONS = (
    "contacts.change_contact",
    "contacts.delete_contact",
    "interactions.change_interactionlogentry",
)

EXPORT_ACTION = "contact.export_personal_data"
ERASE_ACTION = "contact.erase"
ENTRY_TYPE = InteractionLogEntry._meta.label_lower
CONTACT_TYPE = Contact._meta.label_lower
# The contact's fields that are personal data: blanked on erasure.
PERSONAL_FIELDS = (
    "job_title",
    "email",
    "phone",
    "mobile_phone",
    "address",
    "post_code",
    "city",
    "country",
    "language",
    "correspondence_type",
)
# The contact's values searched for (and replaced) in stored JSON.
IDENTIFYING_FIELDS = ("name", "email", "phone", "mobile_phone", "address")
# An entry's free text: blanked on erasure. Figures (dates, cost, duration,
# template, campaign, evaluation, canceled …) stay.
ENTRY_TEXT_FIELDS = (
    "description",
    "subject",
    "contact_via",
    "opportunity_ref",
    "cancel_reason",
)
# Shorter values would match unrelated text ("AS", "22").
MIN_NEEDLE_LENGTH = 4
ERASED_MARK = "[erased]"


def may_export_personal_data(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Staff status and :data:`EXPORT_PERMISSIONS`."""
    return bool(getattr(user, "is_staff", False)) and user.has_perms(EXPORT_PERMISSIONS)


def may_erase_personal_data(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Staff status and :data:`ERASE_PERMISSIONS`."""
    return bool(getattr(user, "is_staff", False)) and user.has_perms(ERASE_PERMISSIONS)


def pseudonym(contact: Contact) -> str:
    """The name an erased contact keeps: "Erased contact <no>"."""
    return f"Erased contact {contact.no}"


@dataclass(frozen=True)
class ErasureScope:
    """What an eraser works on: the contact and its values before erasure.

    ``values`` are the contact's personal fields as they were when the erasure
    started (the contact itself is pseudonymised after every other section),
    ``texts`` the free text of its entries and comments then; ``needles`` the
    identifying values worth searching stored text for.
    """

    contact: Contact
    values: Mapping[str, str]
    texts: tuple[str, ...] = ()

    @property
    def entries(self) -> QuerySet[InteractionLogEntry]:
        return InteractionLogEntry.objects.filter(contact=self.contact)

    @property
    def needles(self) -> list[str]:
        return _needles(self.values[name] for name in IDENTIFYING_FIELDS)


Exporter = Callable[[Contact], Mapping[str, Any]]
Eraser = Callable[[ErasureScope, bool], Mapping[str, int]]


@dataclass(frozen=True)
class Section:
    name: str
    exporter: Exporter | None
    eraser: Eraser | None


_SECTIONS: dict[str, Section] = {}


def register_personal_data(
    name: str, *, exporter: Exporter | None = None, eraser: Eraser | None = None
) -> None:
    """Add a personal data section (see the module docstring); names are unique."""
    if name in _SECTIONS:
        raise ValueError(f"Personal data section {name!r} is registered twice.")
    _SECTIONS[name] = Section(name, exporter, eraser)


def _sections() -> list[Section]:
    """Registration order, the contact's own fields last (erasers use ``values``)."""
    return sorted(_SECTIONS.values(), key=lambda section: section.name == "contact")


# --------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------


def _json_bytes(data: Any) -> bytes:
    return json.dumps(
        data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
    ).encode()


def export_contact_data(*, actor: Actor, contact: Contact) -> bytes:
    """A ZIP of every personal data section of ``contact``; one audit event.

    Each section adds its members: ``contact.json``, ``entries.json``,
    ``attachments/<id>/…``, ``segments.json``, ``audit.json`` and whatever
    other modules registered (``consent.json``).
    """
    buffer = io.BytesIO()
    names = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for section in _SECTIONS.values():
            if section.exporter is None:
                continue
            names.append(section.name)
            for path, content in section.exporter(contact).items():
                data = content if isinstance(content, bytes) else _json_bytes(content)
                archive.writestr(path, data)
    record_audit(
        actor=actor,
        action=EXPORT_ACTION,
        obj=contact,
        changes={"no": contact.no, "sections": names},
    )
    return buffer.getvalue()


def _export_contact(contact: Contact) -> dict[str, Any]:
    data = field_values(contact)
    data["company"] = (
        {"no": contact.company.no, "name": contact.company.name}
        if contact.company_id
        else None
    )
    data["persons"] = [
        {"no": no, "name": name}
        for no, name in Contact.objects.filter(company=contact).values_list(
            "no", "name"
        )
    ]
    for name in ("job_responsibilities", "industry_groups", "mailing_groups"):
        data[name] = list(getattr(contact, name).values_list("code", flat=True))
    data["business_relations"] = [
        {"code": code, "link_type": link_type, "link_no": link_no}
        for code, link_type, link_no in contact.business_relations.values_list(
            "business_relation__code", "link_type", "link_no"
        )
    ]
    return {"contact.json": data}


def _export_entries(contact: Contact) -> dict[str, Any]:
    comments: dict[int, list[dict[str, Any]]] = {}
    for comment in EntryComment.objects.filter(entry__contact=contact).order_by("id"):
        comments.setdefault(comment.entry_id, []).append(field_values(comment))
    entries = [
        field_values(entry) | {"comments": comments.get(entry.entry_no, [])}
        for entry in InteractionLogEntry.objects.filter(contact=contact).order_by(
            "entry_no"
        )
    ]
    return {"entries.json": entries}


def _attachment_file_name(attachment: Attachment) -> str:
    name = attachment.file_name or (attachment.file.name or "").rsplit("/", 1)[-1]
    return re.sub(r"[^\w.\- ]", "_", name) or "file"


def _export_attachments(contact: Contact) -> dict[str, Any]:
    members: dict[str, Any] = {}
    for attachment in Attachment.objects.filter(entries__contact=contact).distinct():
        folder = f"attachments/{attachment.pk}"
        members[f"{folder}/attachment.json"] = field_values(attachment)
        if attachment.subject or attachment.body:
            text = f"{attachment.subject}\n\n{attachment.body}".strip() + "\n"
            members[f"{folder}/content.txt"] = text.encode()
        if attachment.file:
            try:
                with attachment.file.open("rb") as handle:
                    members[f"{folder}/{_attachment_file_name(attachment)}"] = (
                        handle.read()
                    )
            except FileNotFoundError:
                # Said in the archive, not left out silently.
                members[f"{folder}/MISSING.txt"] = (
                    f"The stored file {attachment.file.name} is missing.\n".encode()
                )
    return members


def _export_segments(contact: Contact) -> dict[str, Any]:
    lines = [
        field_values(line) | {"segment_no": line.segment.no}
        for line in SegmentLine.objects.filter(contact=contact).select_related(
            "segment"
        )
    ]
    return {"segments.json": lines}


def _events_about(contact: Contact) -> Iterator[QuerySet[AuditEvent]]:
    """Audit events about the contact, its segment lines (they name it as
    ``contact``) and each of its entries (chunked)."""
    yield AuditEvent.objects.filter(object_type=CONTACT_TYPE, object_id=str(contact.pk))
    yield AuditEvent.objects.filter(changes__contact=contact.no).exclude(
        object_type__in=(CONTACT_TYPE, ENTRY_TYPE)
    )
    entry_nos = list(
        InteractionLogEntry.objects.filter(contact=contact).values_list(
            "entry_no", flat=True
        )
    )
    for start in range(0, len(entry_nos), 500):
        chunk = [str(no) for no in entry_nos[start : start + 500]]
        yield AuditEvent.objects.filter(object_type=ENTRY_TYPE, object_id__in=chunk)


def _export_audit(contact: Contact) -> dict[str, Any]:
    events = [
        field_values(event, ["actor_repr", "action", "object_type", "object_id"])
        | field_values(event, ["count", "changes", "created_at"])
        for queryset in _events_about(contact)
        for event in queryset.order_by("id")
    ]
    return {"audit.json": events}


# --------------------------------------------------------------------------
# Erasure
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ErasureResult:
    """What an erasure scrubbed, by label; ``already_erased``: nothing was left."""

    contact_no: str
    counts: dict[str, int] = field(default_factory=dict)
    already_erased: bool = False

    @property
    def message(self) -> str:
        if self.already_erased:
            return str(
                _(
                    "Contact %(no)s was erased before; there was nothing left to "
                    "erase, and nothing was changed."
                )
                % {"no": self.contact_no}
            )
        return str(
            _("The personal data of contact %(no)s has been erased (%(counts)s).")
            % {"no": self.contact_no, "counts": describe_counts(self.counts)}
        )


COUNT_LABELS = {
    "contact_fields": _("contact fields"),
    "classification": _("classification rows"),
    "entries": _("entries' text"),
    "comments": _("comments"),
    "attachments": _("attachments"),
    "segment_lines": _("segment lines"),
    "audit_events": _("audit events"),
    "admin_log": _("admin log rows"),
    "api_replies": _("stored API replies"),
}


def describe_counts(counts: Mapping[str, int]) -> str:
    """ "3 entries' text, 2 comments, …" for a message (only non-zero counts)."""
    return ", ".join(
        f"{count} {COUNT_LABELS.get(label, label)}"
        for label, count in counts.items()
        if count
    ) or str(_("nothing"))


def _needles(values: Any) -> list[str]:
    return sorted(
        {value for value in values if value and len(value) >= MIN_NEEDLE_LENGTH},
        key=len,
        reverse=True,
    )


def _scope(contact: Contact) -> ErasureScope:
    values = {name: getattr(contact, name) for name in ("name", *PERSONAL_FIELDS)}
    entries = InteractionLogEntry.objects.filter(contact=contact)
    texts = [value for row in entries.values_list(*ENTRY_TEXT_FIELDS) for value in row]
    texts += EntryComment.objects.filter(entry__contact=contact).values_list(
        "text", flat=True
    )
    return ErasureScope(contact=contact, values=values, texts=tuple(texts))


def _refuse_company_with_persons(contact: Contact) -> None:
    persons = Contact.objects.filter(company=contact).count()
    if persons:
        raise ValidationError(
            ngettext(
                "Company %(no)s still has %(count)d person. Erase that person or "
                "move it to another company first; a company is erased only when "
                "no person belongs to it.",
                "Company %(no)s still has %(count)d persons. Erase those persons or "
                "move them to another company first; a company is erased only when "
                "no person belongs to it.",
                persons,
            )
            % {"no": contact.no, "count": persons}
        )


def _run_erasers(scope: ErasureScope, *, apply: bool) -> dict[str, int]:
    counts: dict[str, int] = {}
    for section in _sections():
        if section.eraser is not None:
            for label, count in section.eraser(scope, apply).items():
                counts[label] = counts.get(label, 0) + count
    return counts


def erasure_counts(*, contact: Contact) -> dict[str, int]:
    """What :func:`erase_contact` would scrub now, by label (changes nothing).

    Refused like the erasure for a company that still has persons.
    """
    contact = Contact.objects.get(pk=contact.pk)
    _refuse_company_with_persons(contact)
    return _run_erasers(_scope(contact), apply=False)


def erase_contact(
    *,
    actor: Actor,
    contact: Contact,
    expected_counts: Mapping[str, int] | None = None,
) -> ErasureResult:
    """Pseudonymise ``contact`` and scrub its free text; one audit event.

    ``expected_counts`` are the counts a confirmation showed: if what would be
    scrubbed differs now (someone added a comment meanwhile), nothing is done
    and the erasure is refused, so it never does more than was confirmed.
    Refused for a company that still has persons. Erasing an erased contact
    again changes nothing and says so (``already_erased``).
    """
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        _refuse_company_with_persons(contact)
        scope = _scope(contact)
        counts = _run_erasers(scope, apply=False)
        if expected_counts is not None and dict(expected_counts) != counts:
            raise ValidationError(
                _(
                    "What would be erased for contact %(no)s changed since the "
                    "confirmation was shown (now: %(counts)s). Nothing was erased; "
                    "check the new counts and confirm again."
                )
                % {"no": contact.no, "counts": describe_counts(counts)}
            )
        if not any(counts.values()):
            return ErasureResult(contact_no=contact.no, already_erased=True)
        done = _run_erasers(scope, apply=True)
        record_audit(
            actor=actor,
            action=ERASE_ACTION,
            obj=contact,
            count=1,
            changes={"no": contact.no, "counts": done},
        )
    return ErasureResult(contact_no=contact.no, counts=done)


def _erase_contact_fields(scope: ErasureScope, apply: bool) -> dict[str, int]:
    contact = scope.contact
    target: dict[str, Any] = dict.fromkeys(PERSONAL_FIELDS, "")
    target["name"] = pseudonym(contact)
    target["privacy_blocked"] = True
    changed = {
        name: value for name, value in target.items() if getattr(contact, name) != value
    }
    classification = (
        contact.job_responsibilities.count()
        + contact.industry_groups.count()
        + contact.mailing_groups.count()
        + contact.business_relations.count()
    )
    if apply:
        if changed:
            Contact.objects.filter(pk=contact.pk).update(
                **changed, updated_at=timezone.now()
            )
            for name, value in changed.items():
                setattr(contact, name, value)
        contact.job_responsibilities.clear()
        contact.industry_groups.clear()
        contact.mailing_groups.clear()
        contact.business_relations.all().delete()
    return {"contact_fields": len(changed), "classification": classification}


def _erase_entries(scope: ErasureScope, apply: bool) -> dict[str, int]:
    has_text = Q()
    for name in ENTRY_TEXT_FIELDS:
        has_text |= ~Q(**{name: ""})
    entries = scope.entries.filter(has_text)
    comments = EntryComment.objects.filter(entry__contact=scope.contact).exclude(
        text=""
    )
    counts = {"entries": entries.count(), "comments": comments.count()}
    if apply:
        entries.update(**dict.fromkeys(ENTRY_TEXT_FIELDS, ""))
        comments.update(text="", modified_at=timezone.now())
    return counts


def _erase_attachments(scope: ErasureScope, apply: bool) -> dict[str, int]:
    """Detach every attachment; delete those only this contact's entries use.

    One shared with another contact's entry, a template or a segment is not
    touched (the entry just no longer points to it). A stored file is deleted
    after commit, and only when no other attachment row names it (a logged
    segment's attachments share the template's file).
    """
    attached = scope.entries.filter(attachment__isnull=False)
    ids = set(attached.values_list("attachment_id", flat=True))
    if not apply or not ids:
        return {"attachments": len(ids)}
    attached.update(attachment=None)
    unused = Attachment.objects.filter(
        pk__in=ids,
        entries__isnull=True,
        template_contents__isnull=True,
        segments__isnull=True,
    )
    files = {name for name in unused.values_list("file", flat=True) if name}
    unused.delete()
    still_used = set(
        Attachment.objects.filter(file__in=files).values_list("file", flat=True)
    )
    for name in files - still_used:
        transaction.on_commit(lambda name=name: default_storage.delete(name))
    return {"attachments": len(ids)}


def _erase_segment_lines(scope: ErasureScope, apply: bool) -> dict[str, int]:
    """Remove the contact's lines from unlogged segments, and from the snapshots
    that "go back" restores (a privacy-blocked contact is never put back)."""
    contact_id = scope.contact.pk
    lines = SegmentLine.objects.filter(contact=scope.contact)
    count = lines.count()
    actions = []
    for action in SegmentCriteriaAction.objects.exclude(removed_lines=[]):
        kept = [
            row for row in action.removed_lines if row.get("contact_id") != contact_id
        ]
        if len(kept) != len(action.removed_lines):
            count += len(action.removed_lines) - len(kept)
            action.line_count -= len(action.removed_lines) - len(kept)
            action.removed_lines = kept
            actions.append(action)
    if apply:
        lines.delete()
        SegmentCriteriaAction.objects.bulk_update(
            actions, ["removed_lines", "line_count"]
        )
    return {"segment_lines": count}


def _scrub(value: Any, pattern: re.Pattern[str]) -> Any:
    """``value`` (JSON data) with every match of ``pattern`` in its strings replaced."""
    if isinstance(value, str):
        return pattern.sub(ERASED_MARK, value)
    if isinstance(value, list):
        return [_scrub(item, pattern) for item in value]
    if isinstance(value, dict):
        return {key: _scrub(item, pattern) for key, item in value.items()}
    return value


def _needle_pattern(needles: list[str]) -> re.Pattern[str] | None:
    if not needles:
        return None
    return re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE)


def _mentioning(needles: list[str]) -> Q:
    """Rows whose ``changes`` text holds a needle (as typed, or JSON-escaped)."""
    condition = Q(pk__in=[])
    for needle in needles:
        escaped = json.dumps(needle)[1:-1]
        condition |= Q(changes__icontains=needle) | Q(changes__icontains=escaped)
    return condition


def _erase_audit(scope: ErasureScope, apply: bool) -> dict[str, int]:
    """Events about the contact or its entries keep only action and count;
    any other event naming the person gets those values replaced."""
    own = (EXPORT_ACTION, ERASE_ACTION)  # hold the contact no. and counts only
    count = 0
    about_ids: set[int] = set()
    for queryset in _events_about(scope.contact):
        queryset = queryset.exclude(action__in=own)
        about_ids.update(queryset.values_list("pk", flat=True))
        pending = queryset.exclude(changes={})
        count += pending.count()
        if apply:
            pending.update(changes={})
    pattern = _needle_pattern(scope.needles)
    if pattern is not None:
        others = AuditEvent.objects.filter(_mentioning(scope.needles)).exclude(
            pk__in=about_ids
        )
        for event in others.iterator():
            scrubbed = _scrub(event.changes, pattern)
            if scrubbed != event.changes:
                count += 1
                if apply:
                    AuditEvent.objects.filter(pk=event.pk).update(changes=scrubbed)
    return {"audit_events": count}


def _erase_admin_log(scope: ErasureScope, apply: bool) -> dict[str, int]:
    """Django admin's history of the contact and its entries: its repr and
    change message name the person; both are replaced."""
    contact_type = ContentType.objects.get_for_model(Contact)
    entry_type = ContentType.objects.get_for_model(InteractionLogEntry)
    contact_repr = f"{scope.contact.no} {pseudonym(scope.contact)}"
    rows = LogEntry.objects.filter(
        content_type=contact_type, object_id=str(scope.contact.pk)
    ).exclude(object_repr=contact_repr, change_message="")
    count = rows.count()
    if apply:
        rows.update(object_repr=contact_repr, change_message="")
    entry_nos = [str(no) for no in scope.entries.values_list("entry_no", flat=True)]
    for start in range(0, len(entry_nos), 500):
        chunk = entry_nos[start : start + 500]
        for row in LogEntry.objects.filter(
            content_type=entry_type, object_id__in=chunk
        ):
            entry_repr = f"{row.object_id}: "
            if row.object_repr != entry_repr or row.change_message:
                count += 1
                if apply:
                    LogEntry.objects.filter(pk=row.pk).update(
                        object_repr=entry_repr, change_message=""
                    )
    return {"admin_log": count}


def _erase_api_replies(scope: ErasureScope, apply: bool) -> dict[str, int]:
    """Replies kept for idempotent retries (24 hours) that name the person or
    quote its entries' text: those values are replaced."""
    pattern = _needle_pattern(_needles([*scope.needles, *scope.texts]))
    if pattern is None:
        return {"api_replies": 0}
    count = 0
    for key in IdempotencyKey.objects.exclude(response_body=None).iterator():
        scrubbed = _scrub(key.response_body, pattern)
        if scrubbed != key.response_body:
            count += 1
            if apply:
                IdempotencyKey.objects.filter(pk=key.pk).update(response_body=scrubbed)
    return {"api_replies": count}


register_personal_data(
    "contact", exporter=_export_contact, eraser=_erase_contact_fields
)
register_personal_data("entries", exporter=_export_entries, eraser=_erase_entries)
register_personal_data(
    "attachments", exporter=_export_attachments, eraser=_erase_attachments
)
register_personal_data(
    "segments", exporter=_export_segments, eraser=_erase_segment_lines
)
register_personal_data("audit", exporter=_export_audit, eraser=_erase_audit)
register_personal_data("admin_log", eraser=_erase_admin_log)
register_personal_data("api_replies", eraser=_erase_api_replies)

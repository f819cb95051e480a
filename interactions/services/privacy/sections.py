"""This app's personal data sections: what each exports and how it is erased.

Contact (fields, classification, company and persons), entries (with
comments), attachments, segment lines, audit events; erased only: Django
admin's history and the API replies kept for idempotent retries.
"""

import json
import re
from collections.abc import Iterator
from functools import partial
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import ProtectedError, Q, QuerySet, RestrictedError
from django.utils import timezone

from contacts.models import Contact
from interactions.models import (
    Attachment,
    EntryComment,
    InteractionLogEntry,
    SegmentCriteriaAction,
    SegmentLine,
)
from interactions.services.privacy.registry import (
    CONTACT_TYPE,
    ENTRY_TEXT_FIELDS,
    ENTRY_TYPE,
    ERASE_ACTION,
    EXPORT_ACTION,
    PERSONAL_FIELDS,
    ErasureScope,
    needles,
    pseudonym,
    register_personal_data,
)
from interactions_crm.platform.changes import field_values
from interactions_crm.platform.models import AuditEvent, IdempotencyKey

ERASED_MARK = "[erased]"


def _export_contact(contact: Contact) -> dict[str, Any]:
    data = field_values(contact)
    company = contact.company
    data["company"] = (
        {"no": company.no, "name": company.name} if company is not None else None
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
    touched (the entry just no longer points to it); one that another app's
    row about this person still protects keeps its row, emptied. A stored
    file is deleted
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
    for attachment in unused:
        try:
            with transaction.atomic():
                attachment.delete()
        except (ProtectedError, RestrictedError):
            # Another app's row about this person (an outbox message) still
            # points to it: keep the row, without its content.
            Attachment.objects.filter(pk=attachment.pk).update(
                file="", file_name="", content_type="", subject="", body=""
            )
    still_used = set(
        Attachment.objects.filter(file__in=files).values_list("file", flat=True)
    )
    for name in files - still_used:
        transaction.on_commit(partial(default_storage.delete, name))
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


def _needle_pattern(values: list[str]) -> re.Pattern[str] | None:
    if not values:
        return None
    return re.compile("|".join(re.escape(n) for n in values), re.IGNORECASE)


def _mentioning(values: list[str]) -> Q:
    """Rows whose ``changes`` text holds a needle (as typed, or JSON-escaped)."""
    condition = Q(pk__in=[])
    for needle in values:
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
    pattern = _needle_pattern(needles([*scope.needles, *scope.texts]))
    if pattern is None:
        return {"api_replies": 0}
    count = 0
    for key in IdempotencyKey.objects.filter(response_body__isnull=False).iterator():
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

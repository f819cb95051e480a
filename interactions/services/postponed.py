"""Postponed interactions (DOMAIN §4.4): finish them later, or delete them.

A postponed entry is stored by
:func:`~interactions.services.creation.create_interaction` with
``postpone=True``; it is invisible in the log and statistics until
:func:`resume_interaction` finishes it (same entry number).
"""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

from interactions.models import (
    CONTACT_DERIVED_FIELDS,
    ENTRY_FIELDS,
    ENTRY_TEMPLATE_FIELDS,
    TEMPLATE_DERIVED_FIELDS,
    TEMPLATE_FALLBACK_FIELDS,
    EntryComment,
    InteractionLogEntry,
)
from interactions.services.creation import (
    EntryKind,
    delete_unused_attachments,
    entry_audit_changes,
    save_entry,
)
from interactions.services.sql import concrete_field
from interactions_crm.platform.actors import Actor
from interactions_crm.platform.audit import record_audit

#: What resume_interaction() accepts besides ``postpone``.
_RESUMABLE = frozenset(
    (
        "contact",
        "template",
        *ENTRY_FIELDS,
        "body",
        "attachment_file",
        "comments",
        "send",
    )
)


def _own_value(instance: Model, field: str) -> Any:
    """A field's stored value (a foreign key's id: no query)."""
    return getattr(instance, concrete_field(type(instance), field).attname)


def _carried_values(
    entry: InteractionLogEntry, values: Mapping[str, Any]
) -> dict[str, Any]:
    """A postponed entry's stored values, minus those a new template/contact resets.

    Date and time are not carried: resuming happens today (NAV resets the date).
    """
    carried: dict[str, Any] = {
        field: getattr(entry, field)
        for field in ENTRY_FIELDS
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
        for field in TEMPLATE_DERIVED_FIELDS:
            carried.pop(field, None)
        for field in TEMPLATE_FALLBACK_FIELDS:
            # Kept, unless it only was the old template's default.
            own = _own_value(entry, field)
            template_field = ENTRY_TEMPLATE_FIELDS[field]
            if own is not None and own == _own_value(entry.template, template_field):
                carried.pop(field, None)
    new_contact = values.get("contact")
    if new_contact is not None and new_contact.pk != entry.contact_id:
        content_kept = False
        for field in CONTACT_DERIVED_FIELDS:
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
    actor: Actor,
    entry: InteractionLogEntry,
    postpone: bool = False,
    **values: Any,
) -> InteractionLogEntry:
    """Finish (or save again) a postponed entry; it keeps its entry number.

    ``values`` are :func:`~interactions.services.creation.create_interaction`
    keyword arguments; what is not given is taken from the postponed entry
    (date and time: now). Changing the template re-defaults the template's
    values (NAV §6.2). ``comments``, when given, replace the entry's comments.
    Finishing applies the full §4.2 validation; ``postpone=True`` saves the
    values and keeps it postponed.
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
        entry = save_entry(
            actor=actor,
            params=params,
            kind=EntryKind.POSTPONED if postpone else EntryKind.MANUAL,
            existing=locked,
            send=send,
            replace_comments="comments" in values,
        )
        record_audit(
            actor=actor,
            action="entry.postpone" if postpone else "entry.resume",
            obj=entry,
            changes=entry_audit_changes(entry),
        )
    return entry


def delete_postponed_entries(
    *, actor: Actor, entries: QuerySet[InteractionLogEntry]
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
        delete_unused_attachments([att for _no, _postponed, att in rows if att])
        record_audit(
            actor=actor,
            action="entry.delete_postponed",
            object_type=InteractionLogEntry._meta.label_lower,
            count=len(entry_nos),
            changes={"entry_nos": entry_nos},
        )
    return len(entry_nos)

"""Comments on interaction log entries (DOMAIN §3): dated lines, any entry."""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interactions.models import EntryComment, InteractionLogEntry
from interactions_crm.platform.actors import Actor, user_or_none
from interactions_crm.platform.audit import record_audit


def add_comment(
    *,
    actor: Actor,
    entry: InteractionLogEntry,
    text: str,
    code: str = "",
    date: dt.date | None = None,
) -> EntryComment:
    """Add a dated comment line to an entry (allowed on every entry).

    The entry is locked first, so a comment never lands on an entry that a
    concurrent delete removes: that is refused (code ``conflict``, HTTP 409)
    naming the entry.
    """
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("You must fill in the comment.")]})
    comment = EntryComment(
        entry=entry,
        text=text,
        code=(code or "").strip(),
        date=date or timezone.localdate(),
        author=user_or_none(actor),
    )
    comment.full_clean(exclude=["entry", "author"])
    with transaction.atomic():
        locked = InteractionLogEntry.objects.select_for_update().filter(pk=entry.pk)
        if not locked.values_list("pk", flat=True):
            raise ValidationError(
                _(
                    "Interaction log entry %(entry_no)s no longer exists: it was "
                    "deleted meanwhile. The comment was not added."
                )
                % {"entry_no": entry.pk},
                code="conflict",
            )
        comment.save()
        record_audit(
            actor=actor,
            action="entry.comment",
            obj=entry,
            changes={"comment_id": comment.pk, "text": text, "code": comment.code},
        )
    return comment


def write_comments(
    *, actor: Actor, entry: InteractionLogEntry, comments: Iterable[str]
) -> None:
    """Store the non-blank ``comments`` typed while creating ``entry`` (today).

    Part of creating or resuming the entry, whose audit event counts them.
    """
    today = timezone.localdate()
    EntryComment.objects.bulk_create(
        EntryComment(
            entry=entry, date=today, text=text.strip(), author=user_or_none(actor)
        )
        for text in comments
        if text and text.strip()
    )

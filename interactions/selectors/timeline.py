"""A contact's timeline: its interactions, newest first (DOMAIN §3, §7).

A company's timeline rolls up its persons' entries (``contact_company``); a
person's shows only its own. Postponed entries are not part of it, canceled
ones are (the page marks them). Keyset pages on the (contact | company, date,
entry no.) indexes cost one query each at any depth.
"""

from django.db.models import QuerySet

from contacts.models import Contact
from interactions.models import InteractionLogEntry
from interactions_crm.platform.keyset import KeysetPage, keyset_page

#: Newest first; the entry number breaks ties between equal dates.
TIMELINE_ORDERING = ("-date", "-entry_no")


def contact_timeline(contact: Contact) -> QuerySet[InteractionLogEntry]:
    """The entries of ``contact``'s timeline with what an item shows."""
    entries: QuerySet[InteractionLogEntry] = (
        InteractionLogEntry.objects.visible().for_contact(contact).with_related()
    )
    return entries


def timeline_page(
    contact: Contact, *, cursor: str | None = None, size: int
) -> KeysetPage:
    """One page of the timeline after ``cursor`` (raises ``InvalidCursor``)."""
    return keyset_page(
        contact_timeline(contact),
        ordering=TIMELINE_ORDERING,
        cursor=cursor,
        size=size,
    )


def timeline_entry(contact: Contact, entry_no: int) -> InteractionLogEntry | None:
    """Entry ``entry_no`` if it is on ``contact``'s timeline (with its salesperson)."""
    entry: InteractionLogEntry | None = (
        InteractionLogEntry.objects.visible()
        .for_contact(contact)
        .select_related("salesperson")
        .filter(entry_no=entry_no)
        .first()
    )
    return entry

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


#: What a timeline item shows of other tables. Fetched per page with one
#: primary-key query per table (``prefetch_related``), not joined: a 6-table
#: join cost PostgreSQL 3–20 ms of planning for a 20-row page (issue #12).
#: A company's timeline also names each entry's person; a person's timeline
#: shows only the person itself (no query for it).
TIMELINE_RELATED = ("template", "group", "salesperson", "campaign")


def contact_timeline(contact: Contact) -> QuerySet[InteractionLogEntry]:
    """The entries of ``contact``'s timeline with what an item shows."""
    related = ("contact", *TIMELINE_RELATED) if contact.is_company else TIMELINE_RELATED
    entries: QuerySet[InteractionLogEntry] = (
        InteractionLogEntry.objects.visible()
        .for_contact(contact)
        .prefetch_related(*related)
    )
    return entries


def timeline_page(
    contact: Contact, *, cursor: str | None = None, size: int
) -> KeysetPage:
    """One page of the timeline after ``cursor`` (raises ``InvalidCursor``)."""
    page = keyset_page(
        contact_timeline(contact),
        ordering=TIMELINE_ORDERING,
        cursor=cursor,
        size=size,
    )
    if not contact.is_company:
        for entry in page.rows:
            entry.contact = contact  # a person's timeline holds only its entries
    return page


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

"""The interaction log as people read it (DOMAIN §6.1, §4.4).

The log page, its CSV export (:mod:`interactions.selectors.export`), one
entry's page and the postponed list read through these functions: the shared
``EntryFilterSet`` (same names and business keys as the API), the sort orders
and keyset pages. No ``COUNT(*)`` over the
log: a page fetches one row more than it shows to know whether more follow.
"""

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from interactions.filters import EntryFilterSet
from interactions.models import EntryComment, InteractionLogEntry
from interactions_crm.platform.keyset import KeysetPage, keyset_page

#: The log's sort orders: key → (ordering, label). Each ends with the entry
#: number, so the ordering is unique and a keyset pages every row exactly once.
SORTS: dict[str, tuple[tuple[str, ...], Promise]] = {
    "newest": (("-date", "-entry_no"), _("Newest first")),
    "oldest": (("date", "entry_no"), _("Oldest first")),
    "entry_no": (("-entry_no",), _("Entry no., highest first")),
    "cost": (("-cost", "-entry_no"), _("Cost, highest first")),
    "duration": (("-duration", "-entry_no"), _("Duration, longest first")),
}
DEFAULT_SORT = "newest"


def sort_key(value: str | None) -> str:
    """``value`` if it names a sort order, else the default (newest first)."""
    return value if value in SORTS else DEFAULT_SORT


def log_entries() -> QuerySet[InteractionLogEntry]:
    """The log's rows with everything a row shows, in one query.

    Every entry that is not postponed, with its contact, company, template,
    salesperson and campaign, and ``has_comments``.
    """
    entries: QuerySet[InteractionLogEntry] = (
        InteractionLogEntry.objects.annotate(
            has_comments=Exists(EntryComment.objects.filter(entry=OuterRef("pk")))
        )
        .visible()
        .select_related(
            "contact", "contact_company", "template", "salesperson", "campaign"
        )
    )
    return entries


def log_filterset(
    params: Mapping[str, Any],
    queryset: QuerySet[InteractionLogEntry] | None = None,
) -> EntryFilterSet:
    """The log's filters bound to ``params`` (over :func:`log_entries` by default)."""
    return EntryFilterSet(
        params, queryset=log_entries() if queryset is None else queryset
    )


def filtered_entries(filterset: EntryFilterSet) -> QuerySet[InteractionLogEntry]:
    """The filtered rows; an invalid filter selects nothing, never everything."""
    rows: QuerySet[InteractionLogEntry] = (
        filterset.qs if filterset.is_valid() else filterset.queryset.none()
    )
    return rows


def log_page(
    rows: QuerySet[InteractionLogEntry],
    *,
    sort: str,
    cursor: str | None = None,
    size: int,
) -> KeysetPage:
    """One keyset page of ``rows`` in sort order ``sort``.

    Raises :class:`~interactions_crm.platform.keyset.InvalidCursor` for a
    tampered cursor; the page decides what to show then.
    """
    return keyset_page(rows, ordering=SORTS[sort][0], cursor=cursor, size=size)


def entry_with_details() -> QuerySet[InteractionLogEntry]:
    """Log entries with every relation an entry's own page shows (one query)."""
    return InteractionLogEntry.objects.visible().select_related(
        "contact",
        "contact_company",
        "template",
        "group",
        "salesperson",
        "campaign",
        "logged_segment",
        "attachment",
        "logged_by",
        "canceled_by",
    )


def entry_comments(entry: InteractionLogEntry) -> QuerySet[EntryComment]:
    """An entry's comments, oldest first, with their authors."""
    return entry.comments.select_related("author").order_by("date", "id")


def postponed_entries(
    *, user: AbstractBaseUser, everyone: bool = False
) -> QuerySet[InteractionLogEntry]:
    """Postponed interactions: ``user``'s own, or everyone's with ``everyone``."""
    entries = InteractionLogEntry.objects.postponed().select_related(
        "contact", "template", "salesperson", "logged_by"
    )
    if not everyone:
        entries = entries.filter(logged_by=user)
    return entries


def postponed_page(
    entries: QuerySet[InteractionLogEntry], *, cursor: str | None = None, size: int
) -> KeysetPage:
    """One keyset page of postponed entries, newest first (``InvalidCursor``)."""
    return keyset_page(entries, ordering=("-entry_no",), cursor=cursor, size=size)

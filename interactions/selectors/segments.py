"""Reads about segments and logged segments, shared by pages, API and admin.

A logged segment's "No. of Interactions" (NAV) is defined once here: the
entries whose canceled state is the logged segment's own — an active logged
segment counts its active entries, a canceled one its canceled entries
(:func:`logged_segment_entries`, :func:`logged_segments_with_counts`).
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import ngettext

from contacts.models import Contact
from interactions.criteria import matching_contacts
from interactions.models import InteractionLogEntry, LoggedSegment, Segment, SegmentLine


def _entries_in_own_state(
    logged_segment: LoggedSegment | OuterRef, canceled: bool | OuterRef
) -> QuerySet[InteractionLogEntry]:
    """Entries of ``logged_segment`` whose canceled state is ``canceled``."""
    return InteractionLogEntry.objects.filter(
        logged_segment=logged_segment, canceled=canceled
    )


def logged_segment_entries(
    logged_segment: LoggedSegment,
) -> QuerySet[InteractionLogEntry]:
    """The entries a logged segment counts (and "reuse logged segment" takes).

    Its active entries, or its canceled ones when it is canceled itself.
    """
    return _entries_in_own_state(logged_segment, logged_segment.canceled)


def logged_segments_with_counts() -> QuerySet[LoggedSegment]:
    """Logged segments with ``entry_count``: NAV's "No. of Interactions".

    Counted as :func:`logged_segment_entries` does, by a correlated subquery,
    so only the rows actually read are counted (index
    ``entry_logged_segment_idx``), never the whole log; the annotation can be
    sorted on.
    """
    entries = (
        _entries_in_own_state(OuterRef("pk"), OuterRef("canceled"))
        .order_by()
        .values("logged_segment")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return LoggedSegment.objects.annotate(
        entry_count=Coalesce(Subquery(entries, output_field=IntegerField()), 0)
    )


def lines_on_header_template(segment: Segment) -> QuerySet[SegmentLine]:
    """Lines a header change offers to update: those still on its template."""
    if segment.template_id is None:
        return segment.lines.filter(template__isnull=True)
    return segment.lines.filter(template_id=segment.template_id)


# --------------------------------------------------------------------------
# Criteria actions: what they select, by reason (DOMAIN §5 "honest counts")
# --------------------------------------------------------------------------

#: How many skipped contacts an outcome names (the counts are always exact).
NAMED_CONTACTS = 20


@dataclass(frozen=True)
class CriteriaOutcome:
    """What a criteria action did (or, as a preview, would do), by reason.

    ``added`` / ``removed``: lines added or removed (``adds``: the action is
    an add, so its message leads with the lines added); ``already_there``:
    matching contacts skipped because they already are in the segment;
    ``excluded`` / ``privacy_blocked``: matching contacts skipped because they
    are marked "exclude from segment" / privacy blocked, with the first
    :data:`NAMED_CONTACTS` of them named by number.
    """

    adds: bool
    added: int = 0
    removed: int = 0
    already_there: int = 0
    excluded_count: int = 0
    excluded: tuple[str, ...] = ()
    privacy_blocked_count: int = 0
    privacy_blocked: tuple[str, ...] = ()

    def __add__(self, other: "CriteriaOutcome") -> "CriteriaOutcome":
        """Two outcomes together (a replay of several saved actions)."""
        return CriteriaOutcome(
            adds=self.adds or other.adds,
            added=self.added + other.added,
            removed=self.removed + other.removed,
            already_there=self.already_there + other.already_there,
            excluded_count=self.excluded_count + other.excluded_count,
            excluded=(self.excluded + other.excluded)[:NAMED_CONTACTS],
            privacy_blocked_count=self.privacy_blocked_count
            + other.privacy_blocked_count,
            privacy_blocked=(self.privacy_blocked + other.privacy_blocked)[
                :NAMED_CONTACTS
            ],
        )

    @property
    def changed(self) -> int:
        """Lines added plus lines removed."""
        return self.added + self.removed

    def as_data(self) -> dict[str, Any]:
        """The outcome as JSON (``count``: lines changed, as before)."""
        return {
            "count": self.changed,
            "added": self.added,
            "removed": self.removed,
            "already_there": self.already_there,
            "excluded": {"count": self.excluded_count, "contacts": list(self.excluded)},
            "privacy_blocked": {
                "count": self.privacy_blocked_count,
                "contacts": list(self.privacy_blocked),
            },
        }

    def messages(self) -> list[str]:
        """One sentence per reason that applies, the first always present."""
        sentences = []
        if self.added or self.adds:
            sentences.append(
                ngettext(
                    "%(count)d contact has been added.",
                    "%(count)d contacts have been added.",
                    self.added,
                )
                % {"count": self.added}
            )
        if self.removed or not self.adds:
            sentences.append(
                ngettext(
                    "%(count)d line has been removed.",
                    "%(count)d lines have been removed.",
                    self.removed,
                )
                % {"count": self.removed}
            )
        if self.already_there:
            sentences.append(
                ngettext(
                    "%(count)d contact was already in the segment.",
                    "%(count)d contacts were already in the segment.",
                    self.already_there,
                )
                % {"count": self.already_there}
            )
        if self.excluded_count:
            sentences.append(
                ngettext(
                    "%(count)d contact skipped (exclude from segment): %(contacts)s.",
                    "%(count)d contacts skipped (exclude from segment): %(contacts)s.",
                    self.excluded_count,
                )
                % {
                    "count": self.excluded_count,
                    "contacts": _named(self.excluded, self.excluded_count),
                }
            )
        if self.privacy_blocked_count:
            sentences.append(
                ngettext(
                    "%(count)d contact skipped (privacy blocked): %(contacts)s.",
                    "%(count)d contacts skipped (privacy blocked): %(contacts)s.",
                    self.privacy_blocked_count,
                )
                % {
                    "count": self.privacy_blocked_count,
                    "contacts": _named(
                        self.privacy_blocked, self.privacy_blocked_count
                    ),
                }
            )
        return sentences

    def message(self) -> str:
        return " ".join(self.messages())


def _named(nos: tuple[str, ...], count: int) -> str:
    named = ", ".join(nos)
    return f"{named} …" if count > len(nos) else named


def _first_nos(contacts: QuerySet[Contact]) -> tuple[str, ...]:
    return tuple(contacts.order_by("no").values_list("no", flat=True)[:NAMED_CONTACTS])


@dataclass(frozen=True)
class AddSelection:
    """The contacts an "add" action selects, split by what happens to them."""

    to_add: QuerySet[Contact]
    already_there: QuerySet[Contact]
    excluded: QuerySet[Contact]
    privacy_blocked: QuerySet[Contact]

    def outcome(self, added: int) -> CriteriaOutcome:
        """The outcome with ``added`` lines (the count of ``to_add`` when
        previewing, the lines inserted when run): four counts, two names."""
        excluded_count = self.excluded.count()
        blocked_count = self.privacy_blocked.count()
        return CriteriaOutcome(
            adds=True,
            added=added,
            already_there=self.already_there.count(),
            excluded_count=excluded_count,
            excluded=_first_nos(self.excluded) if excluded_count else (),
            privacy_blocked_count=blocked_count,
            privacy_blocked=_first_nos(self.privacy_blocked) if blocked_count else (),
        )


def select_contacts(
    segment: Segment,
    candidates: QuerySet[Contact],
    *,
    allow_existing: bool = False,
    ignore_exclusion: bool = False,
) -> AddSelection:
    """Split ``candidates`` into those to add and those skipped, by reason.

    A privacy-blocked contact is never added (DOMAIN §12), whatever the
    options; "exclude from segment" skips unless ``ignore_exclusion``; a
    contact already in the segment is skipped unless ``allow_existing``.
    Each contact is counted under the first reason that applies.
    """
    in_segment = Q(pk__in=segment.lines.values("contact_id"))
    blocked = candidates.filter(privacy_blocked=True)
    allowed = candidates.filter(privacy_blocked=False)
    excluded = (
        allowed.none()
        if ignore_exclusion
        else allowed.filter(exclude_from_segment=True)
    )
    eligible = (
        allowed if ignore_exclusion else allowed.filter(exclude_from_segment=False)
    )
    already = eligible.none() if allow_existing else eligible.filter(in_segment)
    to_add = eligible if allow_existing else eligible.exclude(in_segment)
    return AddSelection(
        to_add=to_add,
        already_there=already,
        excluded=excluded,
        privacy_blocked=blocked,
    )


def add_candidates(
    criteria: dict[str, str],
    *,
    expand_companies: bool = False,
    add_related_companies: bool = False,
) -> QuerySet[Contact]:
    """Contacts matching ``criteria``, with the persons of matching companies
    (``expand_companies``) and the companies of matching persons
    (``add_related_companies``) — before anything is skipped."""
    matches = matching_contacts(criteria).order_by()
    selected = Q(pk__in=matches.values("pk"))
    if expand_companies:
        selected |= Q(company__in=matches.companies().values("pk"))
    if add_related_companies:
        selected |= Q(
            pk__in=matches.persons().filter(company__isnull=False).values("company_id")
        )
    return Contact.objects.filter(selected)


def select_to_add(
    segment: Segment,
    criteria: dict[str, str],
    *,
    allow_existing: bool = False,
    expand_companies: bool = False,
    add_related_companies: bool = False,
    ignore_exclusion: bool = False,
) -> AddSelection:
    """What "add contacts" with these criteria and options selects (by reason)."""
    return select_contacts(
        segment,
        add_candidates(
            criteria,
            expand_companies=expand_companies,
            add_related_companies=add_related_companies,
        ),
        allow_existing=allow_existing,
        ignore_exclusion=ignore_exclusion,
    )


def matching_lines(criteria: dict[str, str], *, entire_companies: bool) -> Q:
    """Q over lines whose contact matches (with its persons if entire_companies)."""
    matches = matching_contacts(criteria).order_by()
    condition = Q(contact__in=matches.values("pk"))
    if entire_companies:
        condition |= Q(contact__company__in=matches.companies().values("pk"))
    return condition


def lines_to_remove(
    segment: Segment, criteria: dict[str, str], *, refine: bool, entire_companies: bool
) -> QuerySet[SegmentLine]:
    """Lines reduce (matching) or refine (not matching) removes."""
    condition = matching_lines(criteria, entire_companies=entire_companies)
    return (
        segment.lines.exclude(condition) if refine else segment.lines.filter(condition)
    )

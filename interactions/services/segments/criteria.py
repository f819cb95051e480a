"""Segment criteria actions (DOMAIN §5): add, reduce, refine, go back, reuse.

Each action changes the lines and is recorded with exactly what it changed
(the id range of the lines it inserted, snapshots of the lines it removed),
so :func:`go_back` undoes the last one exactly. Saved criteria replay the
recorded actions on another segment.
"""

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils.translation import gettext_lazy as _

from contacts.models import Contact
from interactions.criteria import clean_criteria
from interactions.models import (
    LoggedSegment,
    Segment,
    SegmentCriteriaAction,
    SegmentLine,
)
from interactions.selectors.segments import (
    AddSelection,
    CriteriaOutcome,
    lines_to_remove,
    logged_segment_entries,
    select_contacts,
    select_to_add,
)
from interactions.services.segments.lines import Inserted, insert_lines
from interactions.services.segments.worksheet import lock_segment
from interactions_crm.platform.actors import Actor, user_or_none
from interactions_crm.platform.audit import record_audit
from interactions_crm.platform.changes import jsonable

Kind = SegmentCriteriaAction.Kind

#: One performed criteria action and what it did, by reason.
Performed = tuple[SegmentCriteriaAction, CriteriaOutcome]


def _record_action(
    *,
    segment: Segment,
    actor: Actor,
    kind: str,
    criteria: dict[str, Any],
    options: dict[str, Any] | None = None,
    inserted: Inserted = (0, None, None),
    removed: list[dict[str, Any]] | None = None,
) -> SegmentCriteriaAction:
    last = segment.criteria_actions.aggregate(last=Max("seq"))["last"] or 0
    count, first_id, last_id = inserted
    return SegmentCriteriaAction.objects.create(
        segment=segment,
        seq=last + 1,
        kind=kind,
        criteria=criteria,
        options=options or {},
        inserted_from_id=first_id,
        inserted_to_id=last_id,
        removed_lines=removed or [],
        line_count=count + len(removed or []),
        actor=user_or_none(actor),
    )


def _audit_action(
    actor: Actor, segment: Segment, action: SegmentCriteriaAction
) -> None:
    record_audit(
        actor=actor,
        action=f"segment.{action.kind}",
        obj=segment,
        count=action.line_count,
        changes={"criteria": action.criteria, "options": action.options},
    )


def _perform(
    segment: Segment,
    actor: Actor,
    step: Callable[[Segment], Performed],
) -> CriteriaOutcome:
    """Run one criteria action on the locked segment and audit it.

    Returns what the action did, by reason.
    """
    with transaction.atomic():
        locked = lock_segment(segment)
        action, outcome = step(locked)
        _audit_action(actor, locked, action)
    return outcome


def _insert_selection(
    segment: Segment, actor: Actor, selection: AddSelection
) -> tuple[Inserted, CriteriaOutcome]:
    """Insert the selected contacts; the outcome counts the skipped ones first
    (afterwards the added ones would count as "already there")."""
    counted = selection.outcome(0)
    inserted = insert_lines(segment, actor, selection.to_add)
    return inserted, replace(counted, added=inserted[0])


def _snapshot_and_delete(lines: QuerySet[SegmentLine]) -> list[dict[str, Any]]:
    """Delete ``lines`` and return them as JSON snapshots (ids included)."""
    names = [field.attname for field in SegmentLine._meta.concrete_fields]
    snapshots = [
        {name: jsonable(value) for name, value in row.items()}
        for row in lines.order_by("id").values(*names).iterator()
    ]
    if snapshots:
        lines.delete()
    return snapshots


def _restore(snapshots: list[dict[str, Any]]) -> int:
    """Re-insert removed lines exactly as they were (same ids and values)."""
    fields = SegmentLine._meta.concrete_fields
    SegmentLine.objects.bulk_create(
        SegmentLine(
            **{field.attname: field.to_python(row[field.attname]) for field in fields}
        )
        for row in snapshots
    )
    return len(snapshots)


def _add_contacts(
    segment: Segment,
    actor: Actor,
    criteria: dict[str, Any],
    options: dict[str, bool],
) -> Performed:
    criteria = clean_criteria(criteria)
    selection = select_to_add(segment, criteria, **options)
    inserted, outcome = _insert_selection(segment, actor, selection)
    action = _record_action(
        segment=segment,
        actor=actor,
        kind=Kind.ADD,
        criteria=criteria,
        options=options,
        inserted=inserted,
    )
    return action, outcome


#: The options of "add contacts" and their defaults.
ADD_OPTIONS = {
    "allow_existing": False,
    "expand_companies": False,
    "add_related_companies": False,
    "ignore_exclusion": False,
}


def add_contacts(
    *,
    segment: Segment,
    actor: Actor,
    criteria: dict[str, Any],
    allow_existing: bool = False,
    expand_companies: bool = False,
    add_related_companies: bool = False,
    ignore_exclusion: bool = False,
    confirm_all: bool = False,
) -> CriteriaOutcome:
    """Add a line for every contact matching ``criteria``; return the outcome.

    ``criteria`` uses the vocabulary of
    :class:`~interactions.criteria.ContactCriteriaFilterSet`. Contacts marked
    "exclude from segment" are skipped unless ``ignore_exclusion``; contacts
    already in the segment are skipped unless ``allow_existing`` (then they
    get another line, as in NAV). ``expand_companies`` adds the persons of
    matching companies, ``add_related_companies`` the company of each
    matching person. Privacy-blocked contacts are never added. The outcome
    counts what was added and what was skipped, by reason (naming the
    excluded and privacy-blocked contacts). No criterion at all would add
    every contact: refused unless ``confirm_all``. Recorded as one criteria
    action.
    """
    if not clean_criteria(criteria) and not confirm_all:
        raise ValidationError(
            {
                "criteria": [
                    _(
                        "No criterion is given: this adds every contact. "
                        "Confirm to add all contacts."
                    )
                ]
            }
        )
    options = {
        "allow_existing": allow_existing,
        "expand_companies": expand_companies,
        "add_related_companies": add_related_companies,
        "ignore_exclusion": ignore_exclusion,
    }
    return _perform(
        segment, actor, lambda locked: _add_contacts(locked, actor, criteria, options)
    )


def _remove_lines(
    segment: Segment,
    actor: Actor,
    kind: str,
    criteria: dict[str, Any],
    entire_companies: bool,
) -> Performed:
    criteria = clean_criteria(criteria)
    lines = lines_to_remove(
        segment,
        criteria,
        refine=kind == Kind.REFINE,
        entire_companies=entire_companies,
    )
    removed = _snapshot_and_delete(lines)
    action = _record_action(
        segment=segment,
        actor=actor,
        kind=kind,
        criteria=criteria,
        options={"entire_companies": entire_companies},
        removed=removed,
    )
    return action, CriteriaOutcome(adds=False, removed=len(removed))


def reduce_contacts(
    *,
    segment: Segment,
    actor: Actor,
    criteria: dict[str, Any],
    entire_companies: bool = False,
) -> CriteriaOutcome:
    """Remove the lines whose contact matches ``criteria``; return the outcome.

    ``entire_companies`` also removes the persons of matching companies.
    """
    return _perform(
        segment,
        actor,
        lambda locked: _remove_lines(
            locked, actor, Kind.REDUCE, criteria, entire_companies
        ),
    )


def refine_contacts(
    *,
    segment: Segment,
    actor: Actor,
    criteria: dict[str, Any],
    entire_companies: bool = False,
) -> CriteriaOutcome:
    """Remove the lines whose contact does *not* match; return the outcome.

    ``entire_companies`` also keeps the persons of matching companies.
    """
    return _perform(
        segment,
        actor,
        lambda locked: _remove_lines(
            locked, actor, Kind.REFINE, criteria, entire_companies
        ),
    )


def go_back(*, segment: Segment, actor: Actor) -> int:
    """Undo the last criteria action exactly; return the number of lines changed.

    Removes the lines it inserted and re-inserts the lines it removed with
    their ids and values, then forgets the action.
    """
    with transaction.atomic():
        segment = lock_segment(segment)
        action = segment.criteria_actions.order_by("-seq").first()
        if action is None:
            raise ValidationError(
                {"segment": [_("There is no criteria action to undo.")]}
            )
        removed = 0
        if action.inserted_from_id is not None:
            removed, _counts = segment.lines.filter(
                id__gte=action.inserted_from_id, id__lte=action.inserted_to_id
            ).delete()
        restored = _restore(action.removed_lines)
        record_audit(
            actor=actor,
            action="segment.go_back",
            obj=segment,
            count=removed + restored,
            changes={
                "undone": action.kind,
                "seq": action.seq,
                "lines_removed": removed,
                "lines_restored": restored,
            },
        )
        action.delete()
    return removed + restored


def add_contact_to_segment(
    *, segment: Segment, actor: Actor, contact: Contact
) -> SegmentLine:
    """Add one contact by hand (a criteria action, so "go back" undoes it).

    The line gets the same defaults as lines added by criteria. "Exclude from
    segment" does not apply to a contact chosen by hand. Refused when the
    contact already is in the segment or is privacy blocked (DOMAIN §12).
    """
    if contact.privacy_blocked:
        raise ValidationError(
            {
                "contact": [
                    _(
                        "Contact %(no)s is privacy blocked and cannot be added "
                        "to a segment."
                    )
                    % {"no": contact.no}
                ]
            }
        )
    with transaction.atomic():
        segment = lock_segment(segment)
        if segment.lines.filter(contact=contact).exists():
            raise ValidationError(
                {
                    "contact": [
                        _("Contact %(no)s is already in the segment.")
                        % {"no": contact.no}
                    ]
                }
            )
        inserted = insert_lines(segment, actor, Contact.objects.filter(pk=contact.pk))
        line_id = inserted[1]
        if line_id is None:  # deleted by someone else meanwhile
            raise ValidationError(
                {
                    "contact": [
                        _("Contact %(no)s no longer exists.") % {"no": contact.no}
                    ]
                }
            )
        action = _record_action(
            segment=segment,
            actor=actor,
            kind=Kind.ADD_ONE,
            criteria={"contact_no": contact.no},
            inserted=inserted,
        )
        _audit_action(actor, segment, action)
    return SegmentLine.objects.get(pk=line_id)


def remove_contact_from_segment(
    *, segment: Segment, actor: Actor, contact: Contact
) -> int:
    """Remove a contact's lines by hand (a criteria action); return lines removed."""
    with transaction.atomic():
        segment = lock_segment(segment)
        removed = _snapshot_and_delete(segment.lines.filter(contact=contact))
        if not removed:
            raise ValidationError(
                {
                    "contact": [
                        _("Contact %(no)s is not in the segment.") % {"no": contact.no}
                    ]
                }
            )
        action = _record_action(
            segment=segment,
            actor=actor,
            kind=Kind.REMOVE_ONE,
            criteria={"contact_no": contact.no},
            removed=removed,
        )
        _audit_action(actor, segment, action)
    return len(removed)


def add_logged_segment_contacts(
    segment: Segment, actor: Actor, logged_segment: LoggedSegment
) -> Performed:
    """Add the contacts of the entries the logged segment counts (not yet in).

    "Exclude from segment" does not apply (they were in the segment); a
    contact privacy blocked since is skipped and named.
    """
    entries = logged_segment_entries(logged_segment)
    selection = select_contacts(
        segment,
        Contact.objects.filter(pk__in=entries.values("contact_id")),
        ignore_exclusion=True,
    )
    inserted, outcome = _insert_selection(segment, actor, selection)
    action = _record_action(
        segment=segment,
        actor=actor,
        kind=Kind.REUSE_LOGGED_SEGMENT,
        criteria={"logged_segment": logged_segment.segment_no},
        inserted=inserted,
    )
    return action, outcome


def reuse_logged_segment(
    *,
    segment: Segment,
    actor: Actor,
    logged_segment: LoggedSegment,
) -> CriteriaOutcome:
    """Add the contacts of a logged segment (not yet in the segment); the outcome."""
    return _perform(
        segment,
        actor,
        lambda locked: add_logged_segment_contacts(locked, actor, logged_segment),
    )

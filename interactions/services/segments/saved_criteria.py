"""Saved criteria (DOMAIN §5): save a segment's criteria actions, replay them.

NAV's "Save Criteria" / "Reuse Criteria": the recorded add/reduce/refine
actions of a segment are stored under a code and replayed, in order, on
another segment through the same criteria services.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from contacts.models import Contact
from interactions.models import (
    LoggedSegment,
    SavedCriteria,
    Segment,
)
from interactions.selectors.segments import CriteriaOutcome, select_contacts
from interactions.services.segments.criteria import (
    ADD_OPTIONS,
    Kind,
    Performed,
    _add_contacts,
    _insert_selection,
    _record_action,
    _remove_lines,
    _snapshot_and_delete,
    add_logged_segment_contacts,
)
from interactions.services.segments.worksheet import lock_segment
from interactions_crm.platform.actors import Actor, user_or_none
from interactions_crm.platform.audit import record_audit


def save_criteria(
    *,
    segment: Segment,
    actor: Actor,
    code: str,
    description: str = "",
) -> SavedCriteria:
    """Store the segment's criteria actions, in order, under ``code``."""
    with transaction.atomic():
        segment = lock_segment(segment)
        actions = [
            {
                "kind": action.kind,
                "criteria": action.criteria,
                "options": action.options,
            }
            for action in segment.criteria_actions.order_by("seq")
        ]
        if not actions:
            raise ValidationError(
                {"segment": [_("The segment has no criteria actions to save.")]}
            )
        saved = SavedCriteria(
            code=code.strip(),
            description=description,
            actions=actions,
            created_by=user_or_none(actor),
        )
        saved.full_clean(exclude=["created_by"])
        saved.save()
        record_audit(
            actor=actor,
            action="segment.save_criteria",
            obj=saved,
            count=len(actions),
            changes={"segment": segment.no, "code": saved.code},
        )
    return saved


def delete_saved_criteria(*, actor: Actor, saved: SavedCriteria) -> None:
    """Delete saved criteria (segments that used them keep their own actions)."""
    with transaction.atomic():
        record_audit(
            actor=actor,
            action="segment.delete_saved_criteria",
            obj=saved,
            changes={"code": saved.code},
        )
        saved.delete()


def _contact_by_no(no: str) -> Contact:
    contact = Contact.objects.filter(no=no).first()
    if contact is None:
        raise ValidationError(
            {"criteria": [_("Contact %(no)s no longer exists.") % {"no": no}]}
        )
    return contact


def _replay(segment: Segment, actor: Actor, step: dict[str, Any]) -> Performed:
    """Run one saved criteria action on ``segment`` (locked by the caller)."""
    kind, criteria = step["kind"], step.get("criteria", {})
    options = step.get("options", {})
    if kind == Kind.ADD:
        return _add_contacts(segment, actor, criteria, ADD_OPTIONS | options)
    if kind in (Kind.REDUCE, Kind.REFINE):
        return _remove_lines(
            segment, actor, kind, criteria, options.get("entire_companies", False)
        )
    if kind == Kind.ADD_ONE:
        contact = _contact_by_no(criteria["contact_no"])
        selection = select_contacts(
            segment, Contact.objects.filter(pk=contact.pk), ignore_exclusion=True
        )
        inserted, outcome = _insert_selection(segment, actor, selection)
        action = _record_action(
            segment=segment,
            actor=actor,
            kind=kind,
            criteria=criteria,
            inserted=inserted,
        )
        return action, outcome
    if kind == Kind.REMOVE_ONE:
        contact = _contact_by_no(criteria["contact_no"])
        removed = _snapshot_and_delete(segment.lines.filter(contact=contact))
        action = _record_action(
            segment=segment,
            actor=actor,
            kind=kind,
            criteria=criteria,
            removed=removed,
        )
        return action, CriteriaOutcome(adds=False, removed=len(removed))
    if kind == Kind.REUSE_LOGGED_SEGMENT:
        logged = LoggedSegment.objects.filter(
            segment_no=criteria["logged_segment"]
        ).first()
        if logged is None:
            raise ValidationError(
                {
                    "criteria": [
                        _("Logged segment %(no)s no longer exists.")
                        % {"no": criteria["logged_segment"]}
                    ]
                }
            )
        return add_logged_segment_contacts(segment, actor, logged)
    raise ValidationError(
        {"criteria": [_("Unknown criteria action “%(kind)s”.") % {"kind": kind}]}
    )


def _replace_warning(segment: Segment, saved: SavedCriteria) -> str:
    """What reusing ``saved`` on ``segment`` replaces, with the counts."""
    lines = segment.lines.count()
    actions = segment.criteria_actions.count()
    return _(
        "Segment %(no)s already has %(lines)s and %(actions)s. Reusing criteria "
        "%(code)s deletes them and replays its %(steps)s; confirm to replace them."
    ) % {
        "no": segment.no,
        "lines": ngettext("%(count)d line", "%(count)d lines", lines)
        % {"count": lines},
        "actions": ngettext(
            "%(count)d criteria action", "%(count)d criteria actions", actions
        )
        % {"count": actions},
        "code": saved.code,
        "steps": ngettext("%(count)d step", "%(count)d steps", len(saved.actions))
        % {"count": len(saved.actions)},
    }


def reuse_criteria(
    *,
    segment: Segment,
    actor: Actor,
    saved: SavedCriteria,
    replace: bool = False,
) -> CriteriaOutcome:
    """Replay saved criteria on ``segment``; return what the actions did.

    Reusing criteria replaces what the segment holds (NAV warns first): a
    segment that already has lines or criteria actions is refused, with a
    message on ``replace`` naming how many of each would go, unless
    ``replace`` is true. Then its lines and criteria actions are deleted and
    the saved actions replayed; each is recorded again on this segment, so
    "go back" undoes the replayed steps one at a time (the replaced lines do
    not come back). All or nothing. The outcome adds up the actions' counts
    by reason (``changed``: lines added or removed by the replay).
    """
    with transaction.atomic():
        segment = lock_segment(segment)
        lines = segment.lines.count()
        actions = segment.criteria_actions.count()
        if (lines or actions) and not replace:
            raise ValidationError({"replace": [_replace_warning(segment, saved)]})
        if lines or actions:
            segment.lines.all().delete()
            segment.criteria_actions.all().delete()
        performed = [_replay(segment, actor, step) for step in saved.actions]
        outcome = CriteriaOutcome(adds=False)
        for _action, step_outcome in performed:
            outcome += step_outcome
        record_audit(
            actor=actor,
            action="segment.reuse_criteria",
            obj=segment,
            count=outcome.changed,
            changes={
                "code": saved.code,
                "actions": len(performed),
                "replaced_lines": lines,
                "replaced_actions": actions,
            },
        )
    return outcome

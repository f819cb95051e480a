"""Managing recorded interactions: cancel, un-cancel, switch, evaluate.

DOMAIN §6.2–6.3 and NAV reference §9.2. Every function here works on a whole
selection with one set-based ``UPDATE`` and writes one audit event with its
count, never one per row. Deleting canceled entries (§6.4) is
:mod:`interactions.services.delete_canceled`; its names stay importable from
here.
"""

from collections.abc import Iterable
from typing import Any, Self

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interactions.models import Evaluation, InteractionLogEntry
from interactions.services import figures
from interactions.services.delete_canceled import (
    FILTER_DATES,
    FILTER_RELATIONS,
    CanceledEntryFilter,
    canceled_entries_matching,
    delete_canceled_entries,
    deleted_message,
    lock_entries,
    resume_delete_canceled_job,
    run_delete_canceled,
    start_delete_canceled_job,
)
from interactions.services.delivery import resend_entries
from interactions_crm.platform import intent
from interactions_crm.platform.actors import Actor, user_or_none
from interactions_crm.platform.audit import record_audit

ENTRY_TYPE = InteractionLogEntry._meta.label_lower
# At most this many entry numbers are named in a bulk operation's audit event;
# the count is always exact.
AUDIT_ENTRY_SAMPLE = 100

#: A selection of entries: a queryset, or entries or entry numbers.
Selection = QuerySet[InteractionLogEntry] | Iterable[InteractionLogEntry | int]


def _selection(entries: Selection) -> QuerySet[InteractionLogEntry]:
    """The selected entries as a queryset that ``update()`` can run on.

    Accepts a queryset of entries (views and the API pass filtered querysets) or
    an iterable of entries or entry numbers. A sliced queryset is pinned to its
    entry numbers, because SQL cannot ``UPDATE`` a ``LIMIT``.
    """
    if isinstance(entries, QuerySet):
        if entries.model is not InteractionLogEntry:
            raise TypeError("Expected a queryset of interaction log entries.")
        if entries.query.is_sliced:
            return InteractionLogEntry.objects.filter(
                pk__in=list(entries.values_list("pk", flat=True))
            )
        return entries
    pks = [e.pk if isinstance(e, InteractionLogEntry) else e for e in entries]
    return InteractionLogEntry.objects.filter(pk__in=pks)


def _audit_bulk(
    *,
    actor: Actor,
    action: str,
    entry_nos: list[int],
    count: int,
    changes: dict[str, Any],
) -> None:
    """One audit event for a bulk change, naming up to AUDIT_ENTRY_SAMPLE entries."""
    named = entry_nos[:AUDIT_ENTRY_SAMPLE]
    record_audit(
        actor=actor,
        action=action,
        object_type=ENTRY_TYPE,
        object_id=named[0] if count == 1 and named else "",
        count=count,
        changes={**changes, "entry_nos": named, "all_named": count <= len(named)},
    )


def _entry_nos(queryset: QuerySet[InteractionLogEntry]) -> list[int]:
    """The first entry numbers of a selection, for the audit event."""
    return list(
        queryset.order_by("entry_no").values_list("entry_no", flat=True)[
            :AUDIT_ENTRY_SAMPLE
        ]
    )


def cancel_entries(*, actor: Actor, entries: Selection, reason: str = "") -> int:
    """Mark the selected entries canceled (DOMAIN §6.2); return how many changed.

    Canceling is always allowed. Entries that are already canceled keep their
    original who/when/why; postponed entries are not in the log and are skipped.
    One ``UPDATE`` for the whole selection.
    """
    max_reason = InteractionLogEntry._meta.get_field("cancel_reason").max_length
    if max_reason is not None and len(reason) > max_reason:
        raise ValidationError(
            {"reason": [_("The reason must be at most 200 characters long.")]}
        )
    with transaction.atomic():
        to_cancel = lock_entries(
            _selection(entries).filter(canceled=False, postponed=False)
        )
        entry_nos = _entry_nos(to_cancel)
        changed = figures.affected_by(to_cancel)
        count = to_cancel.update(
            canceled=True,
            canceled_by=user_or_none(actor),
            canceled_at=timezone.now(),
            cancel_reason=reason,
        )
        figures.recount(changed)
        if count:
            _audit_bulk(
                actor=actor,
                action="entry.cancel",
                entry_nos=entry_nos,
                count=count,
                changes={"canceled": True, "reason": reason},
            )
    return count


def uncancel_entries(*, actor: Actor, entries: Selection) -> int:
    """Remove the canceled checkmark from the selected entries; return the count.

    Refused as a whole, with nothing changed, while any selected entry belongs
    to a canceled logged segment: the segment must be un-canceled first (NAV
    §9.2). Clears who/when/why and the "canceled with segment" mark.
    """
    with transaction.atomic():
        selection = _selection(entries)
        blocked = (
            selection.filter(logged_segment__canceled=True)
            .order_by("entry_no")
            .values_list("entry_no", "logged_segment__segment_no")
            .first()
        )
        if blocked is not None:
            raise ValidationError(
                {
                    "canceled": [
                        _(
                            "Interaction log entry %(entry_no)s belongs to logged "
                            "segment %(segment_no)s, which is canceled. Un-cancel "
                            "the logged segment first."
                        )
                        % {"entry_no": blocked[0], "segment_no": blocked[1]}
                    ]
                }
            )
        to_uncancel = lock_entries(selection.filter(canceled=True, postponed=False))
        entry_nos = _entry_nos(to_uncancel)
        changed = figures.affected_by(to_uncancel)
        count = to_uncancel.update(
            canceled=False,
            canceled_by=None,
            canceled_at=None,
            cancel_reason="",
            canceled_with_segment=False,
        )
        figures.recount(changed)
        if count:
            _audit_bulk(
                actor=actor,
                action="entry.uncancel",
                entry_nos=entry_nos,
                count=count,
                changes={"canceled": False},
            )
    return count


class SwitchIntent(intent.SwitchIntent):
    """What a "switch checkmark in Canceled" confirmation on entries showed
    (DOMAIN §6.2): keys are entry numbers, states are ``canceled``."""

    PURPOSE = "entry.switch_canceled"

    @classmethod
    def shown(cls, entries: Iterable[InteractionLogEntry]) -> Self:
        """The intent of a confirmation showing ``entries``."""
        return cls.of_states({entry.entry_no: entry.canceled for entry in entries})


def _state_word(canceled: bool) -> str:
    return str(_("canceled") if canceled else _("not canceled"))


def _check_switch_intent(
    selection: QuerySet[InteractionLogEntry], expected: SwitchIntent
) -> None:
    """Refuse (nothing changed) when the selection is not what was confirmed.

    The rows are locked first, so no other request changes them between this
    check and the update.
    """
    current = dict(
        selection.select_for_update()
        .order_by("entry_no")
        .values_list("entry_no", "canceled")
    )
    found = expected.differences(current)
    if found.already is not None:
        raise intent.changed_meanwhile(
            _(
                "Interaction log entry %(entry_no)s is already %(state)s. "
                "Switching the selection now would do the opposite of what "
                "was asked, so nothing was changed."
            )
            % {"entry_no": found.already, "state": _state_word(expected.target)}
        )
    if found.gone:
        raise intent.changed_meanwhile(
            _(
                "Interaction log entry %(entry_no)s no longer exists: it was "
                "deleted after the confirmation was shown. Nothing was changed."
            )
            % {"entry_no": found.gone[0]}
        )
    if found.changed:
        no = found.changed[0]
        raise intent.changed_meanwhile(
            _(
                "Interaction log entry %(entry_no)s was %(state)s by someone else "
                "after the confirmation was shown. Nothing was changed; check the "
                "selection and switch again."
            )
            % {"entry_no": no, "state": _state_word(current[no])}
        )


def switch_canceled(
    *,
    actor: Actor,
    entries: Selection,
    reason: str = "",
    expected: SwitchIntent | None = None,
) -> int:
    """NAV's "Switch Checkmark in Canceled" on a selection; return the count.

    Every selected entry gets the opposite of the *first* selected entry's
    state, the first being the lowest entry number (NAV's list order), so a
    mixed selection becomes uniformly canceled or uniformly un-canceled.

    ``expected`` is what the confirmation showed: the target state, and each
    entry's state as shown. When an entry changed or vanished meanwhile, or
    the first entry already has the target state, the switch is refused
    (:func:`~interactions_crm.platform.intent.changed_meanwhile`, HTTP 409 in
    the API) and nothing changes — it never does the opposite of what the
    confirmation said.
    """
    with transaction.atomic():
        selection = _selection(entries)
        if expected is not None:
            _check_switch_intent(selection, expected)
            target = expected.target
        else:
            first_canceled = (
                selection.order_by("entry_no")
                .values_list("canceled", flat=True)
                .first()
            )
            if first_canceled is None:
                return 0
            target = not first_canceled
        if target:
            return cancel_entries(actor=actor, entries=selection, reason=reason)
        return uncancel_entries(actor=actor, entries=selection)


def evaluate_entries(*, actor: Actor, entries: Selection, evaluation: str) -> int:
    """Set the evaluation of every selected entry, canceled ones too (§6.3).

    ``evaluation`` must be one of the five NAV values; postponed entries are
    not in the log and are skipped. Returns the number of entries updated.
    """
    if evaluation not in Evaluation.values or evaluation == Evaluation.BLANK:
        raise ValidationError(
            {
                "evaluation": [
                    _("“%(value)s” is not a valid evaluation.") % {"value": evaluation}
                ]
            }
        )
    with transaction.atomic():
        to_evaluate = lock_entries(_selection(entries).filter(postponed=False))
        entry_nos = _entry_nos(to_evaluate)
        count = to_evaluate.update(evaluation=evaluation)
        if count:
            _audit_bulk(
                actor=actor,
                action="entry.evaluate",
                entry_nos=entry_nos,
                count=count,
                changes={"evaluation": evaluation},
            )
    return count


def resend_active_entries(
    *, actor: Actor, entries: QuerySet[InteractionLogEntry]
) -> int:
    """Send the selected entries' e-mails again (DOMAIN §6.5); return how many.

    A canceled entry is never resent: the whole request is refused, naming
    it (code ``conflict``, HTTP 409), and nothing is sent. The entries are
    locked, so none is canceled between this check and the sending.
    """
    with transaction.atomic():
        locked = lock_entries(entries)
        canceled = (
            locked.filter(canceled=True)
            .order_by("entry_no")
            .values_list("entry_no", flat=True)
            .first()
        )
        if canceled is not None:
            raise ValidationError(
                {
                    "entries": [
                        ValidationError(
                            _(
                                "Interaction log entry %(entry_no)s is canceled; "
                                "a canceled entry is never sent again. Nothing "
                                "was sent."
                            )
                            % {"entry_no": canceled},
                            code="conflict",
                        )
                    ]
                }
            )
        return resend_entries(actor=actor, entries=locked)


# Deleting canceled entries moved to its own module; kept importable from here.
__all__ = [
    "AUDIT_ENTRY_SAMPLE",
    "ENTRY_TYPE",
    "FILTER_DATES",
    "FILTER_RELATIONS",
    "CanceledEntryFilter",
    "SwitchIntent",
    "cancel_entries",
    "canceled_entries_matching",
    "delete_canceled_entries",
    "deleted_message",
    "evaluate_entries",
    "resend_active_entries",
    "resume_delete_canceled_job",
    "run_delete_canceled",
    "start_delete_canceled_job",
    "switch_canceled",
    "uncancel_entries",
]

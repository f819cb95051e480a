"""Logged segments (DOMAIN §6.2, §6.5): cancel, un-cancel or delete them whole.

Canceling a logged segment cancels its entries with it (marked
``canceled_with_segment``), so un-canceling revives exactly those; deleting a
canceled logged segment unlinks its entries, which stay canceled.
"""

from dataclasses import dataclass
from typing import Any, Self

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interactions.models import InteractionLogEntry, LoggedSegment
from interactions.services import figures
from interactions.services.delivery import resend_entries
from interactions.services.outbox.enqueue import resendable
from interactions_crm.platform import intent
from interactions_crm.platform.actors import Actor, user_or_none
from interactions_crm.platform.audit import record_audit


def _logged_ids(logged_segments: QuerySet[LoggedSegment], **filters: Any) -> list[int]:
    """The selected logged segments' ids, locked (the selection may be annotated)."""
    selected = list(logged_segments.order_by().values_list("pk", flat=True))
    return list(
        LoggedSegment.objects.filter(pk__in=selected, **filters)
        .select_for_update()
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _audit_logged(actor: Actor, action: str, ids: list[int], **changes: Any) -> None:
    nos = list(
        LoggedSegment.objects.filter(pk__in=ids)
        .order_by("pk")
        .values_list("segment_no", flat=True)
    )
    record_audit(
        actor=actor,
        action=action,
        object_type=LoggedSegment._meta.label_lower,
        object_id=ids[0] if len(ids) == 1 else "",
        count=len(ids),
        changes={"segment_nos": nos, **changes},
    )


def cancel_logged_segments(
    *,
    actor: Actor,
    logged_segments: QuerySet[LoggedSegment],
    reason: str = "",
) -> int:
    """Cancel logged segments and all their entries; return segments canceled.

    Entries canceled here are marked ``canceled_with_segment`` so that
    un-canceling revives exactly them; entries canceled one by one before
    keep their own cancel record.
    """
    with transaction.atomic():
        ids = _logged_ids(logged_segments, canceled=False)
        if not ids:
            return 0
        to_cancel = InteractionLogEntry.objects.filter(
            logged_segment_id__in=ids, canceled=False, postponed=False
        )
        changed = figures.affected_by(to_cancel)
        entries = to_cancel.update(
            canceled=True,
            canceled_with_segment=True,
            canceled_by=user_or_none(actor),
            canceled_at=timezone.now(),
            cancel_reason=reason,
        )
        LoggedSegment.objects.filter(pk__in=ids).update(canceled=True)
        figures.recount(changed)
        _audit_logged(
            actor, "logged_segment.cancel", ids, entries=entries, reason=reason
        )
    return len(ids)


def uncancel_logged_segments(
    *, actor: Actor, logged_segments: QuerySet[LoggedSegment]
) -> int:
    """Un-cancel logged segments; revive only the entries their cancel canceled."""
    with transaction.atomic():
        ids = _logged_ids(logged_segments, canceled=True)
        if not ids:
            return 0
        to_revive = InteractionLogEntry.objects.filter(
            logged_segment_id__in=ids, canceled_with_segment=True
        )
        changed = figures.affected_by(to_revive)
        entries = to_revive.update(
            canceled=False,
            canceled_with_segment=False,
            canceled_by=None,
            canceled_at=None,
            cancel_reason="",
        )
        LoggedSegment.objects.filter(pk__in=ids).update(canceled=False)
        figures.recount(changed)
        _audit_logged(actor, "logged_segment.uncancel", ids, entries=entries)
    return len(ids)


class LoggedSwitchIntent(intent.SwitchIntent):
    """What a logged segments "switch checkmark" confirmation showed (§6.2):
    keys are logged segment ids, states are ``canceled``."""

    PURPOSE = "logged_segment.switch_canceled"

    @classmethod
    def shown(cls, logged_segments: list[LoggedSegment]) -> Self:
        return cls.of_states({row.pk: row.canceled for row in logged_segments})


def _check_logged_intent(
    logged_segments: QuerySet[LoggedSegment], expected: LoggedSwitchIntent
) -> None:
    """Refuse (nothing changed) when the selection is not what was confirmed."""
    current = dict(
        LoggedSegment.objects.filter(
            pk__in=list(logged_segments.order_by().values_list("pk", flat=True))
        )
        .select_for_update()
        .order_by("pk")
        .values_list("pk", "canceled")
    )
    found = expected.differences(current)
    if found.gone:
        raise intent.changed_meanwhile(
            _(
                "A selected logged segment no longer exists: it was deleted after "
                "the confirmation was shown. Nothing was changed."
            )
        )
    key = found.changed[0] if found.changed else found.already
    if key is not None:
        no = LoggedSegment.objects.filter(pk=key).values_list("segment_no", flat=True)
        raise intent.changed_meanwhile(
            _(
                "Logged segment %(no)s was switched by someone else after the "
                "confirmation was shown. Nothing was changed; check the "
                "selection and switch again."
            )
            % {"no": no.first() or key}
        )


def switch_canceled_logged_segments(
    *,
    actor: Actor,
    logged_segments: QuerySet[LoggedSegment],
    reason: str = "",
    expected: LoggedSwitchIntent | None = None,
) -> int:
    """NAV's "Switch Checkmark in Canceled": the opposite of the first one's state.

    ``expected`` is what the confirmation showed; when a selected logged
    segment changed or vanished meanwhile the switch is refused and nothing
    changes (never the opposite of what was confirmed).
    """
    with transaction.atomic():
        if expected is not None:
            _check_logged_intent(logged_segments, expected)
            target = expected.target
        else:
            first = (
                logged_segments.order_by("pk")
                .values_list("canceled", flat=True)
                .first()
            )
            if first is None:
                return 0
            target = not first
        if target:
            return cancel_logged_segments(
                actor=actor, logged_segments=logged_segments, reason=reason
            )
        return uncancel_logged_segments(actor=actor, logged_segments=logged_segments)


# --- Resend -------------------------------------------------------------------


@dataclass(frozen=True)
class ResendIntent:
    """What a resend confirmation named: the logged segments and the count of
    messages that go out (DOMAIN §6.5)."""

    logged_ids: tuple[int, ...]
    count: int

    PURPOSE = "logged_segment.resend"

    def seal(self) -> str:
        return intent.seal(
            purpose=self.PURPOSE,
            facts={"ids": list(self.logged_ids), "count": self.count},
        )

    @classmethod
    def unseal(cls, token: str) -> Self:
        facts = intent.unseal(token, purpose=cls.PURPOSE).facts
        try:
            return cls(
                logged_ids=tuple(int(pk) for pk in facts["ids"]),
                count=int(facts["count"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise intent.changed_meanwhile(
                _("The confirmation is not valid for this action.")
            ) from exc


def _resendable(ids: list[int]) -> QuerySet[InteractionLogEntry]:
    """The entries of logged segments ``ids`` that a resend sends."""
    return resendable(
        InteractionLogEntry.objects.filter(logged_segment_id__in=ids)
    ).order_by()


def _refuse_canceled(ids: list[int]) -> None:
    canceled = (
        LoggedSegment.objects.filter(pk__in=ids, canceled=True)
        .order_by("pk")
        .values_list("segment_no", flat=True)
        .first()
    )
    if canceled is not None:
        raise ValidationError(
            {
                "logged_segments": [
                    ValidationError(
                        _(
                            "Logged segment %(no)s is canceled; a canceled logged "
                            "segment is never resent. Nothing was sent."
                        )
                        % {"no": canceled},
                        code="conflict",
                    )
                ]
            }
        )


def preview_resend(*, logged_segments: QuerySet[LoggedSegment]) -> ResendIntent:
    """What a resend of ``logged_segments`` would send, for its confirmation.

    Refused when a selected logged segment is canceled, or nothing would go out.
    """
    ids = sorted(logged_segments.order_by().values_list("pk", flat=True))
    _refuse_canceled(ids)
    count = _resendable(ids).count()
    if not count:
        raise ValidationError({"logged_segments": [_("There is nothing to send.")]})
    return ResendIntent(logged_ids=tuple(ids), count=count)


def resend_logged_segments(*, actor: Actor, expected: ResendIntent) -> int:
    """Send the e-mails of the confirmed logged segments again; return how many.

    Only entries that are not canceled go out; a logged segment canceled since
    the confirmation, or a count that differs from the one confirmed, is
    refused and nothing is sent.
    """
    with transaction.atomic():
        ids = list(
            LoggedSegment.objects.filter(pk__in=expected.logged_ids)
            .select_for_update()
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if len(ids) != len(expected.logged_ids):
            raise intent.changed_meanwhile(
                _(
                    "A selected logged segment was deleted after the confirmation "
                    "was shown. Nothing was sent."
                )
            )
        _refuse_canceled(ids)
        entries = _resendable(ids)
        count = entries.count()
        if count != expected.count:
            raise intent.changed_meanwhile(
                _(
                    "%(confirmed)d messages were confirmed, but %(now)d would go "
                    "out now: the logged segments changed meanwhile. Nothing was "
                    "sent; resend again to see the new count."
                )
                % {"confirmed": expected.count, "now": count}
            )
        return resend_entries(actor=actor, entries=entries)


def delete_canceled_logged_segments(
    *, actor: Actor, logged_segments: QuerySet[LoggedSegment]
) -> int:
    """Delete the canceled ones among ``logged_segments``; return how many.

    Their entries are unlinked, not deleted: they stay canceled (and keep
    their segment number) and can be removed by deleting canceled entries.
    """
    with transaction.atomic():
        ids = _logged_ids(logged_segments, canceled=True)
        if not ids:
            return 0
        entries = InteractionLogEntry.objects.filter(logged_segment_id__in=ids).update(
            logged_segment=None, canceled_with_segment=False
        )
        _audit_logged(actor, "logged_segment.delete", ids, entries=entries)
        LoggedSegment.objects.filter(pk__in=ids).delete()
    return len(ids)

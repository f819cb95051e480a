"""The erasure: pseudonymise a contact, scrub its free text, keep the figures."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from contacts.models import Contact
from interactions.models import EntryComment, InteractionLogEntry
from interactions.services.privacy.registry import (
    ENTRY_TEXT_FIELDS,
    ERASE_ACTION,
    PERSONAL_FIELDS,
    ErasureScope,
    erasure_order,
)
from interactions_crm.platform.actors import Actor
from interactions_crm.platform.audit import record_audit


@dataclass(frozen=True)
class ErasureResult:
    """What an erasure scrubbed, by label; ``already_erased``: nothing was left."""

    contact_no: str
    counts: dict[str, int] = field(default_factory=dict)
    already_erased: bool = False

    @property
    def message(self) -> str:
        if self.already_erased:
            return str(
                _(
                    "Contact %(no)s was erased before; there was nothing left to "
                    "erase, and nothing was changed."
                )
                % {"no": self.contact_no}
            )
        return str(
            _("The personal data of contact %(no)s has been erased (%(counts)s).")
            % {"no": self.contact_no, "counts": describe_counts(self.counts)}
        )


COUNT_LABELS = {
    "contact_fields": _("contact fields"),
    "classification": _("classification rows"),
    "entries": _("entries' text"),
    "comments": _("comments"),
    "attachments": _("attachments"),
    "segment_lines": _("segment lines"),
    "audit_events": _("audit events"),
    "admin_log": _("admin log rows"),
    "api_replies": _("stored API replies"),
    "outbox_messages": _("e-mail messages"),
    "opt_out_events": _("opt-out events"),
    "suppressed_addresses": _("suppressed addresses"),
}


def labelled_counts(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    """``(translated label, count)`` for every non-zero count.

    A section registered elsewhere with a label not in :data:`COUNT_LABELS`
    shows its key.
    """
    return [
        (str(COUNT_LABELS.get(label, label)), count)
        for label, count in counts.items()
        if count
    ]


def describe_counts(counts: Mapping[str, int]) -> str:
    """ "3 entries' text, 2 comments, …" for a message (only non-zero counts)."""
    return ", ".join(
        f"{count} {label}" for label, count in labelled_counts(counts)
    ) or str(_("nothing"))


def _scope(contact: Contact) -> ErasureScope:
    values = {name: getattr(contact, name) for name in ("name", *PERSONAL_FIELDS)}
    entries = InteractionLogEntry.objects.filter(contact=contact)
    texts = [value for row in entries.values_list(*ENTRY_TEXT_FIELDS) for value in row]
    texts += EntryComment.objects.filter(entry__contact=contact).values_list(
        "text", flat=True
    )
    return ErasureScope(contact=contact, values=values, texts=tuple(texts))


def _refuse_company_with_persons(contact: Contact) -> None:
    persons = Contact.objects.filter(company=contact).count()
    if persons:
        raise ValidationError(
            ngettext(
                "Company %(no)s still has %(count)d person. Erase that person or "
                "move it to another company first; a company is erased only when "
                "no person belongs to it.",
                "Company %(no)s still has %(count)d persons. Erase those persons or "
                "move them to another company first; a company is erased only when "
                "no person belongs to it.",
                persons,
            )
            % {"no": contact.no, "count": persons},
            code="state",
        )


def _run_erasers(scope: ErasureScope, *, apply: bool) -> dict[str, int]:
    counts: dict[str, int] = {}
    for section in erasure_order():
        if section.eraser is not None:
            for label, count in section.eraser(scope, apply).items():
                counts[label] = counts.get(label, 0) + count
    return counts


def erasure_counts(*, contact: Contact) -> dict[str, int]:
    """What :func:`erase_contact` would scrub now, by label (changes nothing).

    Refused like the erasure for a company that still has persons.
    """
    contact = Contact.objects.get(pk=contact.pk)
    _refuse_company_with_persons(contact)
    return _run_erasers(_scope(contact), apply=False)


def erase_contact(
    *,
    actor: Actor,
    contact: Contact,
    expected_counts: Mapping[str, int] | None = None,
) -> ErasureResult:
    """Pseudonymise ``contact`` and scrub its free text; one audit event.

    ``expected_counts`` are the counts a confirmation showed: if what would be
    scrubbed differs now (someone added a comment meanwhile), nothing is done
    and the erasure is refused, so it never does more than was confirmed.
    Refused for a company that still has persons. Erasing an erased contact
    again changes nothing and says so (``already_erased``).
    """
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        _refuse_company_with_persons(contact)
        scope = _scope(contact)
        counts = _run_erasers(scope, apply=False)
        if expected_counts is not None and dict(expected_counts) != counts:
            raise ValidationError(
                _(
                    "What would be erased for contact %(no)s changed since the "
                    "confirmation was shown (now: %(counts)s). Nothing was erased; "
                    "check the new counts and confirm again."
                )
                % {"no": contact.no, "counts": describe_counts(counts)},
                code="conflict",
            )
        if not any(counts.values()):
            return ErasureResult(contact_no=contact.no, already_erased=True)
        done = _run_erasers(scope, apply=True)
        record_audit(
            actor=actor,
            action=ERASE_ACTION,
            obj=contact,
            count=1,
            changes={"no": contact.no, "counts": done},
        )
    return ErasureResult(contact_no=contact.no, counts=done)

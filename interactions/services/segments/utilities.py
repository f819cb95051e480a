"""Segment utilities (NAV segment page, §11.4): Apply Mailing Group.

NAV's "Apply Mailing Group" (report 5184) makes the segment's contacts
members of a mailing group, optionally removing the group's other members
first. Set-based: one ``INSERT … SELECT`` for the new members, one DELETE for
the removed ones, whatever the number of lines.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils.translation import ngettext

from contacts.models import Contact, MailingGroup
from interactions.models import Segment
from interactions.services.segments.worksheet import lock_segment
from interactions.services.sql import insert_from_select
from interactions_crm.platform.actors import Actor
from interactions_crm.platform.audit import record_audit


@dataclass(frozen=True)
class MailingGroupOutcome:
    """What applying a mailing group did: members added, already there, removed."""

    mailing_group: str
    added: int = 0
    already_members: int = 0
    removed: int = 0

    def as_data(self) -> dict[str, int | str]:
        return {
            "mailing_group": self.mailing_group,
            "added": self.added,
            "already_members": self.already_members,
            "removed": self.removed,
        }

    def message(self) -> str:
        """One sentence per figure that applies, the first always present."""
        sentences = [
            ngettext(
                "%(count)d contact has been added to mailing group %(code)s.",
                "%(count)d contacts have been added to mailing group %(code)s.",
                self.added,
            )
            % {"count": self.added, "code": self.mailing_group}
        ]
        if self.already_members:
            sentences.append(
                ngettext(
                    "%(count)d contact already was a member.",
                    "%(count)d contacts already were members.",
                    self.already_members,
                )
                % {"count": self.already_members}
            )
        if self.removed:
            sentences.append(
                ngettext(
                    "%(count)d other member has been removed from it.",
                    "%(count)d other members have been removed from it.",
                    self.removed,
                )
                % {"count": self.removed}
            )
        return " ".join(sentences)


def apply_mailing_group(
    *,
    segment: Segment,
    actor: Actor,
    mailing_group: MailingGroup,
    remove_others: bool = False,
) -> MailingGroupOutcome:
    """Make every contact of the segment's lines a member of ``mailing_group``.

    With ``remove_others`` (NAV: "Remove Existing Contact Mailing Group")
    the group's members that are not in the segment stop being members
    first. A contact on several lines is added once. The segment itself is
    not changed. One audit event with the counts.
    """
    membership = Contact.mailing_groups.through
    with transaction.atomic():
        segment = lock_segment(segment)
        in_segment = segment.lines.values("contact_id")
        members = membership.objects.filter(mailinggroup=mailing_group)
        removed = 0
        if remove_others:
            removed, _by_model = members.exclude(contact_id__in=in_segment).delete()
        already = members.filter(contact_id__in=in_segment).count()
        new_members = (
            Contact.objects.filter(pk__in=in_segment)
            .exclude(pk__in=members.values("contact_id"))
            .order_by()
        )
        added = insert_from_select(
            membership,
            {"contact": F("pk"), "mailinggroup": mailing_group.pk},
            new_members,
        )
        outcome = MailingGroupOutcome(
            mailing_group=mailing_group.code,
            added=added,
            already_members=already,
            removed=removed,
        )
        record_audit(
            actor=actor,
            action="segment.apply_mailing_group",
            obj=segment,
            count=max(added + removed, 1),
            changes={**outcome.as_data(), "remove_others": remove_others},
        )
    return outcome


__all__ = ["MailingGroupOutcome", "apply_mailing_group"]

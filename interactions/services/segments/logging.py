"""Logging a segment (DOMAIN §5 "Log segment"): lines become log entries.

:func:`log_segment` checks every line (DOMAIN §4.2) with one aggregate query,
then inserts all entries with one ``INSERT … SELECT`` from the lines, all or
nothing, and deletes the segment. Segments too large for a request are logged
by the task worker (:func:`start_log_segment_job`, runner
:func:`run_log_segment`) with the same service.
"""

from collections.abc import Callable
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from contacts.models import Contact, CorrespondenceType
from interactions.models import (
    LINE_TO_ENTRY_FIELDS,
    Attachment,
    DeliveryStatus,
    InteractionLogEntry,
    LoggedSegment,
    Segment,
    SegmentLine,
    TemplateContent,
    WizardAction,
)
from interactions.selectors.segments import logged_segment_entries
from interactions.services import figures
from interactions.services.defaults import round_up_to_minute
from interactions.services.delivery import deliver_on_commit
from interactions.services.jobs import JobKind
from interactions.services.segments.content import (
    LineKey,
    SentContentPlan,
    line_groups,
    plan_sent_content,
    record_per_entry_content,
)
from interactions.services.segments.criteria import add_logged_segment_contacts
from interactions.services.segments.header import insert_segment
from interactions.services.segments.worksheet import lock_segment
from interactions.services.sql import (
    concrete_field,
    insert_from_select,
    typed_value,
    with_model_defaults,
)
from interactions_crm.platform import jobs
from interactions_crm.platform.actors import Actor, user_or_none
from interactions_crm.platform.audit import record_audit
from interactions_crm.platform.models import BackgroundJob
from interactions_crm.platform.validation import FieldErrors

#: How many offending contacts a refusal message names.
NAMED_CONTACTS = 5


def _contact_names(lines: QuerySet[SegmentLine], count: int) -> str:
    """The first offending lines' contact numbers, "…" when there are more."""
    nos = lines.order_by("id").values_list("contact__no", flat=True)
    named = ", ".join(nos[:NAMED_CONTACTS])
    return f"{named} …" if count > NAMED_CONTACTS else named


def _has_content(segment: Segment) -> Q:
    """Q over lines whose template has content in the line's (or default) language.

    Mirrors :func:`~interactions.services.defaults.select_content`; the header's
    own attachment counts as content for lines on the header template.
    """
    content = Exists(
        TemplateContent.objects.filter(template_id=OuterRef("template_id")).filter(
            Q(language=OuterRef("language"))
            | Q(language=OuterRef("template__language"))
        )
    )
    condition = Q(content)
    if segment.attachment_id and segment.template_id:
        condition |= Q(template_id=segment.template_id)
    return condition


def would_get_email(segment: Segment) -> Q:
    """Q over lines whose contact gets e-mail when sending (DOMAIN §4.1, §5).

    A line with e-mail correspondence, or a blank one that is blank only
    because the contact has no address (the §4.1 fallback): the header's
    type when it overrides the contact's preference, else the template's when
    it ignores the preference or the contact has none, else the contact's.
    Sending never silently falls back for these lines.
    """
    email = CorrespondenceType.EMAIL
    if segment.ignore_contact_correspondence_type:
        intended = Q(pk__isnull=segment.correspondence_type != email)
    else:
        by_template = Q(template__correspondence_type=email) & (
            Q(template__ignore_contact_correspondence_type=True)
            | Q(contact__correspondence_type="")
        )
        by_contact = Q(template__ignore_contact_correspondence_type=False) & Q(
            contact__correspondence_type=email
        )
        intended = by_template | by_contact
    fallback = Q(correspondence_type=CorrespondenceType.BLANK, contact__email="")
    return Q(correspondence_type=email) | (fallback & intended)


class _Check(NamedTuple):
    """One DOMAIN §4.2 check: the field it refuses, its lines, its message.

    ``lines`` is the condition of the failing lines; with ``without_content``
    only those of them whose template has no content in their language fail
    (:func:`_has_content`). That part is decided per group of lines (template
    and language, :func:`_missing_content`), not by a subquery per line.
    The message takes ``count`` (the number of failing lines, which also
    picks the plural form) and ``contacts`` (the first ones, named).
    """

    field: str
    lines: Q
    message: Any
    without_content: bool = False

    def failing(self, segment: Segment) -> Q:
        """Q over the failing lines (to name them)."""
        if self.without_content:
            return self.lines & ~_has_content(segment)
        return self.lines


def _line_checks(segment: Segment, send: bool) -> list[_Check]:
    """DOMAIN §4.2 per line, in the order the messages are given."""
    checks = [
        _Check(
            "template",
            Q(template__isnull=True),
            ngettext_lazy(
                "%(count)d line has no interaction template: %(contacts)s.",
                "%(count)d lines have no interaction template: %(contacts)s.",
                "count",
            ),
        ),
        _Check(
            "salesperson",
            Q(salesperson__isnull=True),
            ngettext_lazy(
                "%(count)d line has no salesperson: %(contacts)s.",
                "%(count)d lines have no salesperson: %(contacts)s.",
                "count",
            ),
        ),
        _Check(
            "salesperson",
            Q(salesperson__blocked=True),
            ngettext_lazy(
                "%(count)d line has a blocked salesperson: %(contacts)s.",
                "%(count)d lines have a blocked salesperson: %(contacts)s.",
                "count",
            ),
        ),
        _Check(
            "contact",
            # A semi-join on the few blocked contacts (one hashed subquery),
            # not a join of every line with its contact.
            Q(contact__in=Contact.objects.filter(privacy_blocked=True).values("pk")),
            ngettext_lazy(
                "%(count)d contact is privacy blocked: %(contacts)s.",
                "%(count)d contacts are privacy blocked: %(contacts)s.",
                "count",
            ),
        ),
        _Check(
            "description",
            Q(description=""),
            ngettext_lazy(
                "%(count)d line has no description: %(contacts)s.",
                "%(count)d lines have no description: %(contacts)s.",
                "count",
            ),
        ),
        _Check(
            "template",
            Q(template__wizard_action=WizardAction.OPEN),
            ngettext_lazy(
                "%(count)d line's template opens content it does not have: "
                "%(contacts)s.",
                "%(count)d lines' templates open content they do not have: "
                "%(contacts)s.",
                "count",
            ),
            without_content=True,
        ),
    ]
    if send:
        checks += [
            _Check(
                "correspondence_type",
                would_get_email(segment) & Q(contact__email=""),
                ngettext_lazy(
                    "%(count)d contact has no e-mail address to send to: %(contacts)s.",
                    "%(count)d contacts have no e-mail address to send to: "
                    "%(contacts)s.",
                    "count",
                ),
            ),
            _Check(
                "correspondence_type",
                Q(correspondence_type=CorrespondenceType.EMAIL),
                ngettext_lazy(
                    "%(count)d e-mail line has no content to send: %(contacts)s.",
                    "%(count)d e-mail lines have no content to send: %(contacts)s.",
                    "count",
                ),
                without_content=True,
            ),
        ]
    return checks


def _missing_content(
    segment: Segment, template_ids: set[int]
) -> Callable[[int | None, str], bool]:
    """Whether lines on (template, language) lack content: :func:`_has_content`
    in Python, for groups of lines, from one read of the templates' contents."""
    contents = TemplateContent.objects.filter(template_id__in=template_ids)
    found: dict[int, set[str]] = {}
    defaults: dict[int, str] = {}
    for template_id, language, default in contents.values_list(
        "template_id", "language", "template__language"
    ):
        found.setdefault(template_id, set()).add(language)
        defaults[template_id] = default
    header = segment.template_id if segment.attachment_id else None

    def missing(template_id: int | None, language: str) -> bool:
        if template_id is None:
            return True
        if header is not None and template_id == header:
            return False
        languages = found.get(template_id, set())
        return language not in languages and defaults.get(template_id) not in languages

    return missing


def _failing_counts(
    checks: list[_Check], groups: list[dict[str, Any]], segment: Segment
) -> list[int]:
    """Each check's failing lines, summed over the groups of lines.

    A ``without_content`` check counts its lines only in groups lacking
    content; the templates' contents are read only when such lines exist.
    """
    counts = [0] * len(checks)
    pending = []
    for index, check in enumerate(checks):
        for group in groups:
            if not group[f"check_{index}"]:
                continue
            if check.without_content:
                pending.append((index, group))
            else:
                counts[index] += group[f"check_{index}"]
    if pending:
        missing = _missing_content(
            segment, {group["template_id"] for _index, group in pending} - {None}
        )
        for index, group in pending:
            if missing(group["template_id"], group["language"]):
                counts[index] += group[f"check_{index}"]
    return counts


def _validate_for_logging(segment: Segment, send: bool) -> list[LineKey]:
    """Refuse logging (nothing written) with a message per field.

    One read of the lines, grouped by what the content plan needs (template,
    language, personalised subject: :func:`~.content.line_groups`), counts the
    lines of each check per group (:func:`_failing_counts`); only when some
    fail are the first offending contacts looked up to name them. Returns the
    groups' keys, so planning the content needs no second read of the lines.
    """
    if LoggedSegment.objects.filter(segment_no=segment.no).exists():
        raise ValidationError(
            {"no": [_("Segment %(no)s has already been logged.") % {"no": segment.no}]}
        )
    checks = _line_checks(segment, send)
    groups = list(
        line_groups(segment).annotate(
            **{
                f"check_{index}": Count("id", filter=check.lines)
                for index, check in enumerate(checks)
            },
        )
    )
    errors: FieldErrors = {}
    if not segment.description:
        errors["description"] = [
            _("You must fill in the description of the segment to log it.")
        ]
    if not groups:
        errors["lines"] = [_("Segment %(no)s is empty.") % {"no": segment.no}]
    counts = _failing_counts(checks, groups, segment)
    for check, count in zip(checks, counts, strict=True):
        if count:
            names = _contact_names(segment.lines.filter(check.failing(segment)), count)
            errors.setdefault(check.field, []).append(
                check.message % {"count": count, "contacts": names}
            )
    if errors:
        raise ValidationError(errors)
    return [LineKey(*(group[name] for name in LineKey._fields)) for group in groups]


def _entry_value(name: str, value: Any) -> Value:
    """``value`` as a constant typed like the entry's field ``name``."""
    return typed_value(value, concrete_field(InteractionLogEntry, name))


def _entry_columns(
    *,
    segment: Segment,
    logged: LoggedSegment,
    actor: Actor,
    send: bool,
    content: SentContentPlan,
) -> dict[str, Any]:
    """Every entry column as an expression over the segment's lines.

    Content that is the same for every contact is linked (attachment and
    subject sent) here; ``content`` says which lines get it.
    """
    now = timezone.now()
    # The line's values (date and subject are overridden below).
    columns: dict[str, Any] = {
        entry_field: F(concrete_field(SegmentLine, line_field).attname)
        for line_field, entry_field in LINE_TO_ENTRY_FIELDS.items()
    }
    user = user_or_none(actor)
    columns |= {
        "date": Coalesce(F("date"), _entry_value("date", timezone.localdate(now))),
        "time": _entry_value("time", round_up_to_minute(timezone.localtime(now))),
        # NAV: the subject is the description unless the line has one; the
        # content's subject when it was sent from shared content.
        "subject": content.subject(
            Case(
                When(subject="", then=F("description")),
                default=F("subject"),
                output_field=models.CharField(),
            )
        ),
        "group": F("template__group_id"),
        "delivery_status": Case(
            When(
                correspondence_type=CorrespondenceType.EMAIL,
                then=Value(DeliveryStatus.IN_PROGRESS),
            ),
            default=Value(DeliveryStatus.BLANK),
            output_field=models.CharField(),
        )
        if send
        else DeliveryStatus.BLANK,
        "segment_no": segment.no,
        "logged_segment": logged.pk,
        # The content actually sent: shared here, or stored per entry afterwards.
        "attachment": content.attachment,
        "logged_by": user.pk if user is not None else None,
        "created_at": _entry_value("created_at", now),
    }
    # Every other column (document fields, cancel fields, postponed …) gets
    # its model default.
    return with_model_defaults(InteractionLogEntry, columns)


def log_segment(
    *,
    segment: Segment,
    actor: Actor,
    send: bool = False,
    follow_up: bool = False,
) -> LoggedSegment:
    """Log the segment: one interaction log entry per line, all or nothing.

    Refused, with a message per field and nothing written, when the segment
    was logged before, has no description, is empty, or a line fails DOMAIN
    §4.2. Otherwise one transaction creates the logged segment, inserts all
    entries with one ``INSERT … SELECT`` from the lines (values copied from
    the line, group from its template), stores the content sent read-only
    (content without merge fields once, shared by its entries), deletes
    the segment and, with ``follow_up``, creates "Follow-up on segment X" with
    the same contacts. With ``send``, lines with e-mail correspondence are
    e-mailed after commit and each entry's delivery status records the result.
    One audit event.
    """
    with transaction.atomic():
        segment = lock_segment(segment)
        keys = _validate_for_logging(segment, send)
        logged = LoggedSegment.objects.create(
            segment_no=segment.no,
            description=segment.description,
            date=timezone.localdate(),
            logged_by=user_or_none(actor),
        )
        content = plan_sent_content(segment, keys)
        columns = _entry_columns(
            segment=segment, logged=logged, actor=actor, send=send, content=content
        )
        inserted = insert_from_select(
            InteractionLogEntry, columns, segment.lines.order_by("id")
        )
        # The contact card's maintained figures: one set-based statement.
        figures.add_logged_segment(logged.pk)
        record_per_entry_content(logged=logged, plan=content)
        if segment.attachment_id:
            Attachment.objects.filter(pk=segment.attachment_id).update(read_only=True)
        segment.delete()
        follow_up_no = ""
        if follow_up:
            follow_up_no = _create_follow_up(segment, logged, actor).no
        record_audit(
            actor=actor,
            action="segment.log",
            obj=logged,
            count=inserted,
            changes={
                "segment_no": logged.segment_no,
                "entries": inserted,
                "send": send,
                "follow_up": follow_up_no,
            },
        )
        if send:
            deliver_on_commit(
                list(
                    logged.entries.filter(
                        delivery_status=DeliveryStatus.IN_PROGRESS
                    ).values_list("entry_no", flat=True)
                )
            )
    return logged


def start_log_segment_job(
    *,
    actor: Actor,
    segment: Segment,
    send: bool = False,
    follow_up: bool = False,
) -> BackgroundJob:
    """Queue :func:`log_segment` for the task worker and return its job.

    For segments too large to log within a request; the worker logs the
    segment with the same service, so every rule and refusal is the same as
    logging it directly.
    """
    return jobs.start_job(
        kind=JobKind.LOG_SEGMENT,
        actor=actor,
        params={"segment_no": segment.no, "send": send, "follow_up": follow_up},
        total=segment.lines.count(),
    )


def run_log_segment(job: BackgroundJob, progress: jobs.Progress) -> jobs.JobOutcome:
    """The job runner: log the segment (all or nothing) and name the result.

    A refusal (``ValidationError``) marks the job failed with its messages.
    """
    params = job.params
    segment = Segment.objects.filter(no=params["segment_no"]).first()
    if segment is None:
        raise ValidationError(_("The segment does not exist any more."))
    logged = log_segment(
        segment=segment,
        actor=job.actor,
        send=params.get("send", False),
        follow_up=params.get("follow_up", False),
    )
    created = logged_segment_entries(logged).count()
    message = ngettext(
        "Segment %(no)s has been logged: %(count)d interaction log entry created.",
        "Segment %(no)s has been logged: %(count)d interaction log entries created.",
        created,
    ) % {"no": logged.segment_no, "count": created}
    return jobs.JobOutcome(
        done=created,
        message=message,
        result={"logged_segment": logged.pk, "segment_no": logged.segment_no},
    )


def _create_follow_up(segment: Segment, logged: LoggedSegment, actor: Actor) -> Segment:
    """NAV step 7: same campaign, "Follow-up on segment X", the same contacts."""
    description = str(_("Follow-up on segment %(no)s") % {"no": segment.no})
    follow_up = insert_segment(
        actor=actor,
        description=description[: concrete_field(Segment, "description").max_length],
        campaign=segment.campaign,
        salesperson=segment.salesperson,
    )
    add_logged_segment_contacts(follow_up, actor, logged)
    return follow_up

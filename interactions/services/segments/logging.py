"""Logging a segment (DOMAIN §5 "Log segment"): lines become log entries.

:func:`log_segment` checks every line (DOMAIN §4.2) with one aggregate query,
then inserts all entries with one ``INSERT … SELECT`` from the lines, all or
nothing, and deletes the segment. Segments too large for a request are logged
by the task worker (:func:`start_log_segment_job`, runner
:func:`run_log_segment`) with the same service.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from contacts.models import CorrespondenceType
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
    SentContentPlan,
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


def _line_checks(segment: Segment, send: bool) -> list[tuple[str, Q, Any]]:
    """DOMAIN §4.2 per line: (field, condition of failing lines, message).

    Each message takes ``count`` (the number of failing lines, which also
    picks the plural form) and ``contacts`` (the first ones, named).
    """
    checks = [
        (
            "template",
            Q(template__isnull=True),
            ngettext_lazy(
                "%(count)d line has no interaction template: %(contacts)s.",
                "%(count)d lines have no interaction template: %(contacts)s.",
                "count",
            ),
        ),
        (
            "salesperson",
            Q(salesperson__isnull=True),
            ngettext_lazy(
                "%(count)d line has no salesperson: %(contacts)s.",
                "%(count)d lines have no salesperson: %(contacts)s.",
                "count",
            ),
        ),
        (
            "salesperson",
            Q(salesperson__blocked=True),
            ngettext_lazy(
                "%(count)d line has a blocked salesperson: %(contacts)s.",
                "%(count)d lines have a blocked salesperson: %(contacts)s.",
                "count",
            ),
        ),
        (
            "contact",
            Q(contact__privacy_blocked=True),
            ngettext_lazy(
                "%(count)d contact is privacy blocked: %(contacts)s.",
                "%(count)d contacts are privacy blocked: %(contacts)s.",
                "count",
            ),
        ),
        (
            "description",
            Q(description=""),
            ngettext_lazy(
                "%(count)d line has no description: %(contacts)s.",
                "%(count)d lines have no description: %(contacts)s.",
                "count",
            ),
        ),
        (
            "template",
            Q(template__wizard_action=WizardAction.OPEN) & ~_has_content(segment),
            ngettext_lazy(
                "%(count)d line's template opens content it does not have: "
                "%(contacts)s.",
                "%(count)d lines' templates open content they do not have: "
                "%(contacts)s.",
                "count",
            ),
        ),
    ]
    if send:
        email = Q(correspondence_type=CorrespondenceType.EMAIL)
        checks += [
            (
                "correspondence_type",
                would_get_email(segment) & Q(contact__email=""),
                ngettext_lazy(
                    "%(count)d contact has no e-mail address to send to: %(contacts)s.",
                    "%(count)d contacts have no e-mail address to send to: "
                    "%(contacts)s.",
                    "count",
                ),
            ),
            (
                "correspondence_type",
                email & ~_has_content(segment),
                ngettext_lazy(
                    "%(count)d e-mail line has no content to send: %(contacts)s.",
                    "%(count)d e-mail lines have no content to send: %(contacts)s.",
                    "count",
                ),
            ),
        ]
    return checks


def _validate_for_logging(segment: Segment, send: bool) -> None:
    """Refuse logging (nothing written) with a message per field.

    One aggregate query counts the lines failing each check; only when some
    fail are the first offending contacts looked up to name them.
    """
    if LoggedSegment.objects.filter(segment_no=segment.no).exists():
        raise ValidationError(
            {"no": [_("Segment %(no)s has already been logged.") % {"no": segment.no}]}
        )
    checks = _line_checks(segment, send)
    counts = segment.lines.aggregate(
        lines=Count("id"),
        **{
            f"check_{index}": Count("id", filter=condition)
            for index, (_field, condition, _message) in enumerate(checks)
        },
    )
    errors: FieldErrors = {}
    if not segment.description:
        errors["description"] = [
            _("You must fill in the description of the segment to log it.")
        ]
    if not counts["lines"]:
        errors["lines"] = [_("Segment %(no)s is empty.") % {"no": segment.no}]
    for index, (field, condition, message) in enumerate(checks):
        count = counts[f"check_{index}"]
        if count:
            names = _contact_names(segment.lines.filter(condition), count)
            errors.setdefault(field, []).append(
                message % {"count": count, "contacts": names}
            )
    if errors:
        raise ValidationError(errors)


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
        _validate_for_logging(segment, send)
        logged = LoggedSegment.objects.create(
            segment_no=segment.no,
            description=segment.description,
            date=timezone.localdate(),
            logged_by=user_or_none(actor),
        )
        content = plan_sent_content(segment)
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

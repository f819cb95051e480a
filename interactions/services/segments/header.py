"""Segment headers (DOMAIN §5): create, change (and propagate), delete.

A segment is a worksheet: a header with the interaction settings shared by all
lines, and one line per contact. Which header fields exist, which a chosen
template fills and which line fields a header change re-derives is declared
once in :mod:`interactions.models.values`.
"""

import copy
import operator
from collections.abc import Iterable
from functools import reduce
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet, Value
from django.db.models.expressions import BaseExpression
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contacts.services import next_number
from interactions.models import (
    HEADER_FIELDS,
    HEADER_TO_LINE_FIELDS,
    LINE_TEMPLATE_FIELDS,
    TEMPLATE_HEADER_FALLBACK_FIELDS,
    TEMPLATE_HEADER_FIELDS,
    InteractionTemplate,
    Segment,
    SegmentLine,
)
from interactions.models.segments import SegmentContent
from interactions.selectors.segments import lines_on_header_template
from interactions.services.defaults import proposed_salesperson
from interactions.services.segments.lines import line_expressions, rederive_lines
from interactions.services.segments.worksheet import (
    check_fields,
    field_changes,
    lock_segment,
)
from interactions.services.sql import concrete_field
from interactions_crm.platform.actors import Actor, user_or_none
from interactions_crm.platform.audit import record_audit
from interactions_crm.platform.validation import FieldErrors

SEGMENT_SERIES = "SEGMENT"


def _attname(model: type[Segment] | type[InteractionTemplate], name: str) -> str:
    """The attribute holding field ``name``'s value (a foreign key's id)."""
    return concrete_field(model, name).attname


def _apply_template(
    segment: Segment, template: InteractionTemplate | None, given: Iterable[str]
) -> None:
    """Copy the template's settings to the header, except fields given explicitly.

    Fallback values (the campaign) are copied only when the header has none.
    """
    if template is None:
        return
    copied = {**TEMPLATE_HEADER_FIELDS}
    for header_field, template_field in TEMPLATE_HEADER_FALLBACK_FIELDS.items():
        if getattr(segment, _attname(Segment, header_field)) is None:
            copied[header_field] = template_field
    for header_field, template_field in copied.items():
        if header_field not in given:
            setattr(
                segment,
                _attname(Segment, header_field),
                getattr(template, _attname(InteractionTemplate, template_field)),
            )


def template_header_values(
    segment: Segment, template: InteractionTemplate
) -> dict[str, Any]:
    """The header values choosing ``template`` gives ``segment`` (nothing saved).

    For pages that show a template's defaults as soon as it is chosen; the
    values are model instances / plain values by header field name.
    """
    preview = copy.copy(segment)
    preview.template = template
    _apply_template(preview, template, ())
    names = {*TEMPLATE_HEADER_FIELDS, *TEMPLATE_HEADER_FALLBACK_FIELDS}
    return {name: getattr(preview, name) for name in names}


def _validate_header(segment: Segment) -> None:
    """Refuse an invalid header (or a blocked salesperson) with field messages."""
    errors: FieldErrors = {}
    try:
        segment.full_clean(exclude=["no", "created_by", "attachment"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors[field] = [*messages]
    if segment.salesperson is not None and segment.salesperson.blocked:
        errors.setdefault("salesperson", []).append(
            ValidationError(  # a key that may not be used: the API answers 422
                _("Salesperson %(code)s is blocked.")
                % {"code": segment.salesperson.code},
                code="unprocessable",
            )
        )
    if errors:
        raise ValidationError(errors)


def insert_segment(*, actor: Actor, **header: Any) -> Segment:
    """Create a segment without auditing (callers record the event)."""
    check_fields(header, HEADER_FIELDS, "segment header")
    segment = Segment(created_by=user_or_none(actor), **header)
    if "date" not in header:
        segment.date = timezone.localdate()
    if "salesperson" not in header:
        segment.salesperson = proposed_salesperson(actor)
    _apply_template(segment, header.get("template"), header)
    _validate_header(segment)
    segment.no = next_number(series_code=SEGMENT_SERIES)
    segment.save()
    if segment.template is not None:
        copy_template_contents(segment, replace=False)
    return segment


def copy_template_contents(segment: Segment, *, replace: bool = True) -> None:
    """Replace the segment's content by its template's, language by language.

    DOMAIN §5: choosing a template copies its content (subject + body per
    language) onto the segment, to be edited there for this mailing.
    ``replace=False`` for a new segment, which has none yet.
    """
    if replace:
        segment.contents.all().delete()
    if segment.template is None:
        return
    SegmentContent.objects.bulk_create(
        SegmentContent(
            segment=segment,
            language=content.language,
            subject=content.subject,
            body=content.body,
        )
        for content in segment.template.contents.all()
    )


def set_segment_content(
    *, actor: Actor, segment: Segment, language: str, subject: str, body: str
) -> SegmentContent:
    """Create or change the segment's content in ``language`` (not the template's)."""
    with transaction.atomic():
        segment = lock_segment(segment)
        content, created = SegmentContent.objects.update_or_create(
            segment=segment,
            language=language,
            defaults={"subject": subject, "body": body},
        )
        record_audit(
            actor=actor,
            action="segment.set_content",
            obj=segment,
            changes={"language": language, "subject": subject, "created": created},
        )
    return content


def create_segment(*, actor: Actor, **header: Any) -> Segment:
    """Create a segment header with the next number of the SEGMENT series.

    ``header`` takes the fields in :data:`HEADER_FIELDS` (model instances for
    salesperson, campaign, template). Date defaults to today, salesperson to
    the actor's; a template fills the header's template settings (cost,
    duration, flow, correspondence type, language, campaign if none) unless
    given explicitly.
    """
    with transaction.atomic():
        segment = insert_segment(actor=actor, **header)
        record_audit(
            actor=actor,
            action="segment.create",
            obj=segment,
            changes={"no": segment.no, **field_changes(segment, header)},
        )
    return segment


def update_segment_header(
    *,
    actor: Actor,
    segment: Segment,
    update_lines: bool = False,
    **fields: Any,
) -> Segment:
    """Change header fields; with ``update_lines`` also the lines they apply to.

    Choosing another template re-applies its settings to the header (except
    fields given in the same call: a value set in the same change wins).
    With ``update_lines`` a line follows a changed field only where it still
    holds the header's *previous* value for it (DOMAIN §5): lines on the
    previous header template (:func:`lines_on_header_template`) whose value
    is the one the previous header gave — a line personalised with another
    template, or another value, keeps it. Clearing the campaign clears
    campaign target/response unless given.
    """
    check_fields(fields, HEADER_FIELDS, "segment header")
    with transaction.atomic():
        segment = lock_segment(segment)
        previous = copy.copy(segment)
        before = {name: getattr(segment, name) for name in HEADER_FIELDS}
        lines_before = lines_on_header_template(segment)
        for name, value in fields.items():
            setattr(segment, name, value)
        template_changed = before["template"] != segment.template
        if template_changed:
            _apply_template(segment, segment.template, fields)
        if (
            "campaign" in fields
            and segment.campaign is None
            and before["campaign"] is not None
        ):
            for flag in ("campaign_target", "campaign_response"):
                if flag not in fields:
                    setattr(segment, flag, False)
        changed = [
            name for name in HEADER_FIELDS if getattr(segment, name) != before[name]
        ]
        _validate_header(segment)
        segment.save()
        if template_changed:
            copy_template_contents(segment)
        updated = 0
        if update_lines and changed:
            updated = _propagate(
                segment=segment,
                previous=previous,
                actor=actor,
                changed=changed,
                lines=lines_before,
            )
        if changed:
            record_audit(
                actor=actor,
                action="segment.update",
                obj=segment,
                count=max(updated, 1),
                changes={
                    **field_changes(segment, changed),
                    "lines_updated": updated,
                },
            )
    return segment


def _constant(value: Any) -> tuple[bool, Any]:
    """``(True, python value)`` for a contact-independent line value."""
    if isinstance(value, Value):
        return True, value.value
    if isinstance(value, BaseExpression):
        return False, None
    return True, value


def _propagate(
    *,
    segment: Segment,
    previous: Segment,
    actor: Actor,
    changed: Iterable[str],
    lines: QuerySet[SegmentLine],
) -> int:
    """Move the lines that still hold the previous header's values; the count.

    ``lines`` are those on the previous header template. Per changed line
    field, a line follows when its value is the one the previous header
    gave a new line; fields that depend on the contact (correspondence type,
    language, a salesperson fallback) follow on every such line. The
    template moves last, since ``lines`` is defined by it.
    """
    line_fields = {
        line_field
        for name in changed
        for line_field in HEADER_TO_LINE_FIELDS.get(name, ())
    }
    if "template" in changed:
        line_fields |= {"template", *LINE_TEMPLATE_FIELDS}
    old_values = line_expressions(previous, actor)
    conditions: list[tuple[str, Q]] = []
    for line_field in sorted(line_fields, key=lambda name: name == "template"):
        is_constant, old = _constant(old_values[line_field])
        attname = concrete_field(SegmentLine, line_field).attname
        conditions.append((line_field, Q(**{attname: old}) if is_constant else Q()))
    if not conditions:
        return 0
    touched = lines.filter(reduce(operator.or_, (q for _f, q in conditions))).count()
    for line_field, condition in conditions:
        rederive_lines(segment, actor, lines.filter(condition), [line_field])
    return touched


def delete_segment(*, actor: Actor, segment: Segment) -> None:
    """Delete an unlogged segment with its lines and criteria actions."""
    with transaction.atomic():
        segment = lock_segment(segment)
        lines = segment.lines.count()
        record_audit(
            actor=actor,
            action="segment.delete",
            obj=segment,
            count=max(lines, 1),
            changes={"no": segment.no, "lines": lines},
        )
        segment.delete()

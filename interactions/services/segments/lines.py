"""Segment lines: their values as SQL, set-based inserts, one line by hand.

Lines are added with one ``INSERT … SELECT`` from the contacts
(:func:`insert_lines`), whose values follow the §4.1 defaults of
:func:`~interactions.services.defaults.interaction_defaults` expressed as SQL
(:func:`line_expressions`, kept equal to it by a property test). So the number
of statements never depends on the number of lines.
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import (
    Case,
    F,
    Max,
    Min,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import BaseExpression
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contacts.models import Contact, CorrespondenceType
from interactions.models import (
    LINE_FIELDS,
    LINE_TEMPLATE_FIELDS,
    LINE_TO_ENTRY_FIELDS,
    InteractionTemplate,
    Segment,
    SegmentLine,
)
from interactions.services.defaults import interaction_defaults, proposed_salesperson
from interactions.services.segments.worksheet import (
    check_fields,
    field_changes,
    lock_segment,
)
from interactions.services.sql import (
    concrete_field,
    insert_from_select,
    typed_value,
    with_model_defaults,
)
from interactions_crm.platform.actors import Actor
from interactions_crm.platform.audit import record_audit
from interactions_crm.platform.validation import FieldErrors

#: ``(count, first id, last id)`` of the lines one insert added.
Inserted = tuple[int, int | None, int | None]


# --------------------------------------------------------------------------
# Line values: DOMAIN §4.1 as SQL over contacts
# --------------------------------------------------------------------------


def _fixed_correspondence_type(value: str) -> BaseExpression:
    """A fixed type, except that e-mail falls back to blank without an address."""
    if value == CorrespondenceType.EMAIL:
        return Case(
            When(email="", then=Value(CorrespondenceType.BLANK)),
            default=Value(CorrespondenceType.EMAIL),
            output_field=models.CharField(),
        )
    return Value(value, output_field=models.CharField())


def correspondence_override(segment: Segment) -> str | None:
    """The header's type when it overrides each contact's preference (§4.1)."""
    if segment.ignore_contact_correspondence_type:
        return segment.correspondence_type
    return None


def _correspondence_type_expression(
    segment: Segment, template: InteractionTemplate | None
) -> BaseExpression:
    """``default_correspondence_type`` for every contact at once."""
    override = correspondence_override(segment)
    if override is not None:
        return _fixed_correspondence_type(override)
    template_type = template.correspondence_type if template else ""
    if template is not None and template.ignore_contact_correspondence_type:
        return _fixed_correspondence_type(template_type)
    return Case(
        When(correspondence_type="", then=_fixed_correspondence_type(template_type)),
        When(
            correspondence_type=CorrespondenceType.EMAIL,
            email="",
            then=Value(CorrespondenceType.BLANK),
        ),
        default=F("correspondence_type"),
        output_field=models.CharField(),
    )


def _language_expression(
    segment: Segment, template: InteractionTemplate | None
) -> BaseExpression:
    """``default_language``: the contact's if the template has content in it."""
    if template is None:
        return Value(segment.language, output_field=models.CharField())
    languages = [
        language
        for language in template.contents.values_list("language", flat=True)
        if language
    ]
    default = Value(template.language, output_field=models.CharField())
    if not languages:
        return default
    return Case(
        When(language__in=languages, then=F("language")),
        default=default,
        output_field=models.CharField(),
    )


def _salesperson_expression(segment: Segment, actor: Actor) -> BaseExpression:
    """Header salesperson, else the actor's, else the contact's (not blocked)."""
    context = segment.salesperson or proposed_salesperson(actor)
    if context is not None:
        return Value(context.pk, output_field=models.BigIntegerField())
    return Case(
        When(salesperson__blocked=False, then=F("salesperson_id")),
        default=Value(None),
        output_field=models.BigIntegerField(),
    )


def line_expressions(segment: Segment, actor: Actor) -> dict[str, Any]:
    """Every derived line field's value for a new line, as SQL over ``Contact``.

    This is :func:`~interactions.services.defaults.interaction_defaults`
    (contact + header template + header context) overlaid with the header's
    own values, computed for all contacts in one statement.
    Contact-independent values are plain constants.
    """
    template = segment.template
    return {
        "contact_company": Case(
            When(type=Contact.Type.COMPANY, then=F("pk")),
            default=F("company_id"),
            output_field=models.BigIntegerField(),
        ),
        "template": template.pk if template else None,
        "description": segment.description
        or (template.description if template else ""),
        "subject": segment.subject,
        "date": segment.date or timezone.localdate(),
        "salesperson": _salesperson_expression(segment, actor),
        "campaign": segment.campaign_id or (template.campaign_id if template else None),
        "campaign_target": segment.campaign_target,
        "campaign_response": segment.campaign_response,
        "information_flow": segment.information_flow,
        "initiated_by": segment.initiated_by,
        "cost": typed_value(segment.unit_cost, concrete_field(SegmentLine, "cost")),
        "duration": typed_value(
            segment.unit_duration, concrete_field(SegmentLine, "duration")
        ),
        "correspondence_type": _correspondence_type_expression(segment, template),
        "language": _language_expression(segment, template),
    }


def insert_lines(
    segment: Segment, actor: Actor, contacts: QuerySet[Contact]
) -> Inserted:
    """Add one line per contact (ordered by contact no.), set-based.

    Returns ``(count, first_id, last_id)``: the new lines are exactly this
    segment's lines with ids in that range, because the segment is locked and
    ids only grow. Line fields that no rule derives (contact via, evaluation,
    attempt failed …) get their model default.
    """
    before = segment.lines.aggregate(last=Max("id"))["last"] or 0
    columns = with_model_defaults(
        SegmentLine,
        {"segment": segment.pk, "contact": F("pk"), **line_expressions(segment, actor)},
    )
    count = insert_from_select(SegmentLine, columns, contacts.order_by("no"))
    if not count:
        return 0, None, None
    inserted = segment.lines.filter(id__gt=before).aggregate(
        first=Min("id"), last=Max("id")
    )
    return count, inserted["first"], inserted["last"]


def rederive_lines(
    segment: Segment,
    actor: Actor,
    lines: QuerySet[SegmentLine],
    line_fields: Iterable[str],
) -> int:
    """Recompute ``line_fields`` of ``lines`` from header and contact (one UPDATE)."""
    expressions = line_expressions(segment, actor)
    values = {}
    for name in line_fields:
        expression = expressions[name]
        if isinstance(expression, BaseExpression) and not isinstance(expression, Value):
            expression = Subquery(
                Contact.objects.filter(pk=OuterRef("contact_id"))
                .order_by()
                .annotate(line_value=expression)
                .values("line_value")[:1]
            )
        values[concrete_field(SegmentLine, name).attname] = expression
    return lines.update(**values) if values else 0


# --------------------------------------------------------------------------
# Lines one by one
# --------------------------------------------------------------------------


def update_segment_line(
    *, actor: Actor, line: SegmentLine, **fields: Any
) -> SegmentLine:
    """Personalise one line. A new template re-defaults its template values.

    A changed template takes the §4.1 defaults from
    :func:`~interactions.services.defaults.interaction_defaults` for the
    line's contact (header salesperson and campaign as context); the other
    fields given are then applied on top.
    """
    check_fields(fields, LINE_FIELDS, "segment line")
    with transaction.atomic():
        segment = lock_segment(line.segment)
        line = SegmentLine.objects.select_related("contact", "template").get(
            pk=line.pk, segment=segment
        )
        template = fields.get("template", line.template)
        if template is not None and template != line.template:
            defaults = interaction_defaults(
                contact=line.contact,
                template=template,
                actor=actor,
                salesperson=line.salesperson or segment.salesperson,
                campaign=segment.campaign,
                correspondence_type=correspondence_override(segment),
            )
            for name in LINE_TEMPLATE_FIELDS:
                setattr(line, name, defaults[LINE_TO_ENTRY_FIELDS[name]])
        for name, value in fields.items():
            setattr(line, name, value)
        errors: FieldErrors = {}
        try:
            # The table's constraints are cost/duration >= 0, checked below
            # with a message on the field.
            line.full_clean(
                exclude=["segment", "contact", "contact_company"],
                validate_constraints=False,
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors[field] = [*messages]
        for name in ("cost", "duration"):
            value = getattr(line, name)
            if name not in errors and value is not None and value < 0:
                errors[name] = [_("This value must not be negative.")]
        if line.salesperson is not None and line.salesperson.blocked:
            errors.setdefault("salesperson", []).append(
                ValidationError(  # a key that may not be used: the API answers 422
                    _("Salesperson %(code)s is blocked.")
                    % {"code": line.salesperson.code},
                    code="unprocessable",
                )
            )
        if errors:
            raise ValidationError(errors)
        line.save()
        record_audit(
            actor=actor,
            action="segment.update_line",
            obj=segment,
            changes={"line": line.pk, "contact": line.contact.no}
            | field_changes(line, fields),
        )
    return line

"""Segments (DOMAIN §5, §6.2, §6.5): build contact lists, log them, manage them.

A segment is a worksheet: a header with the interaction settings shared by all
lines and one line per contact. Criteria actions (add, reduce, refine, one
contact by hand, reuse a logged segment) change the lines and are recorded
with exactly what they changed, so :func:`go_back` undoes the last one.
:func:`log_segment` turns the lines into interaction log entries, all or
nothing, and the resulting logged segment can be canceled as a whole.

Scale: everything proportional to the number of lines runs as set-based SQL.
Lines are added with one ``INSERT … SELECT`` from the contacts, whose values
follow the §4.1 defaults of :func:`~interactions.services.entries.
interaction_defaults` expressed as SQL (:func:`_line_expressions`, kept equal to
it by tests); logging inserts all entries with one ``INSERT … SELECT`` from the
lines, so the number of statements does not depend on the number of lines.
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import BaseExpression
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from contacts.models import Contact, CorrespondenceType
from contacts.services import next_number
from interactions.criteria import clean_criteria, matching_contacts
from interactions.models import (
    Attachment,
    DeliveryStatus,
    InteractionLogEntry,
    InteractionTemplate,
    LoggedSegment,
    SavedCriteria,
    Segment,
    SegmentCriteriaAction,
    SegmentLine,
    TemplateContent,
    WizardAction,
)
from interactions.services.delivery import deliver_on_commit
from interactions.services.entries import (
    _actor_salesperson,
    _usable,
    interaction_defaults,
    round_up_to_minute,
    select_content,
)
from interactions.services.jobs import JobKind
from interactions_crm.platform import jobs
from interactions_crm.platform.actors import user_or_none
from interactions_crm.platform.audit import record_audit
from interactions_crm.platform.models import BackgroundJob

SEGMENT_SERIES = "SEGMENT"
Kind = SegmentCriteriaAction.Kind

#: Header fields a user may set (create_segment / update_segment_header).
HEADER_FIELDS = frozenset(
    {
        "description",
        "date",
        "salesperson",
        "campaign",
        "campaign_target",
        "campaign_response",
        "template",
        "information_flow",
        "initiated_by",
        "unit_cost",
        "unit_duration",
        "correspondence_type",
        "ignore_contact_correspondence_type",
        "subject",
        "language",
    }
)

#: Header fields copied from the interaction template when it is chosen (NAV
#: §11.1 field 6); the campaign only when the header has none.
TEMPLATE_HEADER_FIELDS = {
    "unit_cost": "unit_cost",
    "unit_duration": "unit_duration",
    "information_flow": "information_flow",
    "initiated_by": "initiated_by",
    "campaign_target": "campaign_target",
    "campaign_response": "campaign_response",
    "correspondence_type": "correspondence_type",
    "ignore_contact_correspondence_type": "ignore_contact_correspondence_type",
    "language": "language",
}

#: Which line fields a header change propagates to (NAV §11.1 propagation rule).
HEADER_TO_LINE_FIELDS: dict[str, tuple[str, ...]] = {
    "description": ("description",),
    "date": ("date",),
    "salesperson": ("salesperson",),
    "campaign": ("campaign",),
    "campaign_target": ("campaign_target",),
    "campaign_response": ("campaign_response",),
    "information_flow": ("information_flow",),
    "initiated_by": ("initiated_by",),
    "unit_cost": ("cost",),
    "unit_duration": ("duration",),
    "correspondence_type": ("correspondence_type",),
    "ignore_contact_correspondence_type": ("correspondence_type",),
    "subject": ("subject",),
}

#: Line fields a user may edit one by one (update_segment_line).
LINE_FIELDS = frozenset(
    {
        "template",
        "description",
        "subject",
        "date",
        "salesperson",
        "campaign",
        "campaign_target",
        "campaign_response",
        "information_flow",
        "initiated_by",
        "cost",
        "duration",
        "correspondence_type",
        "language",
        "contact_via",
        "evaluation",
        "attempt_failed",
    }
)

#: Line fields derived from the template (reset when a line's template changes).
LINE_TEMPLATE_FIELDS = (
    "description",
    "cost",
    "duration",
    "information_flow",
    "initiated_by",
    "campaign",
    "campaign_target",
    "campaign_response",
    "correspondence_type",
    "language",
)

#: How many offending contacts a refusal message names.
NAMED_CONTACTS = 5


# --------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------


def _lock(segment: Segment) -> Segment:
    """Re-read the segment, locked until the end of the transaction.

    Criteria actions and logging of one segment run one after the other; that
    is what makes the "lines inserted by an action" id range exact.
    """
    try:
        return (
            Segment.objects.select_for_update(of=("self",))
            .select_related("template", "salesperson", "campaign")
            .get(pk=segment.pk)
        )
    except Segment.DoesNotExist:
        raise ValidationError(
            {"segment": [_("The segment no longer exists; it may have been logged.")]}
        ) from None


def _check_fields(fields: Iterable[str], allowed: frozenset[str], what: str) -> None:
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise TypeError(f"Unknown {what} fields: {', '.join(unknown)}")


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


def _value(value: Any, field: models.Field) -> Value:
    """A constant typed like ``field`` (so SQL gets a properly adapted literal)."""
    return Value(value, output_field=field)


def insert_from_select(
    model: type[models.Model], columns: dict[str, Any], queryset: QuerySet
) -> int:
    """``INSERT INTO model (columns) SELECT …`` — one statement, no Python rows.

    ``columns`` maps field names of ``model`` to expressions evaluated on
    ``queryset``'s rows (plain values become typed constants). The SELECT is
    compiled by the ORM, so it is portable between SQLite and PostgreSQL; it
    selects only these annotations, in the order given, which is the order of
    the target columns. Returns the number of rows inserted.
    """
    fields = [model._meta.get_field(name) for name in columns]
    aliases = {}
    for index, (field, expression) in enumerate(
        zip(fields, columns.values(), strict=True)
    ):
        if not isinstance(expression, BaseExpression | F):
            expression = _value(expression, field)
        aliases[f"ins_{index}"] = expression
    select = queryset.annotate(**aliases).values_list(*aliases)
    sql, params = select.query.sql_with_params()
    quote = connection.ops.quote_name
    target = ", ".join(quote(field.column) for field in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(model._meta.db_table)} ({target}) {sql}", params
        )
        return cursor.rowcount


def _contact_names(lines: QuerySet, count: int) -> str:
    """The first offending lines' contact numbers, "…" when there are more."""
    nos = lines.order_by("id").values_list("contact__no", flat=True)
    named = ", ".join(nos[:NAMED_CONTACTS])
    return f"{named} …" if count > NAMED_CONTACTS else named


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


def _correspondence_override(segment: Segment) -> str | None:
    """The header's type when it overrides each contact's preference (§4.1)."""
    if segment.ignore_contact_correspondence_type:
        return segment.correspondence_type
    return None


def _correspondence_type_expression(
    segment: Segment, template: InteractionTemplate | None
) -> BaseExpression:
    """``entries.default_correspondence_type`` for every contact at once."""
    override = _correspondence_override(segment)
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
    """``entries.default_language``: the contact's if the template has content in it."""
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


def _salesperson_expression(
    segment: Segment, actor: AbstractBaseUser | None
) -> BaseExpression:
    """Header salesperson, else the actor's, else the contact's (not blocked)."""
    context = segment.salesperson or _usable(_actor_salesperson(user_or_none(actor)))
    if context is not None:
        return Value(context.pk, output_field=models.BigIntegerField())
    return Case(
        When(salesperson__blocked=False, then=F("salesperson_id")),
        default=Value(None),
        output_field=models.BigIntegerField(),
    )


def _line_expressions(
    segment: Segment, actor: AbstractBaseUser | None
) -> dict[str, Any]:
    """Every line field's value for a new line, as expressions over ``Contact``.

    This is :func:`interaction_defaults` (contact + header template + header
    context) overlaid with the header's own values, computed for all contacts
    in one statement. Contact-independent values are plain constants.
    """
    template = segment.template
    line = SegmentLine._meta
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
        "cost": _value(segment.unit_cost, line.get_field("cost")),
        "duration": _value(segment.unit_duration, line.get_field("duration")),
        "correspondence_type": _correspondence_type_expression(segment, template),
        "language": _language_expression(segment, template),
    }


def _insert_lines(
    segment: Segment, actor: AbstractBaseUser | None, contacts: QuerySet
) -> tuple[int, int | None, int | None]:
    """Add one line per contact (ordered by contact no.), set-based.

    Returns ``(count, first_id, last_id)``: the new lines are exactly this
    segment's lines with ids in that range, because the segment is locked and
    ids only grow.
    """
    before = segment.lines.aggregate(last=Max("id"))["last"] or 0
    columns = {
        "segment": segment.pk,
        "contact": F("pk"),
        **_line_expressions(segment, actor),
        "contact_via": "",
        "evaluation": "",
        "attempt_failed": False,
    }
    count = insert_from_select(SegmentLine, columns, contacts.order_by("no"))
    if not count:
        return 0, None, None
    inserted = segment.lines.filter(id__gt=before).aggregate(
        first=Min("id"), last=Max("id")
    )
    return count, inserted["first"], inserted["last"]


def _rederive_lines(
    segment: Segment,
    actor: AbstractBaseUser | None,
    lines: QuerySet,
    line_fields: Iterable[str],
) -> int:
    """Recompute ``line_fields`` of ``lines`` from header and contact (one UPDATE)."""
    expressions = _line_expressions(segment, actor)
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
        field = SegmentLine._meta.get_field(name)
        values[field.attname] = expression
    return lines.update(**values) if values else 0


def lines_on_header_template(segment: Segment) -> QuerySet:
    """Lines a header change offers to update: those still on its template."""
    if segment.template_id is None:
        return segment.lines.filter(template__isnull=True)
    return segment.lines.filter(template_id=segment.template_id)


# --------------------------------------------------------------------------
# Header
# --------------------------------------------------------------------------


def _apply_template(
    segment: Segment, template: InteractionTemplate | None, given: Iterable[str]
) -> None:
    """Copy the template's settings to the header, except fields given explicitly."""
    if template is None:
        return
    for header_field, template_field in TEMPLATE_HEADER_FIELDS.items():
        if header_field not in given:
            setattr(segment, header_field, getattr(template, template_field))
    if "campaign" not in given and segment.campaign_id is None:
        segment.campaign_id = template.campaign_id


def _validate_header(segment: Segment) -> None:
    errors: dict[str, list] = {}
    try:
        segment.full_clean(exclude=["no", "created_by", "attachment"])
    except ValidationError as error:
        errors.update(error.message_dict)
    if segment.salesperson is not None and segment.salesperson.blocked:
        errors.setdefault("salesperson", []).append(
            _("Salesperson %(code)s is blocked.") % {"code": segment.salesperson.code}
        )
    if errors:
        raise ValidationError(errors)


def _header_changes(segment: Segment, fields: Iterable[str]) -> dict[str, Any]:
    changes = {}
    for name in fields:
        value = getattr(segment, name)
        changes[name] = str(value) if isinstance(value, models.Model) else value
    return {name: _jsonable(value) for name, value in changes.items()}


def _create_segment(*, actor: AbstractBaseUser | None, **header: Any) -> Segment:
    """Create a segment without auditing (callers record the event)."""
    _check_fields(header, HEADER_FIELDS, "segment header")
    segment = Segment(created_by=user_or_none(actor), **header)
    if "date" not in header:
        segment.date = timezone.localdate()
    if "salesperson" not in header:
        segment.salesperson = _usable(_actor_salesperson(user_or_none(actor)))
    _apply_template(segment, header.get("template"), header)
    _validate_header(segment)
    segment.no = next_number(series_code=SEGMENT_SERIES)
    segment.save()
    return segment


def create_segment(*, actor: AbstractBaseUser | None, **header: Any) -> Segment:
    """Create a segment header with the next number of the SEGMENT series.

    ``header`` takes the fields in :data:`HEADER_FIELDS` (model instances for
    salesperson, campaign, template). Date defaults to today, salesperson to
    the actor's; a template fills the header's template settings (cost,
    duration, flow, correspondence type, language, campaign if none) unless
    given explicitly.
    """
    with transaction.atomic():
        segment = _create_segment(actor=actor, **header)
        record_audit(
            actor=actor,
            action="segment.create",
            obj=segment,
            changes={"no": segment.no, **_header_changes(segment, header)},
        )
    return segment


def update_segment_header(
    *,
    actor: AbstractBaseUser | None,
    segment: Segment,
    update_lines: bool = False,
    **fields: Any,
) -> Segment:
    """Change header fields; with ``update_lines`` also the lines they apply to.

    Choosing another template re-applies its settings to the header (except
    fields given in the same call); with ``update_lines`` every line then
    takes the new template and header values (NAV: a template change updates
    all lines). Other changes update only the lines still on the header's
    template (:func:`lines_on_header_template`) — lines personalised with
    another template are left alone. Clearing the campaign clears campaign
    target/response unless given.
    """
    _check_fields(fields, HEADER_FIELDS, "segment header")
    with transaction.atomic():
        segment = _lock(segment)
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
        updated = 0
        if update_lines and changed:
            if template_changed:
                updated = _rederive_lines(
                    segment,
                    actor,
                    segment.lines.all(),
                    _line_expressions(segment, actor).keys(),
                )
            else:
                line_fields = {
                    line_field
                    for name in changed
                    for line_field in HEADER_TO_LINE_FIELDS.get(name, ())
                }
                updated = _rederive_lines(segment, actor, lines_before, line_fields)
        if changed:
            record_audit(
                actor=actor,
                action="segment.update",
                obj=segment,
                count=max(updated, 1),
                changes={
                    **_header_changes(segment, changed),
                    "lines_updated": updated,
                },
            )
    return segment


def delete_segment(*, actor: AbstractBaseUser | None, segment: Segment) -> None:
    """Delete an unlogged segment with its lines and criteria actions."""
    with transaction.atomic():
        segment = _lock(segment)
        lines = segment.lines.count()
        record_audit(
            actor=actor,
            action="segment.delete",
            obj=segment,
            count=max(lines, 1),
            changes={"no": segment.no, "lines": lines},
        )
        segment.delete()


# --------------------------------------------------------------------------
# Criteria actions
# --------------------------------------------------------------------------


def _record_action(
    *,
    segment: Segment,
    actor: AbstractBaseUser | None,
    kind: str,
    criteria: dict[str, Any],
    options: dict[str, Any] | None = None,
    inserted: tuple[int, int | None, int | None] = (0, None, None),
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
    actor: AbstractBaseUser | None, segment: Segment, action: SegmentCriteriaAction
) -> None:
    record_audit(
        actor=actor,
        action=f"segment.{action.kind}",
        obj=segment,
        count=action.line_count,
        changes={"criteria": action.criteria, "options": action.options},
    )


def _snapshot_and_delete(lines: QuerySet) -> list[dict[str, Any]]:
    """Delete ``lines`` and return them as JSON snapshots (ids included)."""
    names = [field.attname for field in SegmentLine._meta.concrete_fields]
    snapshots = [
        {name: _jsonable(value) for name, value in row.items()}
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


def _contacts_to_add(
    segment: Segment,
    criteria: dict[str, str],
    *,
    allow_existing: bool,
    expand_companies: bool,
    add_related_companies: bool,
    ignore_exclusion: bool,
) -> QuerySet:
    matches = matching_contacts(criteria).order_by()
    selected = Q(pk__in=matches.values("pk"))
    if expand_companies:
        # Persons of qualifying companies.
        selected |= Q(company__in=matches.companies().values("pk"))
    if add_related_companies:
        # The company of each qualifying person.
        selected |= Q(
            pk__in=matches.persons().filter(company__isnull=False).values("company_id")
        )
    contacts = Contact.objects.filter(selected)
    if not ignore_exclusion:
        contacts = contacts.filter(exclude_from_segment=False)
    if not allow_existing:
        contacts = contacts.exclude(pk__in=segment.lines.values("contact_id"))
    return contacts


def _add_contacts(
    segment: Segment,
    actor: AbstractBaseUser | None,
    criteria: dict[str, Any],
    options: dict[str, bool],
) -> SegmentCriteriaAction:
    criteria = clean_criteria(criteria)
    contacts = _contacts_to_add(segment, criteria, **options)
    inserted = _insert_lines(segment, actor, contacts)
    return _record_action(
        segment=segment,
        actor=actor,
        kind=Kind.ADD,
        criteria=criteria,
        options=options,
        inserted=inserted,
    )


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
    actor: AbstractBaseUser | None,
    criteria: dict[str, Any],
    allow_existing: bool = False,
    expand_companies: bool = False,
    add_related_companies: bool = False,
    ignore_exclusion: bool = False,
) -> int:
    """Add a line for every contact matching ``criteria``; return lines added.

    ``criteria`` uses the vocabulary of
    :class:`~interactions.criteria.ContactCriteriaFilterSet`. Contacts marked
    "exclude from segment" are skipped unless ``ignore_exclusion``; contacts
    already in the segment are skipped unless ``allow_existing`` (then they
    get another line, as in NAV). ``expand_companies`` adds the persons of
    matching companies, ``add_related_companies`` the company of each
    matching person. Recorded as one criteria action.
    """
    options = {
        "allow_existing": allow_existing,
        "expand_companies": expand_companies,
        "add_related_companies": add_related_companies,
        "ignore_exclusion": ignore_exclusion,
    }
    with transaction.atomic():
        segment = _lock(segment)
        action = _add_contacts(segment, actor, criteria, options)
        _audit_action(actor, segment, action)
    return action.line_count


def _matching_lines(criteria: dict[str, str], entire_companies: bool) -> Q:
    """Q over lines whose contact matches (with its persons if entire_companies)."""
    matches = matching_contacts(criteria).order_by()
    condition = Q(contact__in=matches.values("pk"))
    if entire_companies:
        condition |= Q(contact__company__in=matches.companies().values("pk"))
    return condition


def _remove_lines(
    segment: Segment,
    actor: AbstractBaseUser | None,
    kind: str,
    criteria: dict[str, Any],
    entire_companies: bool,
) -> SegmentCriteriaAction:
    criteria = clean_criteria(criteria)
    condition = _matching_lines(criteria, entire_companies)
    lines = (
        segment.lines.filter(condition)
        if kind == Kind.REDUCE
        else segment.lines.exclude(condition)
    )
    removed = _snapshot_and_delete(lines)
    return _record_action(
        segment=segment,
        actor=actor,
        kind=kind,
        criteria=criteria,
        options={"entire_companies": entire_companies},
        removed=removed,
    )


def reduce_contacts(
    *,
    segment: Segment,
    actor: AbstractBaseUser | None,
    criteria: dict[str, Any],
    entire_companies: bool = False,
) -> int:
    """Remove the lines whose contact matches ``criteria``; return lines removed.

    ``entire_companies`` also removes the persons of matching companies.
    """
    with transaction.atomic():
        segment = _lock(segment)
        action = _remove_lines(segment, actor, Kind.REDUCE, criteria, entire_companies)
        _audit_action(actor, segment, action)
    return action.line_count


def refine_contacts(
    *,
    segment: Segment,
    actor: AbstractBaseUser | None,
    criteria: dict[str, Any],
    entire_companies: bool = False,
) -> int:
    """Remove the lines whose contact does *not* match; return lines removed.

    ``entire_companies`` also keeps the persons of matching companies.
    """
    with transaction.atomic():
        segment = _lock(segment)
        action = _remove_lines(segment, actor, Kind.REFINE, criteria, entire_companies)
        _audit_action(actor, segment, action)
    return action.line_count


def go_back(*, segment: Segment, actor: AbstractBaseUser | None) -> int:
    """Undo the last criteria action exactly; return the number of lines changed.

    Removes the lines it inserted and re-inserts the lines it removed with
    their ids and values, then forgets the action.
    """
    with transaction.atomic():
        segment = _lock(segment)
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
    *, segment: Segment, actor: AbstractBaseUser | None, contact: Contact
) -> SegmentLine:
    """Add one contact by hand (a criteria action, so "go back" undoes it).

    The line gets the same defaults as lines added by criteria. "Exclude from
    segment" does not apply to a contact chosen by hand. Refused when the
    contact already is in the segment.
    """
    with transaction.atomic():
        segment = _lock(segment)
        if segment.lines.filter(contact=contact).exists():
            raise ValidationError(
                {
                    "contact": [
                        _("Contact %(no)s is already in the segment.")
                        % {"no": contact.no}
                    ]
                }
            )
        inserted = _insert_lines(segment, actor, Contact.objects.filter(pk=contact.pk))
        action = _record_action(
            segment=segment,
            actor=actor,
            kind=Kind.ADD_ONE,
            criteria={"contact_no": contact.no},
            inserted=inserted,
        )
        _audit_action(actor, segment, action)
    return SegmentLine.objects.get(pk=inserted[1])


def remove_contact_from_segment(
    *, segment: Segment, actor: AbstractBaseUser | None, contact: Contact
) -> int:
    """Remove a contact's lines by hand (a criteria action); return lines removed."""
    with transaction.atomic():
        segment = _lock(segment)
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


def _reuse_logged_segment(
    segment: Segment, actor: AbstractBaseUser | None, logged_segment: LoggedSegment
) -> SegmentCriteriaAction:
    # The contacts of the logged segment's interactions: its active entries, or
    # all of them when the logged segment itself is canceled (NAV's count).
    entries = InteractionLogEntry.objects.filter(
        logged_segment=logged_segment, canceled=logged_segment.canceled
    )
    contacts = Contact.objects.filter(pk__in=entries.values("contact_id")).exclude(
        pk__in=segment.lines.values("contact_id")
    )
    inserted = _insert_lines(segment, actor, contacts)
    return _record_action(
        segment=segment,
        actor=actor,
        kind=Kind.REUSE_LOGGED_SEGMENT,
        criteria={"logged_segment": logged_segment.segment_no},
        inserted=inserted,
    )


def reuse_logged_segment(
    *,
    segment: Segment,
    actor: AbstractBaseUser | None,
    logged_segment: LoggedSegment,
) -> int:
    """Add the contacts of a logged segment (not yet in the segment); return count."""
    with transaction.atomic():
        segment = _lock(segment)
        action = _reuse_logged_segment(segment, actor, logged_segment)
        _audit_action(actor, segment, action)
    return action.line_count


def save_criteria(
    *,
    segment: Segment,
    actor: AbstractBaseUser | None,
    code: str,
    description: str = "",
) -> SavedCriteria:
    """Store the segment's criteria actions, in order, under ``code``."""
    with transaction.atomic():
        segment = _lock(segment)
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


def delete_saved_criteria(
    *, actor: AbstractBaseUser | None, saved: SavedCriteria
) -> None:
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


def _replay(
    segment: Segment, actor: AbstractBaseUser | None, step: dict[str, Any]
) -> SegmentCriteriaAction:
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
        contacts = Contact.objects.filter(pk=contact.pk).exclude(
            pk__in=segment.lines.values("contact_id")
        )
        return _record_action(
            segment=segment,
            actor=actor,
            kind=kind,
            criteria=criteria,
            inserted=_insert_lines(segment, actor, contacts),
        )
    if kind == Kind.REMOVE_ONE:
        contact = _contact_by_no(criteria["contact_no"])
        return _record_action(
            segment=segment,
            actor=actor,
            kind=kind,
            criteria=criteria,
            removed=_snapshot_and_delete(segment.lines.filter(contact=contact)),
        )
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
        return _reuse_logged_segment(segment, actor, logged)
    raise ValidationError(
        {"criteria": [_("Unknown criteria action “%(kind)s”.") % {"kind": kind}]}
    )


def reuse_criteria(
    *, segment: Segment, actor: AbstractBaseUser | None, saved: SavedCriteria
) -> int:
    """Replay saved criteria on ``segment``; return the number of lines changed.

    Each saved action is recorded again on this segment, so "go back" undoes
    the replayed steps one at a time. All or nothing.
    """
    with transaction.atomic():
        segment = _lock(segment)
        actions = [_replay(segment, actor, step) for step in saved.actions]
        changed = sum(action.line_count for action in actions)
        record_audit(
            actor=actor,
            action="segment.reuse_criteria",
            obj=segment,
            count=changed,
            changes={"code": saved.code, "actions": len(actions)},
        )
    return changed


# --------------------------------------------------------------------------
# Lines one by one
# --------------------------------------------------------------------------


def update_segment_line(
    *, actor: AbstractBaseUser | None, line: SegmentLine, **fields: Any
) -> SegmentLine:
    """Personalise one line. A new template re-defaults its template values.

    A changed template takes the §4.1 defaults from :func:`interaction_defaults`
    for the line's contact (header salesperson and campaign as context); the
    other fields given are then applied on top.
    """
    _check_fields(fields, LINE_FIELDS, "segment line")
    with transaction.atomic():
        segment = _lock(line.segment)
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
                correspondence_type=_correspondence_override(segment),
            )
            for name in LINE_TEMPLATE_FIELDS:
                setattr(line, name, defaults[name])
        for name, value in fields.items():
            setattr(line, name, value)
        errors: dict[str, list] = {}
        try:
            # The table's constraints are cost/duration >= 0, checked below
            # with a message on the field.
            line.full_clean(
                exclude=["segment", "contact", "contact_company"],
                validate_constraints=False,
            )
        except ValidationError as error:
            errors.update(error.message_dict)
        for name in ("cost", "duration"):
            value = getattr(line, name)
            if name not in errors and value is not None and value < 0:
                errors[name] = [_("This value must not be negative.")]
        if line.salesperson is not None and line.salesperson.blocked:
            errors.setdefault("salesperson", []).append(
                _("Salesperson %(code)s is blocked.") % {"code": line.salesperson.code}
            )
        if errors:
            raise ValidationError(errors)
        line.save()
        record_audit(
            actor=actor,
            action="segment.update_line",
            obj=segment,
            changes={"line": line.pk, "contact": line.contact.no}
            | _header_changes(line, fields),
        )
    return line


# --------------------------------------------------------------------------
# Logging (DOMAIN §5 "Log segment")
# --------------------------------------------------------------------------


def _has_content(segment: Segment) -> Q:
    """Q over lines whose template has content in the line's (or default) language.

    Mirrors :func:`~interactions.services.entries.select_content`; the header's
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
                email & Q(contact__email=""),
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
    errors: dict[str, list] = {}
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


def _content_snapshots(segment: Segment) -> dict[tuple[int, str], int]:
    """One read-only attachment per (template, language) content the lines use.

    The content is stored once per distinct template content — not per line —
    with its merge fields, which are filled in per contact when sending. The
    header's own attachment serves lines on the header template.
    """
    pairs = (
        segment.lines.exclude(template__isnull=True)
        .values_list("template_id", "language")
        .distinct()
        .order_by()
    )
    if segment.attachment_id:
        pairs = pairs.exclude(template_id=segment.template_id)
    snapshots: dict[tuple[int, str], int] = {}
    templates = {}
    for template_id, language in pairs:
        if template_id not in templates:
            templates[template_id] = InteractionTemplate.objects.get(pk=template_id)
        content = select_content(templates[template_id], language)
        if content is None:
            continue
        stored = content.attachment if content.attachment_id else None
        attachment = Attachment.objects.create(
            subject=content.subject,
            body=content.body,
            file=stored.file.name if stored is not None and stored.file else "",
            file_name=stored.file_name if stored is not None else "",
            content_type=stored.content_type if stored is not None else "",
            read_only=True,
        )
        snapshots[template_id, language] = attachment.pk
    return snapshots


def _attachment_expression(
    segment: Segment, snapshots: dict[tuple[int, str], int]
) -> BaseExpression:
    whens = []
    if segment.attachment_id:
        whens.append(
            When(template_id=segment.template_id, then=Value(segment.attachment_id))
        )
    whens += [
        When(template_id=template_id, language=language, then=Value(attachment_id))
        for (template_id, language), attachment_id in snapshots.items()
    ]
    if not whens:
        return Value(None, output_field=models.BigIntegerField())
    return Case(*whens, default=Value(None), output_field=models.BigIntegerField())


def _entry_columns(
    *,
    segment: Segment,
    logged: LoggedSegment,
    actor: AbstractBaseUser | None,
    send: bool,
    snapshots: dict[tuple[int, str], int],
) -> dict[str, Any]:
    """Every entry column as an expression over the segment's lines."""
    now = timezone.now()
    entry = InteractionLogEntry._meta
    copied = (
        "contact",
        "contact_company",
        "template",
        "description",
        "cost",
        "duration",
        "salesperson",
        "information_flow",
        "initiated_by",
        "attempt_failed",
        "evaluation",
        "correspondence_type",
        "campaign",
        "campaign_target",
        "campaign_response",
        "contact_via",
        "language",
    )
    columns: dict[str, Any] = {
        name: F(SegmentLine._meta.get_field(name).attname) for name in copied
    }
    user = user_or_none(actor)
    columns |= {
        "date": Coalesce(
            F("date"), _value(timezone.localdate(now), entry.get_field("date"))
        ),
        "time": _value(
            round_up_to_minute(timezone.localtime(now)), entry.get_field("time")
        ),
        # NAV: the subject is the description unless the line has one.
        "subject": Case(
            When(subject="", then=F("description")),
            default=F("subject"),
            output_field=models.CharField(),
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
        "attachment": _attachment_expression(segment, snapshots),
        "logged_by": user.pk if user is not None else None,
        "created_at": _value(now, entry.get_field("created_at")),
    }
    # Every other column gets its model default (document fields, cancel
    # fields, postponed …), so new entry fields with defaults need no change.
    for field in entry.concrete_fields:
        if field.primary_key or field.name in columns:
            continue
        columns[field.name] = field.get_default()
    return columns


def log_segment(
    *,
    segment: Segment,
    actor: AbstractBaseUser | None,
    send: bool = False,
    follow_up: bool = False,
) -> LoggedSegment:
    """Log the segment: one interaction log entry per line, all or nothing.

    Refused, with a message per field and nothing written, when the segment
    was logged before, has no description, is empty, or a line fails DOMAIN
    §4.2. Otherwise one transaction creates the logged segment, inserts all
    entries with one ``INSERT … SELECT`` from the lines (values copied from
    the line, group from its template), stores the content read-only, deletes
    the segment and, with ``follow_up``, creates "Follow-up on segment X" with
    the same contacts. With ``send``, lines with e-mail correspondence are
    e-mailed after commit and each entry's delivery status records the result.
    One audit event.
    """
    with transaction.atomic():
        segment = _lock(segment)
        _validate_for_logging(segment, send)
        logged = LoggedSegment.objects.create(
            segment_no=segment.no,
            description=segment.description,
            date=timezone.localdate(),
            logged_by=user_or_none(actor),
        )
        snapshots = _content_snapshots(segment)
        columns = _entry_columns(
            segment=segment, logged=logged, actor=actor, send=send, snapshots=snapshots
        )
        inserted = insert_from_select(
            InteractionLogEntry, columns, segment.lines.order_by("id")
        )
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
    actor: AbstractBaseUser | None,
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
    created = logged.entries.count()
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


def _create_follow_up(
    segment: Segment, logged: LoggedSegment, actor: AbstractBaseUser | None
) -> Segment:
    """NAV step 7: same campaign, "Follow-up on segment X", the same contacts."""
    description = str(_("Follow-up on segment %(no)s") % {"no": segment.no})
    follow_up = _create_segment(
        actor=actor,
        description=description[: Segment._meta.get_field("description").max_length],
        campaign=segment.campaign,
        salesperson=segment.salesperson,
    )
    _reuse_logged_segment(follow_up, actor, logged)
    return follow_up


# --------------------------------------------------------------------------
# Logged segments (DOMAIN §6.2, §6.5)
# --------------------------------------------------------------------------


def _logged_ids(logged_segments: QuerySet, **filters: Any) -> list[int]:
    """The selected logged segments' ids, locked (the selection may be annotated)."""
    selected = list(logged_segments.order_by().values_list("pk", flat=True))
    return list(
        LoggedSegment.objects.filter(pk__in=selected, **filters)
        .select_for_update()
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _audit_logged(
    actor: AbstractBaseUser | None, action: str, ids: list[int], **changes: Any
) -> None:
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
    actor: AbstractBaseUser | None,
    logged_segments: QuerySet,
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
        entries = InteractionLogEntry.objects.filter(
            logged_segment_id__in=ids, canceled=False, postponed=False
        ).update(
            canceled=True,
            canceled_with_segment=True,
            canceled_by=user_or_none(actor),
            canceled_at=timezone.now(),
            cancel_reason=reason,
        )
        LoggedSegment.objects.filter(pk__in=ids).update(canceled=True)
        _audit_logged(
            actor, "logged_segment.cancel", ids, entries=entries, reason=reason
        )
    return len(ids)


def uncancel_logged_segments(
    *, actor: AbstractBaseUser | None, logged_segments: QuerySet
) -> int:
    """Un-cancel logged segments; revive only the entries their cancel canceled."""
    with transaction.atomic():
        ids = _logged_ids(logged_segments, canceled=True)
        if not ids:
            return 0
        entries = InteractionLogEntry.objects.filter(
            logged_segment_id__in=ids, canceled_with_segment=True
        ).update(
            canceled=False,
            canceled_with_segment=False,
            canceled_by=None,
            canceled_at=None,
            cancel_reason="",
        )
        LoggedSegment.objects.filter(pk__in=ids).update(canceled=False)
        _audit_logged(actor, "logged_segment.uncancel", ids, entries=entries)
    return len(ids)


def switch_canceled_logged_segments(
    *, actor: AbstractBaseUser | None, logged_segments: QuerySet, reason: str = ""
) -> int:
    """NAV's "Switch Checkmark in Canceled": the opposite of the first one's state."""
    first = logged_segments.order_by("pk").values_list("canceled", flat=True).first()
    if first is None:
        return 0
    if first:
        return uncancel_logged_segments(actor=actor, logged_segments=logged_segments)
    return cancel_logged_segments(
        actor=actor, logged_segments=logged_segments, reason=reason
    )


def delete_canceled_logged_segments(
    *, actor: AbstractBaseUser | None, logged_segments: QuerySet
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


def logged_segments_with_counts() -> QuerySet:
    """Logged segments with ``entry_count``: entries whose canceled state is the
    segment's own (NAV "No. of Interactions")."""
    return LoggedSegment.objects.annotate(
        entry_count=Count("entries", filter=Q(entries__canceled=F("canceled")))
    )


__all__ = [
    "HEADER_FIELDS",
    "LINE_FIELDS",
    "add_contact_to_segment",
    "add_contacts",
    "cancel_logged_segments",
    "create_segment",
    "delete_canceled_logged_segments",
    "delete_saved_criteria",
    "delete_segment",
    "go_back",
    "insert_from_select",
    "lines_on_header_template",
    "log_segment",
    "logged_segments_with_counts",
    "reduce_contacts",
    "refine_contacts",
    "remove_contact_from_segment",
    "reuse_criteria",
    "reuse_logged_segment",
    "save_criteria",
    "switch_canceled_logged_segments",
    "uncancel_logged_segments",
    "update_segment_header",
    "update_segment_line",
]

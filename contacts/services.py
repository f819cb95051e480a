"""Every state change of contacts goes through these functions (DESIGN.md §3).

Each writes its audit event (DOMAIN §9) through the platform's
``record_audit`` in the same transaction. This app never imports the
interactions app (import-linter's layers contract, ``make lint``).
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.db.models import F, ProtectedError, RestrictedError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from contacts.models import (
    BusinessRelation,
    ClassificationCode,
    Contact,
    ContactBusinessRelation,
    NumberSeries,
    Salesperson,
)
from interactions_crm.platform import masterdata as platform_masterdata
from interactions_crm.platform.actors import Actor
from interactions_crm.platform.api.errors import UNPROCESSABLE
from interactions_crm.platform.audit import record_audit
from interactions_crm.platform.changes import diff, field_values

CONTACT_SERIES = "CONTACT"
CLASSIFICATIONS = ("job_responsibilities", "industry_groups", "mailing_groups")
# Fields a caller may set on a contact; the rest are managed here.
EDITABLE_FIELDS = frozenset(
    f.name
    for f in Contact._meta.concrete_fields
    if f.editable and f.name not in {"id", "created_at", "updated_at"}
) | {"company_id", "salesperson_id"}

# (business relation code, link type, linked no.)
RelationSpec = tuple[str, str, str]
# A classification set (job responsibilities …): code rows or their ids.
type Classification = Iterable[ClassificationCode | int]


def next_number(*, series_code: str) -> str:
    """Take the next number of a number series, e.g. ``CT000042``.

    Safe under concurrency: a conditional ``UPDATE … SET last_number =
    last_number + 1`` locks the series row until the caller's transaction ends,
    so concurrent callers wait and each gets its own number; a rolled-back
    caller gives its number back. Call it inside the transaction that uses the
    number.
    """
    with transaction.atomic():
        updated = NumberSeries.objects.filter(code=series_code).update(
            last_number=F("last_number") + 1
        )
        if not updated:
            raise ValidationError(
                {
                    "no": [
                        _("Number series %(code)s does not exist.")
                        % {"code": series_code}
                    ]
                }
            )
        series = NumberSeries.objects.get(code=series_code)
        return series.format(series.last_number)


def _check_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"Unknown contact fields: {', '.join(sorted(unknown))}")


def _validate_company(contact: Contact) -> None:
    """Field errors for the company link, clearer than the constraint's."""
    if contact.company_id is None:
        return
    # Rules across fields and rows, which the schema cannot state (422).
    if contact.is_company:
        raise ValidationError(
            {
                "company": [
                    ValidationError(
                        _("A company cannot belong to another company."),
                        code=UNPROCESSABLE,
                    )
                ]
            }
        )
    company = contact.company
    if company is not None and not company.is_company:
        raise ValidationError(
            {
                "company": [
                    ValidationError(
                        _("%(no)s is a person; a person can only belong to a company.")
                        % {"no": company.no},
                        code=UNPROCESSABLE,
                    )
                ]
            }
        )


def _audit(
    *, actor: Actor, action: str, contact: Contact, changes: dict[str, Any]
) -> None:
    record_audit(
        actor=actor, action=action, obj=contact, changes={"no": contact.no, **changes}
    )


def _set_classifications(
    contact: Contact, values: dict[str, Classification | None]
) -> dict[str, list[str]]:
    """Replace the given classification sets; return them as code lists."""
    changed = {}
    for name, items in values.items():
        if items is None:
            continue
        manager = getattr(contact, name)
        manager.set(list(items))
        changed[name] = sorted(manager.values_list("code", flat=True))
    return changed


def _normalize_relations(relations: Iterable[RelationSpec | str]) -> list[RelationSpec]:
    normalized = []
    for relation in relations:
        given = (relation,) if isinstance(relation, str) else relation
        code, link_type, link_no = (*given, "", "")[:3]
        normalized.append((code, link_type or "", link_no or ""))
    return normalized


def _replace_business_relations(
    contact: Contact, relations: Iterable[RelationSpec | str]
) -> list[list[str]]:
    """Make ``relations`` the contact's business relations; return them as data.

    Every row is validated (known code, no duplicate code, link complete, an
    account linked to one contact only) before anything is written.
    """
    specs = _normalize_relations(relations)
    codes = [code for code, _link_type, _link_no in specs]
    # Coded: rules an API schema cannot state (the API answers 422).
    errors: list[ValidationError] = []
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        errors.append(
            ValidationError(
                _("Business relation %(codes)s is given more than once.")
                % {"codes": ", ".join(duplicates)},
                code="unprocessable",
            )
        )
    found = {r.code: r for r in BusinessRelation.objects.filter(code__in=codes)}
    unknown = sorted(set(codes) - set(found))
    if unknown:
        errors.append(
            ValidationError(
                _("Unknown business relation: %(codes)s.")
                % {"codes": ", ".join(unknown)},
                code="does_not_exist",
            )
        )
    if errors:
        raise ValidationError({"business_relations": errors})

    contact.business_relations.all().delete()
    rows = [
        ContactBusinessRelation(
            contact=contact,
            business_relation=found[code],
            link_type=link_type,
            link_no=link_no,
        )
        for code, link_type, link_no in specs
    ]
    for row in rows:
        try:
            row.full_clean()
        except ValidationError as exc:
            errors.extend(
                ValidationError(f"{row.business_relation.code}: {m}")
                for m in exc.messages
            )
    if errors:
        raise ValidationError({"business_relations": errors})
    ContactBusinessRelation.objects.bulk_create(rows)
    return [list(spec) for spec in specs]


def create_contact(
    *,
    actor: Actor,
    business_relations: Sequence[RelationSpec | str] | None = None,
    job_responsibilities: Classification | None = None,
    industry_groups: Classification | None = None,
    mailing_groups: Classification | None = None,
    **fields: Any,
) -> Contact:
    """Create a contact (DOMAIN §2) with its classification; return it.

    ``no`` comes from the CONTACT number series unless given. Classification
    sets take instances or ids; ``business_relations`` takes
    ``(code, link_type, link_no)`` tuples (or bare codes).
    """
    _check_fields(fields)
    with transaction.atomic():
        if not fields.get("no"):
            fields["no"] = next_number(series_code=CONTACT_SERIES)
        contact = Contact(**fields)
        _validate_company(contact)
        contact.full_clean()
        contact.save()
        changes = field_values(contact)
        changes.update(
            _set_classifications(
                contact,
                {
                    "job_responsibilities": job_responsibilities,
                    "industry_groups": industry_groups,
                    "mailing_groups": mailing_groups,
                },
            )
        )
        if business_relations is not None:
            changes["business_relations"] = _replace_business_relations(
                contact, business_relations
            )
        _audit(actor=actor, action="contact.create", contact=contact, changes=changes)
    return contact


def _refuse_company_move(contact: Contact) -> None:
    """A person on an unlogged segment cannot move to another company (§8)."""
    segment_no = contact.segment_lines.values_list("segment__no", flat=True).first()
    if segment_no is not None:
        raise ValidationError(
            {
                "company": [
                    _(
                        "%(no)s is on segment %(segment)s, which is not logged yet, "
                        "and cannot move to another company until it is logged or "
                        "the contact is removed from it."
                    )
                    % {"no": contact.no, "segment": segment_no}
                ]
            }
        )


def update_contact(
    *,
    actor: Actor,
    contact: Contact,
    business_relations: Sequence[RelationSpec | str] | None = None,
    job_responsibilities: Classification | None = None,
    industry_groups: Classification | None = None,
    mailing_groups: Classification | None = None,
    **fields: Any,
) -> Contact:
    """Change a contact's fields and (when given) its classification.

    Refused with field errors when a person on an unlogged segment would move
    to another company, or a company with persons would become a person.
    """
    _check_fields(fields)
    with transaction.atomic():
        before = field_values(contact)
        for name, value in fields.items():
            setattr(contact, name, value)
        after = field_values(contact)
        changes = diff(before, after)
        if "company" in changes:
            _refuse_company_move(contact)
        if (
            "type" in changes
            and not contact.is_company
            and Contact.objects.filter(company_id=contact.pk).exists()
        ):
            raise ValidationError(
                {"type": [_("A company that has persons cannot become a person.")]}
            )
        _validate_company(contact)
        contact.full_clean()
        if changes:
            contact.save(update_fields=[*changes, "updated_at"])
        changes.update(
            _set_classifications(
                contact,
                {
                    "job_responsibilities": job_responsibilities,
                    "industry_groups": industry_groups,
                    "mailing_groups": mailing_groups,
                },
            )
        )
        if business_relations is not None:
            changes["business_relations"] = _replace_business_relations(
                contact, business_relations
            )
        if changes:
            _audit(
                actor=actor, action="contact.update", contact=contact, changes=changes
            )
    return contact


def set_business_relations(
    *,
    actor: Actor,
    contact: Contact,
    relations: Sequence[RelationSpec | str],
) -> list[ContactBusinessRelation]:
    """Replace the contact's business relations with ``relations``.

    Each is ``(code, link_type, link_no)``; a link (customer, vendor or bank
    account no.) belongs to one contact only. Nothing is written when any
    relation is invalid.
    """
    with transaction.atomic():
        data = _replace_business_relations(contact, relations)
        _audit(
            actor=actor,
            action="contact.set_business_relations",
            contact=contact,
            changes={"business_relations": data},
        )
    return list(contact.business_relations.select_related("business_relation"))


def _deletion_blockers(contact: Contact) -> list[str]:
    """Why the contact cannot be deleted (DOMAIN §8); empty when it can."""
    reasons = []
    entries = contact.interaction_entries.count()
    entries += contact.company_interaction_entries.exclude(contact=contact).count()
    if entries:
        reasons.append(
            ngettext(
                "Cannot delete contact %(no)s: %(count)d interaction log entry "
                "refers to it.",
                "Cannot delete contact %(no)s: %(count)d interaction log entries "
                "refer to it.",
                entries,
            )
            % {"no": contact.no, "count": entries}
        )
    segment_no = contact.segment_lines.values_list("segment__no", flat=True).first()
    if segment_no is not None:
        reasons.append(
            _(
                "Cannot delete contact %(no)s: it is on segment %(segment)s, "
                "which is not logged yet."
            )
            % {"no": contact.no, "segment": segment_no}
        )
    persons = Contact.objects.filter(company_id=contact.pk).count()
    if persons:
        reasons.append(
            ngettext(
                "Cannot delete company %(no)s: %(count)d person belongs to it.",
                "Cannot delete company %(no)s: %(count)d persons belong to it.",
                persons,
            )
            % {"no": contact.no, "count": persons}
        )
    return reasons


def delete_contact(*, actor: Actor, contact: Contact) -> None:
    """Delete a contact that nothing refers to (DOMAIN §8).

    Refused, with a message naming the reason and how many, while interaction
    log entries refer to it, it is on an unlogged segment, or persons belong
    to it.
    """
    with transaction.atomic():
        reasons = _deletion_blockers(contact)
        if reasons:
            raise ValidationError({NON_FIELD_ERRORS: reasons})
        _audit(
            actor=actor,
            action="contact.delete",
            contact=contact,
            changes=field_values(contact),
        )
        try:
            contact.delete()
        except (ProtectedError, RestrictedError) as exc:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: [
                        _("Cannot delete contact %(no)s: other records refer to it.")
                        % {"no": contact.no}
                    ]
                }
            ) from exc


# --- master data ------------------------------------------------------------

#: Master data that interaction log entries refer to: model -> (business key,
#: reverse relation to the entries). The interactions app adds its own tables.
ENTRY_REFERENCES: dict[type[models.Model], tuple[str, str]] = {
    Salesperson: ("code", "interaction_entries"),
}


def entries_refusal(
    instance: models.Model, references: Mapping[type[models.Model], tuple[str, str]]
) -> Callable[[], str | None]:
    """The DOMAIN §8 check: refused while interaction log entries refer to it."""

    def check() -> str | None:
        reference = references.get(type(instance))
        if reference is None:
            return None
        count = getattr(instance, reference[1]).count()
        if not count:
            return None
        return ngettext(
            "Cannot delete %(model)s %(key)s: %(count)d interaction "
            "log entry refers to it.",
            "Cannot delete %(model)s %(key)s: %(count)d interaction "
            "log entries refer to it.",
            count,
        ) % {
            "model": instance._meta.verbose_name,
            "key": master_key(instance, references),
            "count": count,
        }

    return check


def master_key(
    instance: models.Model, references: Mapping[type[models.Model], tuple[str, str]]
) -> str:
    """How a message names a master-data row: its business key where known."""
    reference = references.get(type(instance))
    return str(getattr(instance, reference[0])) if reference else str(instance)


def delete_master_record(*, actor: Actor, instance: models.Model) -> None:
    """Delete a salesperson or code-table row; refused while it is in use (§8)."""
    if isinstance(instance, Contact):
        raise TypeError("Contacts are deleted by contacts.services.delete_contact")
    platform_masterdata.delete_master_record(
        actor=actor,
        instance=instance,
        in_use=entries_refusal(instance, ENTRY_REFERENCES),
        key=master_key(instance, ENTRY_REFERENCES),
    )


#: How contacts' admin pages and API endpoints write their master data.
MASTER_DATA_WRITES = platform_masterdata.MasterDataWrites(
    save=platform_masterdata.save_master_record, delete=delete_master_record
)

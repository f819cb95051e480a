"""Reads of the contacts app that its pages share."""

from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, F, IntegerField, QuerySet, Value

from contacts.models import (
    Contact,
    ContactBusinessRelation,
    IndustryGroup,
    JobResponsibility,
    MailingGroup,
)


@dataclass(frozen=True)
class ClassificationItem:
    """A code of the contact's classification as the card shows it."""

    code: str
    description: str = ""
    link_no: str = ""


@dataclass(frozen=True)
class Classification:
    """The contact's classification: each list ordered by code.

    A person has job responsibilities and no industry groups, a company the
    other way round (the card shows only the one that applies).
    """

    business_relations: list[ClassificationItem]
    job_responsibilities: list[ClassificationItem]
    industry_groups: list[ClassificationItem]
    mailing_groups: list[ClassificationItem]


_KINDS = (
    "business_relations",
    "job_responsibilities",
    "industry_groups",
    "mailing_groups",
)


def _part(kind: str, rows: QuerySet[Any], prefix: str, link: Any) -> QuerySet[Any]:
    return (
        rows.order_by()
        .annotate(
            item_kind=Value(_KINDS.index(kind), output_field=IntegerField()),
            item_code=F(f"{prefix}code"),
            item_description=F(f"{prefix}description"),
            item_link=link,
        )
        .values_list("item_kind", "item_code", "item_description", "item_link")
    )


def contact_classification(contact: Contact) -> Classification:
    """``contact``'s business relations and classification codes in one query.

    One ``UNION ALL`` over the four tables instead of one query per table: on
    a busy database each round trip costs more than the rows (issue #12).
    """
    no_link = Value("", output_field=CharField())
    parts = [
        _part(
            "business_relations",
            ContactBusinessRelation.objects.filter(contact=contact),
            "business_relation__",
            F("link_no"),
        ),
        _part(
            "industry_groups" if contact.is_company else "job_responsibilities",
            (IndustryGroup if contact.is_company else JobResponsibility).objects.filter(
                contacts=contact
            ),
            "",
            no_link,
        ),
        _part(
            "mailing_groups",
            MailingGroup.objects.filter(contacts=contact),
            "",
            no_link,
        ),
    ]
    items: dict[str, list[ClassificationItem]] = {kind: [] for kind in _KINDS}
    union = parts[0].union(*parts[1:], all=True).order_by("item_kind", "item_code")
    for kind, code, description, link_no in union:
        items[_KINDS[kind]].append(
            ClassificationItem(code=code, description=description, link_no=link_no)
        )
    return Classification(**items)

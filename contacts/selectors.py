"""Reads of the contacts app that its pages share."""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import router
from django.db.models import CharField, F, IntegerField, QuerySet, Value

from contacts.models import (
    Contact,
    ContactBusinessRelation,
    IndustryGroup,
    JobResponsibility,
    MailingGroup,
)
from interactions_crm.platform.compiled import (
    STAND_IN_ID,
    STAND_IN_TEXT,
    CompiledQuery,
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


def classification_union(contact: Contact) -> QuerySet[Any]:
    """``contact``'s business relations and classification codes in one query.

    One ``UNION ALL`` over the four tables instead of one query per table: on
    a busy database each round trip costs more than the rows (issue #12).
    Rows: (kind index in ``_KINDS``, code, description, link no.), by kind
    and code.
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
    union: QuerySet[Any] = (
        parts[0].union(*parts[1:], all=True).order_by("item_kind", "item_code")
    )
    return union


def classification_of(rows: Iterable[tuple[Any, ...]]) -> Classification:
    """The :class:`Classification` of the rows of :func:`classification_union`."""
    items: dict[str, list[ClassificationItem]] = {kind: [] for kind in _KINDS}
    for kind, code, description, link_no in rows:
        items[_KINDS[kind]].append(
            ClassificationItem(code=code, description=description, link_no=link_no)
        )
    return Classification(**items)


@cache
def _classification_statement(alias: str, is_company: bool) -> CompiledQuery:
    """:func:`classification_union`'s statement, compiled once (see below)."""
    kind = Contact.Type.COMPANY if is_company else Contact.Type.PERSON
    stand_in = Contact(pk=STAND_IN_ID, type=kind)
    # One place per table of the union.
    return CompiledQuery.compile(
        classification_union(stand_in).using(alias), STAND_IN_ID, places=3
    )


def contact_classification(contact: Contact) -> Classification:
    """``contact``'s classification: :func:`classification_union`'s rows.

    The union's statement is the same for every contact of a kind but its
    key: Django resolved and compiled it on every card (~2.5 ms of Python,
    three times the query). It is compiled once per database and kind of
    contact, with a stand-in key replaced by the contact's. Its columns need
    no conversion (integers and texts).
    """
    alias = router.db_for_read(ContactBusinessRelation)
    statement = _classification_statement(alias, contact.is_company)
    return classification_of(statement.rows(contact.pk))


# --- the contact card's own reads: statements compiled once ---------------------


@cache
def _contact_statement(alias: str) -> CompiledQuery:
    rows = Contact.objects.with_related().using(alias).filter(no=STAND_IN_TEXT)
    return CompiledQuery.compile(rows[:1], STAND_IN_TEXT)


def contact_with_related(no: str) -> Contact | None:
    """The contact numbered ``no`` with its company and salesperson, if any.

    ``Contact.objects.with_related().filter(no=no).first()`` from a statement
    compiled once (:mod:`interactions_crm.platform.compiled`): every card and
    card action reads its contact this way.
    """
    found = _contact_statement(router.db_for_read(Contact)).instances(no)
    return found[0] if found else None  # type: ignore[return-value]


@cache
def _persons_statement(alias: str, limit: int) -> CompiledQuery:
    rows = Contact.objects.using(alias).filter(company_id=STAND_IN_ID)
    return CompiledQuery.compile(rows.order_by("name")[:limit], STAND_IN_ID)


def company_persons(company: Contact, limit: int) -> list[Contact]:
    """The first ``limit`` persons of ``company`` by name (compiled once)."""
    alias = router.db_for_read(Contact)
    return _persons_statement(alias, limit).instances(company.pk)  # type: ignore[return-value]

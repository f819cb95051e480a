"""Reads of the contacts app that its pages share."""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import connections, router
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


#: A contact key no row has: marks the parameters the contact's key replaces.
_STAND_IN_KEY = -7_390_451_263


@dataclass(frozen=True)
class _Statement:
    sql: str
    params: tuple[Any, ...]
    key_at: tuple[int, ...]


@cache
def _classification_statement(alias: str, is_company: bool) -> _Statement:
    """:func:`classification_union`'s statement, compiled once (see below)."""
    kind = Contact.Type.COMPANY if is_company else Contact.Type.PERSON
    union = classification_union(Contact(pk=_STAND_IN_KEY, type=kind)).using(alias)
    sql, params = union.query.get_compiler(alias).as_sql()
    key_at = tuple(i for i, param in enumerate(params) if param == _STAND_IN_KEY)
    assert len(key_at) == 3, (sql, params)  # one per table
    return _Statement(sql, tuple(params), key_at)


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
    params = list(statement.params)
    for index in statement.key_at:
        params[index] = contact.pk
    with connections[alias].cursor() as cursor:
        cursor.execute(statement.sql, params)
        return classification_of(cursor.fetchall())

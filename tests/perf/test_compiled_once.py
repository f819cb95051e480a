"""Queries the contact card compiles once and reuses (issue #12): the first
page of the timeline, the contact's classification, the contact itself with
its company and salesperson, and a company's persons. Each must read exactly
what the ORM query it replaces reads, for a person and for a company."""

import datetime as dt

import pytest

from contacts.models import (
    BusinessRelation,
    Contact,
    IndustryGroup,
    JobResponsibility,
    MailingGroup,
)
from contacts.selectors import (
    classification_of,
    classification_union,
    company_persons,
    contact_classification,
    contact_with_related,
)
from interactions.selectors import timeline
from interactions_crm.platform.keyset import keyset_page
from tests import factories
from tests.factories import make_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def company_with_entries():
    company = factories.CompanyFactory()
    persons = [factories.PersonFactory(company=company) for _ in range(2)]
    template = factories.TemplateFactory()
    campaign = factories.CampaignFactory()
    for day in range(1, 8):
        make_entry(
            persons[day % 2] if day % 3 else company,
            template,
            date=dt.date(2026, 3, day % 4 + 1),  # equal dates: entry no. decides
            campaign=campaign if day % 2 else None,
            canceled=day == 5,
        )
    make_entry(persons[0], template, postpone=True)
    make_entry(factories.CompanyFactory(), template)  # someone else's
    return company, persons


@pytest.mark.parametrize("size", [3, 7, 20])
def test_first_timeline_page_reads_what_the_orm_query_reads(company_with_entries, size):
    company, persons = company_with_entries
    for contact in (company, *persons, factories.PersonFactory()):
        expected = keyset_page(
            timeline._timeline_values(contact),
            ordering=timeline.TIMELINE_ORDERING,
            size=size,
        )
        page = timeline.first_values_page(contact, size=size)
        assert page.rows == list(expected.rows)
        assert (page.has_next, page.next_cursor) == (
            expected.has_next,
            expected.next_cursor,
        )
        # The cursor leads on through the ORM path as before.
        if page.next_cursor:
            following = timeline.timeline_items(
                contact, cursor=page.next_cursor, size=size
            )
            seen = {row["entry_no"] for row in page.rows}
            assert seen.isdisjoint(item.entry_no for item in following.rows)


def test_classification_reads_what_the_orm_union_reads(company_with_entries):
    company, (person, other) = company_with_entries
    relations = [
        BusinessRelation.objects.create(code=code, description=f"{code} desc")
        for code in ("VEND", "CUST")
    ]
    groups = [MailingGroup.objects.create(code=code) for code in ("XMAS", "NEWS")]
    for contact in (company, person):
        for number, relation in enumerate(relations):
            contact.business_relations.create(
                business_relation=relation,
                link_type="customer",
                link_no=f"{contact.no}-{number}",
            )
        contact.mailing_groups.add(*groups)
    company.industry_groups.add(IndustryGroup.objects.create(code="FISH"))
    person.job_responsibilities.add(JobResponsibility.objects.create(code="BUY"))

    for contact in (company, person, other):
        expected = classification_of(classification_union(contact))
        assert contact_classification(contact) == expected
    assert [item.code for item in contact_classification(company).industry_groups] == [
        "FISH"
    ]
    assert [i.link_no for i in contact_classification(person).business_relations] == [
        f"{person.no}-1",
        f"{person.no}-0",
    ]
    assert contact_classification(other) == classification_of([])


def _fields(contact):
    return {f.attname: getattr(contact, f.attname) for f in contact._meta.fields}


def test_the_cards_contact_is_the_orm_contact_with_its_relations(
    company_with_entries, django_assert_num_queries
):
    company, persons = company_with_entries
    salesperson = factories.SalespersonFactory(code="CARD")
    persons[0].salesperson = salesperson
    persons[0].save()
    for contact in (company, *persons):
        expected = Contact.objects.with_related().get(no=contact.no)
        with django_assert_num_queries(1):
            found = contact_with_related(contact.no)
            assert found is not None
            # The relations came with it: reading them costs no query.
            assert (found.company, found.salesperson) == (
                expected.company,
                expected.salesperson,
            )
        assert _fields(found) == _fields(expected)
        assert found._state.adding is False
        assert found._state.db == expected._state.db
        if found.company is not None:
            assert _fields(found.company) == _fields(expected.company)
    assert contact_with_related("NO-SUCH") is None
    assert contact_with_related(company.no.lower()) is None  # exact, as the ORM


def test_the_cards_persons_are_the_orm_persons(company_with_entries):
    company, persons = company_with_entries
    persons += [factories.PersonFactory(company=company) for _ in range(3)]
    for limit in (1, 3, 26):
        expected = list(
            Contact.objects.filter(company=company).order_by("name")[:limit]
        )
        found = company_persons(company, limit)
        assert [_fields(p) for p in found] == [_fields(p) for p in expected]
    assert company_persons(factories.CompanyFactory(), 26) == []


def test_a_stand_in_found_elsewhere_than_expected_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    from interactions_crm.platform.compiled import STAND_IN_ID, CompiledQuery

    rows = Contact.objects.filter(pk=STAND_IN_ID) | Contact.objects.filter(
        company_id=STAND_IN_ID
    )
    with pytest.raises(ImproperlyConfigured, match="2 of the statement's"):
        CompiledQuery.compile(rows, STAND_IN_ID)

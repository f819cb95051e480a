"""Queries the contact card compiles once and reuses (issue #12): the first
page of the timeline and the contact's classification. Each must read exactly
what the ORM query it replaces reads, for a person and for a company."""

import datetime as dt

import pytest

from contacts.models import (
    BusinessRelation,
    IndustryGroup,
    JobResponsibility,
    MailingGroup,
)
from contacts.selectors import (
    classification_of,
    classification_union,
    contact_classification,
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

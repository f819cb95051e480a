"""Master data for the segment tests: classified contacts and a mailing template."""

from dataclasses import dataclass

import pytest

from contacts.models import Contact
from interactions.models import Campaign, InteractionTemplate
from tests import factories


@dataclass
class Crm:
    """Two companies with persons, classified as NAV's walkthrough needs.

    * Fjord (CUST, RETAIL): kari (PURCHASE), ola (SALES)
    * Bre (PROS): per (PURCHASE), lise (PURCHASE, NEWSLETTER, excluded)
    * loner: a person without company (PURCHASE)
    """

    fjord: Contact
    kari: Contact
    ola: Contact
    bre: Contact
    per: Contact
    lise: Contact
    loner: Contact
    template: InteractionTemplate
    campaign: Campaign

    def nos(self, *contacts: Contact) -> set[str]:
        return {contact.no for contact in contacts}


def classify(contact: Contact, *, jobs=(), relations=(), industries=(), mailings=()):
    for code in jobs:
        contact.job_responsibilities.add(factories.JobResponsibilityFactory(code=code))
    for code in relations:
        factories.ContactBusinessRelationFactory(
            contact=contact,
            business_relation=factories.BusinessRelationFactory(code=code),
        )
    for code in industries:
        contact.industry_groups.add(factories.IndustryGroupFactory(code=code))
    for code in mailings:
        contact.mailing_groups.add(factories.MailingGroupFactory(code=code))


@pytest.fixture
def mailing_template(db) -> InteractionTemplate:
    """An outbound letter template with content (subject/body with merge fields)."""
    template = factories.TemplateFactory(
        code="MAILING",
        group__code="LETTER",
        description="Trade show mailing",
        correspondence_type="email",
    )
    factories.TemplateContentFactory(template=template, language="")
    return template


@pytest.fixture
def crm(db, salesperson, mailing_template) -> Crm:
    fjord = factories.CompanyFactory(no="CT100", name="Fjord Handel AS")
    bre = factories.CompanyFactory(no="CT200", name="Bre Bygg AS")
    kari = factories.PersonFactory(no="CT101", name="Kari Nordmann", company=fjord)
    ola = factories.PersonFactory(no="CT102", name="Ola Hansen", company=fjord)
    per = factories.PersonFactory(no="CT201", name="Per Berg", company=bre)
    lise = factories.PersonFactory(
        no="CT202", name="Lise Lie", company=bre, exclude_from_segment=True
    )
    loner = factories.PersonFactory(
        no="CT300", name="Eva Enkelt", company=None, city="Bergen"
    )
    classify(fjord, relations=["CUST"], industries=["RETAIL"])
    classify(bre, relations=["PROS"])
    classify(kari, jobs=["PURCHASE"])
    classify(ola, jobs=["SALES"])
    classify(per, jobs=["PURCHASE"])
    classify(lise, jobs=["PURCHASE"], mailings=["NEWSLETTER"])
    classify(loner, jobs=["PURCHASE"])
    return Crm(
        fjord=fjord,
        kari=kari,
        ola=ola,
        bre=bre,
        per=per,
        lise=lise,
        loner=loner,
        template=mailing_template,
        campaign=factories.CampaignFactory(no="CP001", description="Trade show"),
    )


def line_nos(segment) -> list[str]:
    """The contact numbers of a segment's lines, sorted (duplicates kept)."""
    return sorted(segment.lines.values_list("contact__no", flat=True))

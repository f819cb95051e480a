"""The criteria vocabulary (DOMAIN §5): one FilterSet over contacts."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from interactions import services
from interactions.criteria import ContactCriteriaFilterSet, matching_contacts
from interactions.models import InteractionLogEntry
from tests import factories
from tests.figures_recount import refigure

EXPECTED_CRITERIA = {
    "contact_no",
    "name",
    "contact_type",
    "company",
    "salesperson",
    "post_code",
    "city",
    "country",
    "language",
    "business_relation",
    "job_responsibility",
    "industry_group",
    "mailing_group",
    "interaction_template",
    "interaction_group",
    "interaction_date_from",
    "interaction_date_to",
    "evaluation",
    "campaign",
    "interaction_salesperson",
    "segment_no",
}


def nos(criteria: dict) -> set[str]:
    return set(matching_contacts(criteria).values_list("no", flat=True))


def test_vocabulary_is_exactly_the_documented_criteria():
    assert set(ContactCriteriaFilterSet.base_filters) == EXPECTED_CRITERIA


def test_contact_field_criteria(crm, salesperson):
    crm.per.salesperson = salesperson
    crm.per.language = "nb"
    crm.per.save()
    assert nos({"contact_no": "ct101"}) == {crm.kari.no}
    assert nos({"name": "nordmann"}) == {crm.kari.no}
    assert nos({"contact_type": "company"}) == crm.nos(crm.fjord, crm.bre)
    assert nos({"company": crm.fjord.no}) == crm.nos(crm.fjord, crm.kari, crm.ola)
    assert nos({"salesperson": "jo"}) == {crm.per.no}
    assert nos({"city": "bergen"}) == {crm.loner.no}
    assert nos({"post_code": "0150", "contact_type": "company"}) == crm.nos(
        crm.fjord, crm.bre
    )
    assert nos({"country": "no", "language": "NB"}) == {crm.per.no}


def test_classification_criteria(crm):
    # Business relations and industry groups match persons through the company.
    assert nos({"business_relation": "PROS"}) == crm.nos(crm.bre, crm.per, crm.lise)
    assert nos({"job_responsibility": "PURCHASE"}) == crm.nos(
        crm.kari, crm.per, crm.lise, crm.loner
    )
    assert nos({"industry_group": "retail"}) == crm.nos(crm.fjord, crm.kari, crm.ola)
    assert nos({"mailing_group": "NEWSLETTER"}) == {crm.lise.no}
    assert nos({"job_responsibility": "PURCHASE", "company": crm.bre.no}) == crm.nos(
        crm.per, crm.lise
    )


def make_entry(contact, template, **fields) -> InteractionLogEntry:
    # History criteria read the ledger; the rows' origin does not matter here
    # (the contact figures are kept as the services would).
    entry = InteractionLogEntry.objects.create(
        contact=contact,
        contact_company=contact.company or contact,
        template=template,
        group=template.group,
        date=fields.pop("date", dt.date(2026, 3, 1)),
        **fields,
    )
    refigure(InteractionLogEntry.objects.filter(pk=entry.pk))
    return entry


def test_history_criteria_need_one_entry_matching_all(crm, salesperson):
    phone = factories.TemplateFactory(code="PHONE", group__code="PHONE")
    make_entry(crm.kari, crm.template, evaluation="positive", date=dt.date(2026, 1, 10))
    make_entry(crm.ola, phone, evaluation="positive", salesperson=salesperson)
    make_entry(
        crm.per,
        crm.template,
        evaluation="negative",
        segment_no="SM000007",
        date=dt.date(2026, 1, 20),
    )
    make_entry(crm.per, phone, campaign=crm.campaign, date=dt.date(2026, 2, 1))

    assert nos({"interaction_template": "MAILING"}) == crm.nos(crm.kari, crm.per)
    assert nos({"interaction_group": "phone"}) == crm.nos(crm.ola, crm.per)
    assert nos({"evaluation": "positive"}) == crm.nos(crm.kari, crm.ola)
    assert nos({"campaign": "CP001"}) == {crm.per.no}
    assert nos({"interaction_salesperson": "JO"}) == {crm.ola.no}
    assert nos({"segment_no": "sm000007"}) == {crm.per.no}
    assert nos({"interaction_date_from": "2026-02-01"}) == crm.nos(crm.ola, crm.per)
    assert nos({"interaction_date_to": dt.date(2026, 1, 31)}) == crm.nos(
        crm.kari, crm.per
    )
    # Per has a MAILING entry (January) and a February PHONE entry, but no
    # single entry that is both MAILING and from February on.
    assert (
        nos({"interaction_template": "MAILING", "interaction_date_from": "2026-02-01"})
        == set()
    )
    # Combined with contact criteria.
    assert nos({"interaction_template": "MAILING", "company": crm.bre.no}) == {
        crm.per.no
    }


def test_history_criteria_ignore_canceled_and_postponed_entries(crm):
    make_entry(crm.kari, crm.template, canceled=True)
    make_entry(crm.ola, crm.template, postponed=True)
    make_entry(crm.per, crm.template)
    assert nos({"interaction_template": "MAILING"}) == {crm.per.no}


def test_history_criteria_one_exists_subquery(crm):
    sql = str(
        matching_contacts(
            {
                "interaction_template": "MAILING",
                "evaluation": "positive",
                "interaction_date_from": "2026-01-01",
            }
        ).query
    )
    assert sql.count("EXISTS") == 1


def test_unknown_and_invalid_criteria_refused(db):
    with pytest.raises(ValidationError) as error:
        matching_contacts({"colour": "red"})
    assert "colour" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        matching_contacts({"evaluation": "great", "contact_type": "robot"})
    assert set(error.value.message_dict) == {"evaluation", "contact_type"}


def test_empty_values_are_ignored(crm):
    assert nos({"name": "", "city": None}) == set(
        matching_contacts({}).values_list("no", flat=True)
    )
    segment = services.create_segment(actor=None, description="All")
    # Only empty values: no criterion at all, which needs a confirmation.
    with pytest.raises(ValidationError, match="No criterion"):
        services.add_contacts(segment=segment, actor=None, criteria={"name": ""})
    outcome = services.add_contacts(
        segment=segment, actor=None, criteria={"name": ""}, confirm_all=True
    )
    assert outcome.added == 6  # everyone but the excluded Lise

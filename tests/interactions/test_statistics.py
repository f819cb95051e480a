"""Statistics (DOMAIN §7): canceled and postponed entries never count."""

import datetime as dt
from decimal import Decimal

import pytest

from contacts.models import Salesperson
from interactions.models import (
    Campaign,
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
)
from interactions.selectors import (
    annotate_statistics,
    campaign_statistics,
    contact_statistics,
    entry_totals,
)
from tests import factories
from tests.factories import make_entry

pytestmark = pytest.mark.django_db

JAN, FEB, MAR = dt.date(2026, 1, 15), dt.date(2026, 2, 15), dt.date(2026, 3, 15)


def test_entry_totals_leave_out_canceled_and_postponed(template):
    make_entry(template=template, cost=Decimal("10"), duration=Decimal("5"))
    make_entry(template=template, cost=Decimal("2.50"), duration=Decimal("1"))
    make_entry(template=template, cost=Decimal("100"), canceled=True)
    make_entry(template=template, cost=Decimal("1000"), postpone=True)

    totals = entry_totals(InteractionLogEntry.objects.all())

    assert totals == {"count": 2, "cost": Decimal("12.50"), "duration": Decimal("6")}


def test_entry_totals_of_nothing_are_zero():
    totals = entry_totals(InteractionLogEntry.objects.none())
    assert totals["count"] == 0
    assert totals["cost"] == 0


def test_company_figures_include_its_persons_and_a_person_only_its_own(
    company, person, template
):
    make_entry(company, template, cost=Decimal("1"), date=JAN)
    make_entry(person, template, cost=Decimal("2"), date=FEB)
    other = factories.PersonFactory(company=company)
    make_entry(other, template, cost=Decimal("4"), date=MAR)
    make_entry(person, template, cost=Decimal("8"), canceled=True)

    company_stats = contact_statistics(company)
    person_stats = contact_statistics(person)

    assert (company_stats["count"], company_stats["cost"]) == (3, Decimal("7"))
    assert (person_stats["count"], person_stats["cost"]) == (1, Decimal("2"))


def test_contact_figures_respect_the_date_range(company, template):
    for date in (JAN, FEB, MAR):
        make_entry(company, template, date=date, duration=Decimal("10"))

    stats = contact_statistics(company, date_from=FEB, date_to=MAR)

    assert (stats["count"], stats["duration"]) == (2, Decimal("20"))


def test_last_interaction_ignores_failed_attempts_and_canceled_entries(
    company, template
):
    make_entry(company, template, date=JAN, initiated_by="them")
    make_entry(company, template, date=FEB, attempt_failed=True, initiated_by="us")
    make_entry(company, template, date=MAR, canceled=True, initiated_by="us")

    stats = contact_statistics(company)

    assert stats["last_interaction_date"] == JAN
    assert stats["last_attempted_date"] == FEB


def test_contact_without_entries_has_no_dates(company):
    stats = contact_statistics(company)
    assert stats["count"] == 0
    assert stats["last_interaction_date"] is None
    assert stats["last_attempted_date"] is None


def test_contact_statistics_is_one_query(company, template, django_assert_num_queries):
    make_entry(company, template)
    with django_assert_num_queries(1):
        contact_statistics(company, date_from=JAN)


@pytest.mark.parametrize(
    "model", [InteractionTemplate, InteractionGroup, Salesperson, Campaign]
)
def test_annotated_lists_count_per_row_in_one_query(model, django_assert_num_queries):
    campaign_a, campaign_b = factories.CampaignFactory.create_batch(2)
    sp_a = factories.SalespersonFactory(code="A")
    sp_b = factories.SalespersonFactory(code="B")
    tmpl_a = factories.TemplateFactory(code="A", group__code="A")
    tmpl_b = factories.TemplateFactory(code="B", group__code="B")
    company = factories.CompanyFactory()
    for cost in ("1", "2"):
        make_entry(
            company,
            tmpl_a,
            salesperson=sp_a,
            campaign=campaign_a,
            cost=Decimal(cost),
            date=FEB,
        )
    make_entry(company, tmpl_a, salesperson=sp_a, campaign=campaign_a, canceled=True)
    make_entry(company, tmpl_a, salesperson=sp_a, campaign=campaign_a, date=JAN)
    make_entry(company, tmpl_b, salesperson=sp_b, campaign=campaign_b, date=FEB)
    rows_a = {
        InteractionTemplate: tmpl_a,
        InteractionGroup: tmpl_a.group,
        Salesperson: sp_a,
        Campaign: campaign_a,
    }[model]

    # One SELECT with the aggregates, however many rows the list has.
    with django_assert_num_queries(1):
        rows = {
            row.pk: row
            for row in annotate_statistics(model.objects.all(), date_from=FEB)
        }

    assert len(rows) >= 2
    row_a = rows[rows_a.pk]
    assert row_a.interaction_count == 2
    assert row_a.interaction_cost == Decimal("3")
    assert row_a.interaction_duration == Decimal("30")
    untouched = [r for pk, r in rows.items() if r.interaction_count == 0]
    assert all(r.interaction_cost == 0 for r in untouched)


def test_annotate_statistics_takes_the_relation_explicitly(template):
    make_entry(template=template)
    row = annotate_statistics(InteractionTemplate.objects.all(), "entries").get()
    assert row.interaction_count == 1


def test_campaign_counts_contacts_contacted_and_responded(company, template):
    campaign = factories.CampaignFactory()
    person = factories.PersonFactory(company=company)
    # Two target entries for the same contact count it once.
    make_entry(company, template, campaign=campaign, campaign_target=True)
    make_entry(company, template, campaign=campaign, campaign_target=True)
    make_entry(person, template, campaign=campaign, campaign_target=True)
    make_entry(person, template, campaign=campaign, campaign_response=True)
    # Canceled entries do not count.
    other = factories.PersonFactory(company=company)
    make_entry(
        other,
        template,
        campaign=campaign,
        campaign_target=True,
        campaign_response=True,
        canceled=True,
    )

    stats = campaign_statistics(campaign)

    assert stats["count"] == 4
    assert stats["target_contacts_contacted"] == 2
    assert stats["contacts_responded"] == 1

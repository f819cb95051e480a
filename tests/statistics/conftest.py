"""A small log for the statistics tests: two of each master, and the noise.

Master "A" of each kind (template ``TA`` in group ``GA``, salesperson ``SA``,
campaign ``CA``) has two counted entries in February (costs 1 and 2, durations
3 and 4, one campaign target, one response, by a company and its person) and
one in January (cost 4, duration 5, target, another person). Each has a
canceled and a postponed entry (cost 100 / 1000, duration 200 / 2000, target
and response by contacts nothing else counts), which must never count. Master
"B" has one entry, so a list has ≥ 2 rows with figures.
"""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from tests import factories
from tests.api.conftest import (  # noqa: F401  (the API clients, for test_api)
    _fresh_throttle_counters,
    admin_api,
    anon_api,
    outsider_api,
)
from tests.factories import make_entry

JAN, FEB, MAR = dt.date(2026, 1, 15), dt.date(2026, 2, 15), dt.date(2026, 3, 15)

# Figures of master "A": all dates, and from February on.
ALL = {
    "count": 3,
    "cost": Decimal("7"),
    "duration": Decimal("12"),
    "target_contacts_contacted": 2,
    "contacts_responded": 1,
}
FROM_FEB = {
    "count": 2,
    "cost": Decimal("3"),
    "duration": Decimal("7"),
    "target_contacts_contacted": 1,
    "contacts_responded": 1,
}


@pytest.fixture
def log(db):
    company = factories.CompanyFactory(name="Fjord Handel AS")
    person = factories.PersonFactory(name="Kari Nordmann", company=company)
    other = factories.PersonFactory(name="Ola Nordmann", company=company)
    noise = factories.CompanyFactory(name="Støy AS")
    masters = {}
    for key in ("A", "B"):
        template = factories.TemplateFactory(code=f"T{key}", group__code=f"G{key}")
        masters[key] = SimpleNamespace(
            template=template,
            group=template.group,
            salesperson=factories.SalespersonFactory(code=f"S{key}", name=f"Sel {key}"),
            campaign=factories.CampaignFactory(no=f"C{key}", description=f"Camp {key}"),
        )

    def entry(contact, key="A", **values):
        master = masters[key]
        return make_entry(
            contact,
            master.template,
            salesperson=master.salesperson,
            campaign=master.campaign,
            **values,
        )

    entry(
        company,
        cost=Decimal("1"),
        duration=Decimal("3"),
        date=FEB,
        campaign_target=True,
    )
    entry(
        person,
        cost=Decimal("2"),
        duration=Decimal("4"),
        date=FEB,
        campaign_response=True,
    )
    entry(
        other, cost=Decimal("4"), duration=Decimal("5"), date=JAN, campaign_target=True
    )
    entry(
        noise,
        cost=Decimal("100"),
        duration=Decimal("200"),
        date=FEB,
        campaign_target=True,
        campaign_response=True,
        canceled=True,
    )
    entry(
        noise,
        cost=Decimal("1000"),
        duration=Decimal("2000"),
        date=FEB,
        campaign_target=True,
        campaign_response=True,
        postpone=True,
    )
    entry(company, "B", cost=Decimal("50"), duration=Decimal("60"), date=MAR)
    return SimpleNamespace(company=company, person=person, **masters)

"""The contact card's figures (issue #12, item 3).

Without a date range ``contact_statistics`` reads the maintained row
(tests/figures checks it after every write path); with one it reads only the
counted entries, from the partial covering indexes
``entry_contact_figures_idx`` / ``entry_company_figures_idx``.
These tests check the figures against a full recount in Python over every
entry (canceled, postponed, failed attempts, other contacts, date ranges), and
on PostgreSQL that the query is answerable by an index-only scan.
"""

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from interactions.models import InitiatedBy, InteractionLogEntry
from interactions.selectors.statistics import contact_statistics
from tests import factories
from tests.factories import make_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed_log(company, person, template):
    """Entries of a company, two of its persons and a stranger, of every kind."""
    other = factories.PersonFactory(company=company)
    stranger = factories.PersonFactory()
    rng = random.Random(12)
    for i in range(40):
        contact = rng.choice([person, person, other, company, stranger])
        make_entry(
            contact,
            template,
            date=dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(90)),
            cost=Decimal(rng.randrange(0, 5000)) / 100,
            duration=Decimal(rng.randrange(0, 120)),
            attempt_failed=rng.random() < 0.3,
            initiated_by=rng.choice([InitiatedBy.US, InitiatedBy.THEM]),
            canceled=rng.random() < 0.25,
            postpone=i % 9 == 0,
        )
    return {"person": person, "company": company, "stranger": stranger}


def recount(contact, date_from=None, date_to=None) -> dict:
    """The figures of DOMAIN §7 counted in Python over every entry."""
    rows = [
        e
        for e in InteractionLogEntry.objects.all()
        if (e.contact_company_id if contact.is_company else e.contact_id) == contact.pk
        and not e.canceled
        and not e.postponed
    ]
    ranged = [
        e
        for e in rows
        if (date_from is None or e.date >= date_from)
        and (date_to is None or e.date <= date_to)
    ]
    return {
        "count": len(ranged),
        "cost": sum((e.cost for e in ranged), Decimal(0)),
        "duration": sum((e.duration for e in ranged), Decimal(0)),
        "last_interaction_date": max(
            (e.date for e in rows if not e.attempt_failed), default=None
        ),
        "last_attempted_date": max(
            (e.date for e in rows if e.initiated_by == InitiatedBy.US), default=None
        ),
    }


@pytest.mark.parametrize("whose", ["person", "company", "stranger"])
@pytest.mark.parametrize(
    "date_range",
    [(None, None), (dt.date(2026, 2, 1), None), (None, dt.date(2026, 2, 15))],
)
def test_figures_match_a_full_recount(mixed_log, whose, date_range):
    contact = mixed_log[whose]

    figures = contact_statistics(contact, *date_range)

    assert figures == recount(contact, *date_range)
    assert figures["count"] > 0


def test_a_contact_without_entries_has_zero_figures(db):
    figures = contact_statistics(factories.PersonFactory())

    assert figures == {
        "count": 0,
        "cost": 0,
        "duration": 0,
        "last_interaction_date": None,
        "last_attempted_date": None,
    }


def test_canceled_and_postponed_entries_never_count(person, template):
    make_entry(person, template, canceled=True, cost=Decimal("5"))
    make_entry(person, template, cost=Decimal("7"), postpone=True)

    assert contact_statistics(person)["count"] == 0


@pytest.mark.postgres
@pytest.mark.parametrize("whose", ["person", "company"])
def test_the_figures_are_an_index_only_scan(mixed_log, whose):
    if connection.vendor != "postgresql":
        pytest.skip("index-only scans are PostgreSQL's")
    contact = mixed_log[whose]
    with CaptureQueriesContext(connection) as queries:
        # With a date range the figures are aggregated (without one they are
        # the maintained row: tests/figures).
        contact_statistics(contact, dt.date(2026, 2, 1))
    (query,) = queries.captured_queries
    index = (
        "entry_company_figures_idx"
        if whose == "company"
        else ("entry_contact_figures_idx")
    )
    with connection.cursor() as cursor:
        # A tiny table is cheaper to read whole: ask whether the index *can*
        # answer it without the heap.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + query["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert f"Index Only Scan using {index}" in plan, plan

"""The lean list path answers exactly what the entry serializer answers.

``/api/v1/interactions/`` and a contact's timeline build their rows from
``values()`` (issue #12); these tests compare every page against
``InteractionLogEntrySerializer`` over model instances of the same rows —
the serializer the endpoints used before and still use for one entry.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from interactions.api.entries.serializers import (
    InteractionLogEntrySerializer,
    entries,
)
from interactions.models import InteractionLogEntry
from interactions.services import create_interaction
from tests import factories
from tests.factories import make_entry
from tests.interactions.ledger_support import put_in_logged_segment

pytestmark = pytest.mark.django_db


@pytest.fixture
def varied_entries(person, company, template, integrator):
    """Entries that use every reference, null and format the serializer shows."""
    other_template = factories.TemplateFactory(code="PHONE", group__code="CALLS")
    campaign = factories.CampaignFactory(no="CP0042")
    made = [
        make_entry(
            person,
            template,
            date=dt.date(2026, 3, 2),
            time=dt.time(9, 30, 15),
            cost=Decimal("12.50"),
            duration=Decimal("7.25"),
            campaign=campaign,
            campaign_target=True,
            description="Visit",
            subject="Æøå subject",
        ),
        make_entry(company, other_template, date=dt.date(2026, 3, 2)),
        make_entry(person, other_template, canceled=True, date=dt.date(2026, 2, 1)),
        make_entry(
            company, template, date=dt.date(2025, 12, 31), evaluation="positive"
        ),
    ]
    create_interaction(actor=None, contact=person, template=template, postpone=True)
    put_in_logged_segment(made[1:2])
    InteractionLogEntry.objects.filter(pk=made[0].pk).update(
        logged_by=integrator, canceled_by=integrator, canceled_at=timezone.now()
    )
    # A reference left empty shows null (the ledger keeps what was logged).
    InteractionLogEntry.objects.filter(pk=made[1].pk).update(salesperson=None)
    return made


def expected(queryset) -> list[dict]:
    """The previous answer: full instances through the model serializer."""
    rows = queryset.order_by("-date", "-entry_no")
    return [dict(r) for r in InteractionLogEntrySerializer(rows, many=True).data]


def test_list_answers_what_the_serializer_answers(integrator_api, varied_entries):
    response = integrator_api.get("/api/v1/interactions/")

    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == len(varied_entries)
    assert results == _as_json(expected(entries()))


def test_every_field_of_the_schema_is_answered(integrator_api, varied_entries):
    row = integrator_api.get("/api/v1/interactions/").json()["results"][0]

    assert list(row) == list(InteractionLogEntrySerializer.Meta.fields)


def test_filtered_and_next_pages_answer_the_same(integrator_api, varied_entries):
    first = integrator_api.get("/api/v1/interactions/", {"page_size": 2}).json()
    second = integrator_api.get(first["next"]).json()

    assert first["results"] + second["results"] == _as_json(expected(entries()))
    filtered = integrator_api.get("/api/v1/interactions/", {"template": "phone"})
    assert filtered.json()["results"] == _as_json(
        expected(entries().filter(template__code="PHONE"))
    )


@pytest.mark.parametrize("whose", ["person", "company"])
def test_timeline_answers_what_the_serializer_answers(
    integrator_api, varied_entries, person, company, whose
):
    contact = {"person": person, "company": company}[whose]

    response = integrator_api.get(f"/api/v1/contacts/{contact.no}/interactions/")

    assert response.status_code == 200
    want = _as_json(expected(entries().for_contact(contact)))
    assert want  # the company rolls up its person's entries
    assert response.json()["results"] == want


def test_an_empty_page_answers_no_rows(integrator_api, varied_entries):
    response = integrator_api.get(
        "/api/v1/interactions/", {"template": "PHONE", "date_to": "2000-01-01"}
    )

    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.parametrize("name", ["template", "group", "salesperson", "campaign"])
def test_a_code_filter_naming_no_row_is_422_not_an_empty_page(
    integrator_api, varied_entries, name
):
    # A typo or a code deleted since the client read it: never "no entries".
    response = integrator_api.get("/api/v1/interactions/", {name: "NOTHING"})

    assert response.status_code == 422
    assert response.json()[name][0].startswith("There is no ")
    assert "“NOTHING”" in response.json()[name][0]


@pytest.mark.parametrize("name", ["template", "group", "salesperson", "campaign"])
def test_a_code_filter_given_empty_is_400_as_its_schema_says(
    integrator_api, varied_entries, name
):
    response = integrator_api.get("/api/v1/interactions/", {name: ""})

    assert response.status_code == 400
    assert list(response.json()) == [name]
    schema = integrator_api.get("/api/v1/schema/?format=json").json()
    parameters = schema["paths"]["/api/v1/interactions/"]["get"]["parameters"]
    (parameter,) = [p for p in parameters if p["name"] == name]
    assert parameter["schema"]["minLength"] == 1
    assert "422" in schema["paths"]["/api/v1/interactions/"]["get"]["responses"]


def test_list_query_count_does_not_grow_with_references(
    integrator_api, varied_entries, person, template, django_assert_num_queries
):
    """Token, 2 permissions, the page (no join), the keys of its references."""
    with django_assert_num_queries(5):
        integrator_api.get("/api/v1/interactions/")
    for code in ("A1", "A2", "A3"):
        make_entry(
            person,
            template,
            salesperson=factories.SalespersonFactory(code=code),
            campaign=factories.CampaignFactory(no=f"C{code}"),
        )
    with django_assert_num_queries(5):
        integrator_api.get("/api/v1/interactions/")


def test_the_page_query_joins_no_reference_table(integrator_api, varied_entries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        integrator_api.get("/api/v1/interactions/")

    page = [q["sql"] for q in queries if "interactionlogentry" in q["sql"]]
    assert len(page) == 1
    assert "JOIN" not in page[0].upper()


@pytest.mark.parametrize("zone", ["UTC", "Europe/Oslo", "America/St_Johns"])
def test_page_bytes_equal_the_serializer_in_every_time_zone(
    integrator_api, varied_entries, person, template, settings, zone
):
    """The rendered page is byte for byte the serializer's, whatever the zone.

    Timestamps in winter and summer time (and UTC, shown with ``Z``), the
    same amount written with two and with one decimal place, a date and a
    clock time shared by several entries: each is formatted once per value.
    """
    settings.TIME_ZONE = zone
    winter = dt.datetime(2026, 1, 15, 8, 0, 1, 250, tzinfo=dt.UTC)
    summer = dt.datetime(2026, 7, 1, 23, 59, 59, tzinfo=dt.UTC)
    for stamp, cost in ((winter, Decimal("3.10")), (summer, Decimal("3.1"))):
        entry = make_entry(
            person, template, date=dt.date(2026, 3, 2), time=dt.time(9, 30), cost=cost
        )
        InteractionLogEntry.objects.filter(pk=entry.pk).update(
            created_at=stamp, canceled_at=stamp
        )

    body = integrator_api.get("/api/v1/interactions/").content

    from rest_framework.renderers import JSONRenderer

    want = JSONRenderer().render(expected(entries()))
    assert b'"results":' + want + b"}" in body
    assert (b'Z"' in want) == (zone == "UTC")


def _page_querysets(person, company):
    """Querysets a list page reads, each filtered, ordered and sliced."""
    from interactions_crm.platform.keyset import _after

    visible = InteractionLogEntry.objects.visible()
    newest = ("-date", "-entry_no")
    return {
        "whole log": visible.order_by(*newest)[:51],
        "by code": visible.filter(template_id__in=[1, 2]).order_by(*newest)[:3],
        "after a cursor": visible.filter(
            _after(newest, [dt.date(2026, 3, 2), 10**6])
        ).order_by(*newest)[:51],
        "searched": visible.filter(subject__icontains="Æ", canceled=False).order_by(
            "entry_no"
        )[:51],
        "timeline": visible.for_contact(company).order_by(*newest)[:51],
        "no code matches": visible.filter(group_id__in=[]).order_by(*newest)[:51],
        "joined (contact no.)": visible.filter(contact__no__iexact=person.no).order_by(
            *newest
        )[:51],
    }


def test_page_rows_are_read_with_the_statement_values_would_run(
    varied_entries, person, company
):
    """The select compiled once writes Django's own ``values()`` statement."""
    from django.core.exceptions import EmptyResultSet

    from interactions.api.entries.lean import (
        ENTRY_COLUMNS,
        ENTRY_FIELDS,
        page_statement,
        read_rows,
    )

    def values(queryset):
        rows = queryset.values_list(*ENTRY_COLUMNS)
        return [dict(zip(ENTRY_FIELDS, row, strict=True)) for row in rows]

    querysets = _page_querysets(person, company)
    joined = querysets.pop("joined (contact no.)")
    nothing = querysets.pop("no code matches")
    for name, queryset in querysets.items():
        django = queryset.values(*ENTRY_COLUMNS)

        sql, params = page_statement(queryset)

        assert (sql, tuple(params)) == django.query.sql_with_params(), name
        assert read_rows(queryset) == values(queryset), name
    # Joined: read through values() itself; nothing to match: no query at all.
    assert page_statement(joined) is None
    assert read_rows(joined) == values(joined) != []
    with pytest.raises(EmptyResultSet):
        page_statement(nothing)
    assert read_rows(nothing) == []


def _as_json(rows: list[dict]) -> list[dict]:
    """Rows as the client reads them (through the JSON renderer)."""
    import json

    from rest_framework.renderers import JSONRenderer

    return json.loads(JSONRenderer().render(rows))

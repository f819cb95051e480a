"""List pages written as JSON text are byte for byte the serializer's.

The list and timeline rows are written by a template over values written
once per distinct value (``interactions.api.entries.lean_json``), not rendered
by DRF. The body must be exactly what DRF's renderer makes of
``InteractionLogEntrySerializer`` over the same entries: these tests store
values that are hard to write (every control character, quotes, backslashes,
U+2028, non-ASCII, amounts with trailing zeros, clock times with fractions,
nulls) and compare the bytes of every page, in several time zones.
"""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection
from rest_framework.renderers import JSONRenderer

from interactions.api.entries.lean_json import JsonPageResponse
from interactions.api.entries.serializers import InteractionLogEntrySerializer, entries
from interactions.models import InteractionLogEntry
from tests import factories
from tests.factories import make_entry
from tests.figures_recount import refigure

pytestmark = pytest.mark.django_db

#: Every character JSON must escape (no NUL: PostgreSQL text cannot hold it),
#: and what DRF escapes besides (U+2028, U+2029).
HARD_TEXT = (
    "".join(chr(c) for c in range(1, 32)) + '"\\/\x7f\u2028\u2029 Æøå ß 😀 \ufeff'
)


@pytest.fixture
def hard_entries(person, company, template, integrator):
    """Entries holding values whose JSON is easy to get wrong."""
    tricky_template = factories.TemplateFactory(code='Q"T\\1', group__code="Ü\u2028G")
    campaign = factories.CampaignFactory(no="CP\t9")
    integrator.username = "erp😀\"'"
    integrator.save()
    rows = [
        # (contact, template, stored values)
        (
            person,
            template,
            {
                "description": HARD_TEXT[:100],
                "subject": "a\\u0041 100%s %%",
                # Equal to 0.00 (remembered), yet written "-0.00" where the
                # database keeps the sign.
                "duration": Decimal("-0.00"),
            },
        ),
        (
            person,
            tricky_template,
            {
                "cost": Decimal("12.50"),
                "duration": Decimal("0.00"),
                "time": dt.time(9, 30, 15, 500000),
                "cancel_reason": HARD_TEXT[-40:],
                "campaign": campaign,
                "logged_by": integrator,
                "canceled_by": integrator,
                "canceled": True,
                "canceled_at": dt.datetime(2026, 7, 1, 22, 0, tzinfo=dt.UTC),
                "attempt_failed": True,
            },
        ),
        (
            company,
            template,
            {
                "cost": Decimal("999999999999.99"),
                "duration": Decimal("10.10"),
                "time": dt.time(0, 0, 0, 1),
                "salesperson": None,
                "opportunity_ref": "</script>&<'>",
                "contact_via": "\u2029",
            },
        ),
        (
            company,
            tricky_template,
            {
                "time": None,
                "document_no": "",
                "language": "nb",
                "evaluation": "positive",
            },
        ),
    ]
    made = []
    for day, (contact, used_template, values) in enumerate(rows, start=1):
        entry = make_entry(contact, used_template, date=dt.date(2026, 3, day))
        InteractionLogEntry.objects.filter(pk=entry.pk).update(
            created_at=dt.datetime(2026, 1, day, 12, 0, day, 250, tzinfo=dt.UTC),
            **values,
        )
        made.append(entry)
    # Hard values set directly (cost, attempt failed …): figures as the
    # services would keep them.
    refigure(InteractionLogEntry.objects.filter(pk__in=[e.pk for e in made]))
    return made


def _serializer_bytes(response, queryset, media_type=None) -> bytes:
    """What DRF's renderer writes for the serializer's page of ``queryset``."""
    page = response.json()
    rows = queryset.order_by("-date", "-entry_no")
    results = InteractionLogEntrySerializer(
        rows[: len(page["results"]) + _skipped(page, rows)], many=True
    ).data[_skipped(page, rows) :]
    data = {
        "next": page["next"],
        "next_cursor": page["next_cursor"],
        "results": results,
    }
    return JSONRenderer().render(data, media_type, {})


def _skipped(page, rows) -> int:
    """How many rows come before the page (it starts after a cursor)."""
    if not page["results"]:
        return 0
    first = page["results"][0]["entry_no"]
    return [row.entry_no for row in rows].index(first)


def _json_path_expected(response) -> None:
    """The page went through the JSON text path (not DRF's renderer)."""
    assert isinstance(response, JsonPageResponse), connection.vendor


@pytest.mark.parametrize("zone", ["UTC", "Europe/Oslo", "America/St_Johns"])
def test_list_and_timelines_are_the_serializers_bytes(
    integrator_api, hard_entries, person, company, settings, zone
):
    settings.TIME_ZONE = zone
    pages = {
        "/api/v1/interactions/": entries(),
        f"/api/v1/contacts/{person.no}/interactions/": entries().for_contact(person),
        # The company's roll-up: its own entries and its person's.
        f"/api/v1/contacts/{company.no}/interactions/": entries().for_contact(company),
        "/api/v1/interactions/?ordering=entry_no": entries(),
    }
    for url, queryset in pages.items():
        response = integrator_api.get(url)

        assert response.status_code == 200, url
        _json_path_expected(response)
        if "ordering" in url:
            want = InteractionLogEntrySerializer(
                queryset.order_by("entry_no"), many=True
            ).data
            assert response.json()["results"] == json.loads(JSONRenderer().render(want))
            continue
        assert response.content == _serializer_bytes(response, queryset), url
        assert response["Content-Type"] == "application/json"
    # Escaped as DRF escapes: no raw control character, U+2028 or U+2029.
    body = integrator_api.get("/api/v1/interactions/").content.decode()
    assert "\\u2028" in body and "\u2028" not in body and "\x1f" not in body


def test_pages_after_a_cursor_and_an_empty_page(integrator_api, hard_entries, person):
    url = f"/api/v1/contacts/{person.no}/interactions/"
    first = integrator_api.get(url, {"page_size": 1})
    second = integrator_api.get(first.json()["next"])
    empty = integrator_api.get("/api/v1/interactions/", {"date_to": "2000-01-01"})

    queryset = entries().for_contact(person)
    assert first.json()["next_cursor"] and second.json()["next_cursor"] is None
    for response in (first, second):
        _json_path_expected(response)
        assert response.content == _serializer_bytes(response, queryset)
    assert empty.content == b'{"next":null,"next_cursor":null,"results":[]}'


def test_data_is_the_rendered_pages_data(integrator_api, hard_entries):
    """``response.data`` (tests, middleware) still answers the page's data."""
    response = integrator_api.get("/api/v1/interactions/")

    assert response.data == response.json()
    assert list(response.data) == ["next", "next_cursor", "results"]


def test_an_indented_page_is_rendered_by_drf_itself(integrator_api, hard_entries):
    response = integrator_api.get(
        "/api/v1/interactions/", HTTP_ACCEPT="application/json; indent=4"
    )

    assert not isinstance(response, JsonPageResponse)
    want = _serializer_bytes(response, entries(), "application/json; indent=4")
    assert response.content == want
    assert b'\n    "next"' in response.content


def test_columns_alike_on_the_page_are_written_once_and_still_per_row(
    integrator_api, person, template, settings
):
    """A column with one value on the whole page is written once for all rows
    (the timeline's contact, fields left empty); one value differing in the
    last row only, an amount equal but not alike (-0.00), a single row."""
    settings.TIME_ZONE = "Europe/Oslo"
    made = [make_entry(person, template, date=dt.date(2026, 3, d)) for d in (1, 2, 3)]
    same = {
        "created_at": dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC),
        "cost": Decimal("0.00"),
        "subject": "Same",
    }
    InteractionLogEntry.objects.filter(pk__in=[e.pk for e in made]).update(**same)
    # The oldest entry (last row of the page) differs in one column each.
    InteractionLogEntry.objects.filter(pk=made[0].pk).update(
        subject="Other", duration=Decimal("-0.00"), language="nb"
    )
    refigure(InteractionLogEntry.objects.filter(pk__in=[e.pk for e in made]))
    url = f"/api/v1/contacts/{person.no}/interactions/"
    queryset = entries().for_contact(person)

    for query in ({}, {"page_size": 1}):
        response = integrator_api.get(url, query)

        _json_path_expected(response)
        assert response.content == _serializer_bytes(response, queryset)
    rows = integrator_api.get(url).json()["results"]
    assert [row["subject"] for row in rows] == ["Same", "Same", "Other"]
    assert [row["language"] for row in rows] == ["", "", "nb"]

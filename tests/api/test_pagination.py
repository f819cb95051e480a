"""Keyset pagination: every entry exactly once, also thousands with one date."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.models import Contact
from interactions.models import InteractionLogEntry
from interactions.services.segments import add_contacts, create_segment, log_segment
from interactions_crm.platform.keyset import encode_cursor
from tests import factories
from tests.interactions.ledger_support import make_entries

pytestmark = pytest.mark.django_db

SEGMENT_SIZE = 5_000


@pytest.fixture
def logged_5000(staff_user, template, salesperson):
    """A logged segment of 5,000 entries: all with the same date."""
    Contact.objects.bulk_create(
        Contact(no=f"BULK{n:05d}", type=Contact.Type.COMPANY, name=f"Bulk {n}")
        for n in range(SEGMENT_SIZE)
    )
    segment = create_segment(
        actor=staff_user, description="Mass mailing", template=template
    )
    add_contacts(
        segment=segment,
        actor=staff_user,
        criteria={"contact_no": ""},
        confirm_all=True,
    )
    assert segment.lines.count() == SEGMENT_SIZE
    return log_segment(segment=segment, actor=staff_user)


def test_pages_through_5000_entries_with_one_date_exactly_once(
    integrator_api, logged_5000
):
    assert InteractionLogEntry.objects.values("date").distinct().count() == 1
    seen: list[int] = []
    url = "/api/v1/interactions/?page_size=100"
    pages = 0
    with CaptureQueriesContext(connection) as queries:
        while url:
            body = integrator_api.get(url).json()
            seen.extend(row["entry_no"] for row in body["results"])
            url = body["next"]
            pages += 1

    assert pages == SEGMENT_SIZE // 100
    assert len(seen) == SEGMENT_SIZE
    assert set(seen) == set(
        InteractionLogEntry.objects.values_list("entry_no", flat=True)
    )
    assert seen == sorted(seen, reverse=True)
    assert not [q for q in queries if "COUNT(" in q["sql"].upper()]


def test_pages_in_entry_number_order_too(integrator_api, person, template):
    entries = make_entries(5, contact=person, template=template, description="A")
    seen: list[int] = []
    url = "/api/v1/interactions/?ordering=entry_no&page_size=2"
    while url:
        body = integrator_api.get(url).json()
        seen.extend(row["entry_no"] for row in body["results"])
        url = body["next"]

    assert seen == [e.entry_no for e in entries]


def test_next_cursor_continues_like_next(integrator_api, person, template):
    make_entries(3, contact=person, template=template, description="A")
    first = integrator_api.get("/api/v1/interactions/", {"page_size": 2}).json()

    by_cursor = integrator_api.get(
        "/api/v1/interactions/", {"page_size": 2, "cursor": first["next_cursor"]}
    ).json()

    assert by_cursor == integrator_api.get(first["next"]).json()
    assert by_cursor["next_cursor"] is None


@pytest.mark.parametrize(
    "cursor",
    [
        "not-base64-json!",
        encode_cursor([{"d": "2026-01-01"}]),  # wrong length
        encode_cursor([{"d": "2026-13-45"}, 5]),
        encode_cursor([{"d": "2026-01-01"}, "five"]),
        encode_cursor([{"d": "2026-01-01"}, [1]]),
        encode_cursor([{"d": "2026-01-01"}, None]),
    ],
)
def test_tampered_cursor_is_400(integrator_api, cursor):
    response = integrator_api.get("/api/v1/interactions/", {"cursor": cursor})

    assert response.status_code == 400
    assert response.json() == {"cursor": ["Invalid cursor."]}


def test_cursor_of_another_ordering_is_400(integrator_api, person, template):
    make_entries(3, contact=person, template=template, description="A")
    cursor = integrator_api.get("/api/v1/interactions/", {"page_size": 1}).json()[
        "next_cursor"
    ]

    response = integrator_api.get(
        "/api/v1/interactions/", {"cursor": cursor, "ordering": "entry_no"}
    )

    assert response.status_code == 400


def test_huge_entry_number_in_cursor_is_an_empty_page(integrator_api, person, template):
    make_entries(2, contact=person, template=template, description="A")
    cursor = encode_cursor([2**70])

    response = integrator_api.get(
        "/api/v1/interactions/", {"cursor": cursor, "ordering": "entry_no"}
    )

    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.parametrize("size", ["0", "101", "ten", "-1"])
def test_bad_page_size_is_400(integrator_api, size):
    response = integrator_api.get("/api/v1/interactions/", {"page_size": size})

    assert response.status_code == 400
    assert "page_size" in response.json()


def test_unknown_ordering_is_400(integrator_api):
    response = integrator_api.get("/api/v1/interactions/", {"ordering": "cost"})

    assert response.status_code == 400
    assert "ordering" in response.json()


def test_contact_pages_do_not_repeat(integrator_api):
    factories.CompanyFactory.create_batch(7, name="Same name")
    seen: list[str] = []
    url = "/api/v1/contacts/?ordering=name&page_size=3"
    while url:
        body = integrator_api.get(url).json()
        seen.extend(row["no"] for row in body["results"])
        url = body["next"]

    assert len(seen) == len(set(seen)) == 7

"""Timestamps of the JSON list pages are written from PostgreSQL's text
exactly as DRF's ``DateTimeField`` writes the ``datetime``.

``interactions.api.entries.lean_timestamps`` rewrites ``2026-11-27
10:11:12.5+00`` by string operations and an offset worked out once per UTC
day. These tests hold it to the field's own answer on the days where that is
easy to get wrong: a local date before or after the UTC one, the days the
offset changes, offsets of half and three quarters of an hour, offsets in
seconds (local mean time of old), fractions PostgreSQL shortens, and text
the fast path must not take.
"""

import datetime as dt
import json
import random

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from interactions.api.entries.lean import read_tuples
from interactions.api.entries.lean_timestamps import timestamp_writer
from interactions.api.entries.serializers import InteractionLogEntrySerializer, entries
from interactions.models import InteractionLogEntry
from tests.factories import make_entry
from tests.figures_recount import refigure

ZONES = [
    "UTC",
    "Europe/Oslo",
    "America/St_Johns",  # -03:30 / -02:30, and -03:30:52 before 1935
    "Asia/Kathmandu",  # +05:45
    "Pacific/Kiritimati",  # +14:00: most local times on the next day
    "Pacific/Pago_Pago",  # -11:00
    "Australia/Lord_Howe",  # half an hour of daylight saving
]

#: Instants on the days that matter, in UTC.
INSTANTS = [
    dt.datetime(2026, 1, 1, 0, 0, tzinfo=dt.UTC),
    dt.datetime(2026, 1, 1, 23, 59, 59, 999999, tzinfo=dt.UTC),
    dt.datetime(2026, 3, 29, 0, 59, 59, 999999, tzinfo=dt.UTC),  # Oslo: summer
    dt.datetime(2026, 3, 29, 1, 0, tzinfo=dt.UTC),
    dt.datetime(2026, 3, 8, 5, 30, 1, 10, tzinfo=dt.UTC),  # St John's: summer
    dt.datetime(2026, 10, 25, 0, 30, 0, 500000, tzinfo=dt.UTC),  # Oslo: winter
    dt.datetime(2026, 10, 25, 1, 30, 0, 120000, tzinfo=dt.UTC),
    dt.datetime(2026, 4, 5, 14, 45, 30, 1000, tzinfo=dt.UTC),  # Lord Howe
    dt.datetime(1900, 6, 1, 12, 0, 0, 250, tzinfo=dt.UTC),  # LMT offsets
    dt.datetime(1, 1, 2, 0, 0, tzinfo=dt.UTC),  # the calendar's first days
    dt.datetime(9999, 12, 30, 12, 0, tzinfo=dt.UTC),
]


def postgres_text(value: dt.datetime) -> str:
    """How PostgreSQL writes ``value`` in a UTC session (ISO date style):
    a space for the ``T``, ``+00``, the fraction without trailing zeros."""
    text = value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
    if "." in text:
        text = text.rstrip("0")
    return text + "+00"


def _written_by_drf(field, value: dt.datetime | None) -> str:
    return json.dumps(field.to_representation(value) if value else None)


@pytest.fixture
def created_at():
    return InteractionLogEntrySerializer().fields["created_at"]


@pytest.mark.parametrize("zone", ZONES)
def test_every_minute_of_the_days_the_offset_changes(created_at, zone):
    """Each minute of a year's transition days and their neighbours, and the
    days that matter (INSTANTS), as the field writes them."""
    with timezone.override(zone):
        write = timestamp_writer(created_at, json.dumps)
        days = [dt.date(2026, 3, d) for d in (7, 8, 28, 29, 30)] + [
            dt.date(2026, 4, 4),
            dt.date(2026, 4, 5),
            dt.date(2026, 10, 24),
            dt.date(2026, 10, 25),
            dt.date(2026, 11, 1),
        ]
        instants = list(INSTANTS)
        for day in days:
            start = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
            instants += [start + dt.timedelta(minutes=m) for m in range(0, 1440, 7)]
        for value in instants:
            text = postgres_text(value)
            assert write(text) == _written_by_drf(created_at, value), text


@pytest.mark.parametrize("zone", ZONES)
def test_random_instants_and_fractions(created_at, zone):
    chance = random.Random(zone)
    with timezone.override(zone):
        write = timestamp_writer(created_at, json.dumps)
        for _ in range(3000):
            value = dt.datetime(1890, 1, 1, tzinfo=dt.UTC) + dt.timedelta(
                seconds=chance.randrange(200 * 365 * 86400),
                microseconds=chance.choice([0, 1, 10, 120000, 999999, 500, 250000]),
            )
            assert write(postgres_text(value)) == _written_by_drf(created_at, value)


def test_other_text_goes_to_the_fields_own_rule(created_at):
    """Text the fast path does not take is parsed and written by the field:
    another session zone, a missing fraction separator, a datetime, null."""
    with timezone.override("Europe/Oslo"):
        write = timestamp_writer(created_at, json.dumps, ',"created_at":')
        offset = "2026-06-01 10:00:00.5+02"
        assert write(offset) == ',"created_at":"2026-06-01T10:00:00.500000+02:00"'
        value = dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC)
        assert write(value) == ',"created_at":"2026-06-01T10:00:00+02:00"'
        assert write(None) == ',"created_at":null'
        with pytest.raises(ValueError):
            write("2026-06-01 10:00:00x5+00")  # not a timestamp: not written


@pytest.mark.django_db
def test_the_list_reads_postgresqls_text_and_writes_the_serializers_bytes(
    integrator_api, person, template
):
    """Through the endpoint, on both databases: PostgreSQL's text of the
    timestamps (read as text) and SQLite's datetimes are written the same."""
    entry = make_entry(person, template, date=dt.date(2026, 3, 1))
    canceled = make_entry(person, template, date=dt.date(2026, 3, 2))
    InteractionLogEntry.objects.filter(pk=entry.pk).update(
        created_at=dt.datetime(2026, 3, 28, 23, 30, 0, 120, tzinfo=dt.UTC)
    )
    InteractionLogEntry.objects.filter(pk=canceled.pk).update(
        created_at=dt.datetime(2026, 3, 29, 1, 0, tzinfo=dt.UTC),
        canceled=True,
        canceled_at=dt.datetime(1900, 6, 1, 12, 0, 0, 250, tzinfo=dt.UTC),
    )
    refigure(InteractionLogEntry.objects.filter(pk=canceled.pk))  # as canceling
    queryset = entries().for_contact(person).order_by("-date", "-entry_no")
    # A page as the endpoint reads it: its own columns, sliced.
    page = queryset.select_related(None)[:50]
    read = list(read_tuples(page, as_text=True))
    at = InteractionLogEntrySerializer.Meta.fields.index("created_at")
    expected_type = str if connection.vendor == "postgresql" else dt.datetime
    assert {type(row[at]) for row in read} == {expected_type}

    for zone in ("Europe/Oslo", "America/St_Johns"):
        with override_settings(TIME_ZONE=zone):
            body = integrator_api.get(
                f"/api/v1/contacts/{person.no}/interactions/"
            ).json()
            want = InteractionLogEntrySerializer(queryset, many=True).data
        rows = body["results"]
        assert [r["created_at"] for r in rows] == [w["created_at"] for w in want]
        assert [r["canceled_at"] for r in rows] == [w["canceled_at"] for w in want]

"""The log's CSV export: labels not codes, the user's language, COPY = Python.

On PostgreSQL the export streams ``COPY … TO STDOUT``; on SQLite it formats
rows in Python. Both must write the same bytes for the same data.
"""

import csv
import dataclasses
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import translation

from contacts.models import CorrespondenceType
from interactions.models import (
    DeliveryStatus,
    DocumentType,
    Evaluation,
    InformationFlow,
    InitiatedBy,
    InteractionLogEntry,
)
from interactions.selectors.export import (
    CHOICES,
    EXPORT_COLUMNS,
    ExportFormat,
    UnsupportedFormat,
    copy_lines,
    export_entries,
    export_lines,
    python_lines,
    to_char_pattern,
)
from tests import factories
from tests.factories import make_entry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site_language_afterwards():
    """Requests in Norwegian leave Norwegian active in the thread: reset it."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


EXPORT = reverse("interactions:entry-export")


def words(text: str) -> set[str]:
    return set(text.replace("(", " ").replace(")", " ").split())


def english_only_words() -> set[str]:
    """Words of the export's English labels and headers that Norwegian lacks."""
    labels = [label for choices in CHOICES.values() for _c, label in choices.choices]
    labels += [header for _name, header, _kind in EXPORT_COLUMNS]
    found: set[str] = {"True", "False", "None"}
    for label in [*labels, "Yes", "No"]:
        with translation.override("en"):
            english = words(translation.gettext(str(label)))
        with translation.override("nb"):
            norwegian = words(translation.gettext(str(label)))
        found |= english - norwegian
    return found


def all_choice_codes() -> set[str]:
    return {code for choices in CHOICES.values() for code, _label in choices.choices}


def parse(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode())))


def varied_entries(person, company) -> list[InteractionLogEntry]:
    """Entries covering every choice code, blanks, None and CSV special characters."""
    salesperson = factories.SalespersonFactory(code="KARI")
    campaign = factories.CampaignFactory(no="CAMP01")
    entries = [
        make_entry(
            person,
            date=dt.date(2026, 11, 7),
            time=dt.time(9, 5, 31),
            description='Comma, "quote" and\nnew line',
            subject="Æøå — ünïcode\rreturn",
            cost=Decimal("1234.50"),
            duration=Decimal("0.25"),
            information_flow=InformationFlow.OUTBOUND,
            initiated_by=InitiatedBy.US,
            correspondence_type=CorrespondenceType.HARD_COPY,
            evaluation=Evaluation.VERY_POSITIVE,
            attempt_failed=True,
            salesperson=salesperson,
            campaign=campaign,
            opportunity_ref="\\.",
        ),
        make_entry(company, canceled=True, description=""),
    ]
    # Every remaining code once. The document and delivery fields are written by
    # their own services (document recording, the outbox); setting them here
    # directly is test data, not a write path.
    codes = {
        "information_flow": list(InformationFlow.values),
        "initiated_by": list(InitiatedBy.values),
        "evaluation": list(Evaluation.values),
        "correspondence_type": list(CorrespondenceType.values),
        "delivery_status": list(DeliveryStatus.values),
        "document_type": list(DocumentType.values),
    }
    longest = max(len(values) for values in codes.values())
    for i in range(longest):
        entry = make_entry(person, date=dt.date(2026, 1, 1) + dt.timedelta(days=i))
        InteractionLogEntry.objects.filter(pk=entry.pk).update(
            **{name: values[i % len(values)] for name, values in codes.items()}
        )
        entries.append(entry)
    return entries


def test_header_and_labels_follow_the_language(staff_user, client, person, company):
    entry = make_entry(
        person,
        date=dt.date(2026, 11, 27),
        time=dt.time(16, 49),
        cost=Decimal("12.50"),
        information_flow=InformationFlow.OUTBOUND,
        initiated_by=InitiatedBy.US,
        attempt_failed=True,
    )
    client.force_login(staff_user)

    english = parse(b"".join(client.get(EXPORT).streaming_content))
    norwegian = parse(
        b"".join(client.get(EXPORT, HTTP_ACCEPT_LANGUAGE="nb").streaming_content)
    )

    columns = [name for name, _header, _kind in EXPORT_COLUMNS]
    en = dict(zip(columns, english[1], strict=True))
    nb = dict(zip(columns, norwegian[1], strict=True))
    assert english[0][:3] == ["Entry no.", "Date", "Time"]
    assert norwegian[0][:3] == ["Løpenr.", "Dato", "Klokkeslett"]
    assert en["entry_no"] == nb["entry_no"] == str(entry.entry_no)
    assert (en["date"], nb["date"]) == ("2026-11-27", "27.11.2026")
    assert en["time"] == nb["time"] == "16:49"
    assert (en["cost"], nb["cost"]) == ("12.50", "12,50")
    assert (en["information_flow"], nb["information_flow"]) == ("Outbound", "Utgående")
    assert (en["initiated_by"], nb["initiated_by"]) == ("Us", "Oss")
    assert (en["attempt_failed"], nb["attempt_failed"]) == ("Yes", "Ja")
    assert (en["canceled"], nb["canceled"]) == ("No", "Nei")
    assert en["evaluation"] == nb["evaluation"] == ""  # blank, not "(blank)"


def test_norwegian_export_has_no_code_and_no_english_word(person, company):
    varied_entries(person, company)
    codes = all_choice_codes() - {""}

    with translation.override("nb"):
        rows = parse(b"".join(export_lines({}, sort="oldest")))

    labelled = [
        i
        for i, (name, _h, kind) in enumerate(EXPORT_COLUMNS)
        if name in CHOICES or kind != "text"
    ]
    for row in rows[1:]:
        for i in labelled:
            assert row[i] not in codes, (rows[0][i], row[i])
    seen = {word for cell in rows[0] for word in words(cell)} | {
        word for row in rows[1:] for i in labelled for word in words(row[i])
    }
    assert not seen & english_only_words()
    assert any(row[i] == "Utgående" for row in rows for i in labelled)


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="COPY … TO STDOUT is PostgreSQL's"
)
@pytest.mark.parametrize("language", ["en", "nb"])
def test_copy_and_python_write_the_same_bytes(person, company, language):
    varied_entries(person, company)

    with translation.override(language):
        form = ExportFormat.current()
        rows = export_entries({}, sort="newest")
        copied = b"".join(copy_lines(rows, form))
        formatted = b"".join(python_lines(rows, form))

    assert len(parse(copied)) == InteractionLogEntry.objects.visible().count() + 1
    assert copied == formatted


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="COPY … TO STDOUT is PostgreSQL's"
)
def test_other_date_formats_go_through_to_char_and_stay_identical(person, company):
    varied_entries(person, company)
    form = dataclasses.replace(
        ExportFormat.current(), date_format="j/n/y", time_format="G.i"
    )
    assert form.date_style is None
    rows = export_entries({}, sort="oldest")

    copied = b"".join(copy_lines(rows, form))

    assert copied == b"".join(python_lines(rows, form))
    assert any(row[1] == "7/11/26" and row[2] == "9.05" for row in parse(copied))


def date_style() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW DateStyle")
        return cursor.fetchone()[0]


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="COPY … TO STDOUT is PostgreSQL's"
)
def test_the_date_style_is_put_back_even_when_the_download_stops(person):
    for _i in range(5):
        make_entry(person)
    before = date_style()
    with translation.override("nb"):
        form = ExportFormat.current()
        assert form.date_style == "German, DMY"
        lines = copy_lines(export_entries({}, sort="newest"), form, chunk_size=1)
        next(lines)  # the header
        row = next(lines)  # the first row: the COPY runs
        lines.close()  # the client went away

    assert row.split(b",")[1] == b"02.03.2026"
    assert date_style() == before
    # psycopg reads timestamps with time zone only in ISO style.
    assert InteractionLogEntry.objects.values_list("created_at", flat=True)[0]


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="COPY … TO STDOUT is PostgreSQL's"
)
def test_postgresql_export_streams_through_copy(staff_user, client, person):
    make_entry(person, description="Wanted")
    client.force_login(staff_user)

    response = client.get(EXPORT, {"contact": person.no})
    body = b"".join(response.streaming_content)

    assert b"Wanted" in body
    form = ExportFormat.current()
    statement = form.copy_statement(export_entries({"contact": person.no}, sort=""))
    assert statement.startswith("COPY (SELECT ")
    assert statement.endswith("TO STDOUT WITH (FORMAT csv, HEADER false)")


def test_the_header_leaves_before_any_row_is_read(person, django_assert_num_queries):
    make_entry(person)

    with translation.override("en"), django_assert_num_queries(0):
        lines = export_lines({}, sort="newest")
        first = next(lines)

    assert first.decode().startswith("Entry no.,Date,Time,")
    assert first.count(b"\n") == 1


def test_python_chunks_hold_every_row_once(db):
    entries = [make_entry(description=f"Row {i}") for i in range(5)]
    rows = InteractionLogEntry.objects.order_by("entry_no")

    chunks = list(python_lines(rows, ExportFormat.current(), chunk_size=2))

    assert len(chunks) == 4  # header, rows 1-2, 3-4, then 5
    parsed = parse(b"".join(chunks))
    assert [int(line[0]) for line in parsed[1:]] == [e.entry_no for e in entries]


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="COPY … TO STDOUT is PostgreSQL's"
)
def test_copy_chunks_hold_every_row_once(db):
    entries = [make_entry(description=f"Row {i}") for i in range(4)]
    rows = InteractionLogEntry.objects.order_by("entry_no")
    form = ExportFormat.current()

    chunks = list(copy_lines(rows, form, chunk_size=2))

    assert [chunk.count(b"\n") for chunk in chunks] == [1, 2, 2]  # no empty chunk
    assert b"".join(chunks) == b"".join(python_lines(rows, form))
    parsed = parse(b"".join(chunks))
    assert [int(line[0]) for line in parsed[1:]] == [e.entry_no for e in entries]


def test_an_invalid_filter_exports_only_the_header(staff_user, client, person):
    make_entry(person)
    client.force_login(staff_user)

    body = b"".join(client.get(EXPORT, {"date_from": "not a date"}).streaming_content)

    assert len(parse(body)) == 1


def test_only_numeric_date_formats_reach_postgresql():
    assert to_char_pattern("d.m.Y H:i") == 'DD"."MM"."YYYY" "HH24":"MI'
    assert to_char_pattern("j/n/y") == 'FMDD"/"FMMM"/"YY'
    with pytest.raises(UnsupportedFormat, match="'F'"):
        to_char_pattern("j. F Y")
    with pytest.raises(UnsupportedFormat, match="'P'"):
        to_char_pattern("P")

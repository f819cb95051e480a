"""The database refuses to delete active interaction log entries (DOMAIN §6.4)."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from interactions.guard import allow_active_entry_deletion
from interactions.models import InteractionLogEntry
from tests import factories
from tests.figures_recount import refigure


def make_raw_entry(contact, template, **fields) -> InteractionLogEntry:
    # The guard is about the database, so build the row directly (the
    # contact figures kept as the services would).
    entry = InteractionLogEntry.objects.create(
        contact=contact,
        contact_company=contact,
        template=template,
        group=template.group,
        date=dt.date(2026, 1, 5),
        **fields,
    )
    refigure(InteractionLogEntry.objects.filter(pk=entry.pk))
    return entry


@pytest.fixture
def entries(db):
    company = factories.CompanyFactory()
    template = factories.TemplateFactory()
    return {
        "active": make_raw_entry(company, template),
        "canceled": make_raw_entry(company, template, canceled=True),
        "postponed": make_raw_entry(company, template, postponed=True),
    }


def raw_delete(entry_no: int) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM interactions_interactionlogentry WHERE entry_no = %s",
            [entry_no],
        )


def test_raw_sql_delete_of_active_entry_fails_in_database(entries):
    with pytest.raises(IntegrityError):
        raw_delete(entries["active"].entry_no)
    assert InteractionLogEntry.objects.filter(pk=entries["active"].pk).exists()


def test_orm_delete_of_active_entry_fails_in_database(entries):
    with pytest.raises(IntegrityError), transaction.atomic():
        InteractionLogEntry.objects.filter(pk=entries["active"].pk).delete()
    assert InteractionLogEntry.objects.filter(pk=entries["active"].pk).exists()


def test_mixed_delete_fails_whole_statement(entries):
    with pytest.raises(IntegrityError), transaction.atomic():
        InteractionLogEntry.objects.all()._raw_delete(connection.alias)
    assert InteractionLogEntry.objects.count() == 3


def test_canceled_and_postponed_entries_can_be_deleted(entries):
    raw_delete(entries["canceled"].entry_no)
    raw_delete(entries["postponed"].entry_no)
    assert list(InteractionLogEntry.objects.values_list("pk", flat=True)) == [
        entries["active"].pk
    ]


# The bypass is for flushing a database: it deletes counted entries and leaves
# their figures as they were.
@pytest.mark.figures_unmaintained
def test_explicit_maintenance_bypass_allows_delete(entries):
    with allow_active_entry_deletion():
        raw_delete(entries["active"].entry_no)
    assert not InteractionLogEntry.objects.filter(pk=entries["active"].pk).exists()
    # The bypass ends with the block.
    other = make_raw_entry(entries["canceled"].contact, entries["canceled"].template)
    with pytest.raises(IntegrityError):
        raw_delete(other.entry_no)


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_log_through_the_bypass():
    company = factories.CompanyFactory()
    make_raw_entry(company, factories.TemplateFactory())
    call_command("flush", interactive=False, verbosity=0)
    assert InteractionLogEntry.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_flush_keeps_the_rows_the_application_needs():
    from contacts.models import NumberSeries
    from interactions.models import DocumentTemplateSetup, DocumentType

    call_command("flush", interactive=False, verbosity=0)
    assert set(NumberSeries.objects.values_list("code", flat=True)) >= {
        "CONTACT",
        "CAMPAIGN",
        "SEGMENT",
    }
    assert DocumentTemplateSetup.objects.count() == len(DocumentType.values)

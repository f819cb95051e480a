"""Migration 0015 fills the contact figures from the entries already logged."""

import importlib
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from interactions.models import ContactFigures, InitiatedBy
from interactions.services import cancel_entries
from tests import factories
from tests.factories import make_entry
from tests.figures_recount import assert_figures_recounted

pytestmark = pytest.mark.django_db


def run(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


migration = importlib.import_module("interactions.migrations.0015_contactfigures")


def test_the_fill_equals_a_full_recount(company, person, template):
    loner = factories.PersonFactory(company=None)
    make_entry(person, template, cost=Decimal(2), initiated_by=InitiatedBy.US)
    make_entry(company, template, attempt_failed=True)
    make_entry(loner, template, duration=Decimal(5))
    cancel_entries(actor=None, entries=[make_entry(person, template)])
    make_entry(person, template, postpone=True)
    expected = assert_figures_recounted()
    ContactFigures.objects.all().delete()  # as before the migration

    # The function uses only the editor's connection and execute (a real
    # schema editor cannot open inside SQLite's test transaction).
    migration.fill_figures(apps, SimpleNamespace(connection=connection, execute=run))

    assert assert_figures_recounted() == expected
    assert ContactFigures.objects.count() == len(expected)

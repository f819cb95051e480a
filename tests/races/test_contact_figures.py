"""Concurrent writers never lose an increment of the contact figures (PostgreSQL).

Threads, each with its own connection, add entries to the same person (and so
to its company's row) while another cancels and un-cancels entries of the
same contact: afterwards the maintained figures equal a full recount.
"""

import random
import threading
from decimal import Decimal

from django.db import connection

from interactions.models import InteractionLogEntry
from interactions.services import cancel_entries, uncancel_entries
from tests import factories
from tests.factories import make_entry
from tests.figures_recount import assert_figures_recounted
from tests.races import CONCURRENT_WRITERS

pytestmark = CONCURRENT_WRITERS

ADDERS = 3
ROUNDS = 12


def test_concurrent_adds_and_cancels_keep_the_figures_right():
    company = factories.CompanyFactory()
    person = factories.PersonFactory(company=company)
    template = factories.TemplateFactory()
    salesperson = factories.SalespersonFactory()
    make_entry(person, template, salesperson=salesperson)
    start = threading.Barrier(ADDERS + 1)
    errors: list[BaseException] = []

    def add(index: int) -> None:
        try:
            start.wait()
            for round_ in range(ROUNDS):
                make_entry(
                    company if round_ % 4 == 0 else person,
                    template,
                    salesperson=salesperson,
                    cost=Decimal(index + 1),
                )
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    def cancel() -> None:
        rng = random.Random(7)
        try:
            start.wait()
            for _round in range(ROUNDS):
                entries = list(InteractionLogEntry.objects.values_list("pk", flat=True))
                chosen = rng.sample(entries, min(3, len(entries)))
                cancel_entries(actor=None, entries=chosen)
                uncancel_entries(actor=None, entries=chosen[:1])
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(i,)) for i in range(ADDERS)]
    threads.append(threading.Thread(target=cancel))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert InteractionLogEntry.objects.count() == 1 + ADDERS * ROUNDS
    assert_figures_recounted()

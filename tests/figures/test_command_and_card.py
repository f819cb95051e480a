"""``recount_contact_figures`` finds and repairs a wrong row; the card reads it."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interactions.models import ContactFigures
from interactions.selectors.statistics import contact_statistics
from tests.factories import make_entry
from tests.figures_recount import assert_figures_recounted

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, int]:
    out = StringIO()
    try:
        call_command("recount_contact_figures", *args, stdout=out, stderr=out)
    except SystemExit as exit_:
        return out.getvalue(), int(exit_.code or 0)
    return out.getvalue(), 0


@pytest.fixture
def logged(person, template):
    make_entry(person, template, cost=Decimal(3))
    make_entry(person, template, cost=Decimal(4))


def test_check_passes_when_the_figures_agree(logged):
    output, code = run("--check")
    assert code == 0
    assert "agree" in output


@pytest.mark.figures_unmaintained  # tampers with a row on purpose
def test_check_reports_a_tampered_row_and_exits_1(logged, person, company):
    ContactFigures.objects.filter(contact=person).update(count=99)
    ContactFigures.objects.filter(contact=company).delete()

    output, code = run("--check")

    assert code == 1
    assert f"{person.no} (contact)" in output
    assert f"{company.no} (company)" in output
    assert "2 contact figures differ" in output
    # --check changes nothing.
    assert ContactFigures.objects.get(contact=person).count == 99


def test_without_check_it_repairs_exactly_the_differing_rows(logged, person, company):
    ContactFigures.objects.filter(contact=person).update(
        count=99, last_attempted_date=None, cost=Decimal(1)
    )
    ContactFigures.objects.filter(contact=company).delete()
    ContactFigures.objects.create(contact=company, scope="contact", count=5)

    output, code = run()

    assert code == 0
    assert "3 contact figures recounted" in output
    assert_figures_recounted()
    assert run("--check")[1] == 0


@pytest.mark.figures_unmaintained  # tampers with a row on purpose
def test_the_card_shows_the_maintained_row(client, staff_user, logged, person):
    ContactFigures.objects.filter(contact=person, scope="contact").update(count=4321)
    client.force_login(staff_user)

    html = client.get(reverse("contacts:contact-detail", args=[person.no])).content

    assert b"4,321" in html or b"4321" in html or "4\xa0321".encode() in html


def test_the_figures_are_one_query_and_reading_creates_no_row(person, company):
    with CaptureQueriesContext(connection) as queries:
        figures = contact_statistics(person)
    assert len(queries) == 1
    assert figures["count"] == 0 and figures["last_interaction_date"] is None
    assert not ContactFigures.objects.exists()

"""After every write path the maintained figures equal a full recount."""

import datetime as dt
from decimal import Decimal

import pytest

from contacts.models import Contact
from contacts.services import update_contact
from interactions import services
from interactions.models import (
    ContactFigures,
    DocumentType,
    InitiatedBy,
    InteractionLogEntry,
)
from interactions.services.privacy import erase_contact
from tests import factories
from tests.factories import make_entry
from tests.figures_recount import assert_figures_recounted

pytestmark = pytest.mark.django_db

D1, D2, D3 = dt.date(2026, 1, 10), dt.date(2026, 2, 10), dt.date(2026, 3, 10)


@pytest.fixture
def people(company, person, template):
    """A company, two of its persons, a person without company; a few entries."""
    other = factories.PersonFactory(company=company)
    loner = factories.PersonFactory(company=None)
    zero = {"cost": Decimal(0), "duration": Decimal(0)}
    them = {"initiated_by": InitiatedBy.THEM}
    make_entry(
        person, template, date=D2, cost=Decimal("2.50"), duration=Decimal(7), **them
    )
    make_entry(company, template, date=D1, initiated_by=InitiatedBy.US, **zero)
    make_entry(
        other,
        template,
        date=D3,
        attempt_failed=True,
        cost=Decimal(1),
        duration=Decimal(0),
        **them,
    )
    make_entry(loner, template, date=D1, **zero, **them)
    return {"company": company, "person": person, "other": other, "loner": loner}


def test_creating_through_the_service_adds_to_person_and_company(people):
    figures = assert_figures_recounted()

    company, person = people["company"], people["person"]
    assert figures[(person.pk, "contact")]["count"] == 1
    assert figures[(company.pk, "company")] == {
        "count": 3,
        "cost": Decimal("3.50"),
        "duration": Decimal(7),
        "last_interaction_date": D2,  # D3 was a failed attempt
        "last_attempted_date": D1,
    }
    # A person without company adds to no company row.
    assert not ContactFigures.objects.filter(
        scope="company", contact=people["loner"]
    ).exists()


def test_a_postponed_entry_does_not_count_until_resumed(people, template):
    person = people["person"]
    postponed = make_entry(person, template, cost=Decimal(9), postpone=True)
    assert assert_figures_recounted()[(person.pk, "contact")]["count"] == 1

    services.resume_interaction(actor=None, entry=postponed, postpone=True)
    assert assert_figures_recounted()[(person.pk, "contact")]["count"] == 1

    services.resume_interaction(actor=None, entry=postponed, date=D3)
    figures = assert_figures_recounted()
    assert figures[(person.pk, "contact")]["count"] == 2
    assert figures[(person.pk, "contact")]["cost"] == Decimal("11.50")


def test_deleting_postponed_entries_changes_nothing(people, template):
    person = people["person"]
    make_entry(person, template, postpone=True)
    before = assert_figures_recounted()
    services.delete_postponed_entries(
        actor=None, entries=InteractionLogEntry.objects.filter(postponed=True)
    )
    assert assert_figures_recounted() == before


def test_the_api_create_adds_the_entry(people, integrator_api, template, salesperson):
    person = people["person"]
    response = integrator_api.post(
        "/api/v1/interactions/",
        {
            "contact": person.no,
            "template": template.code,
            "salesperson": salesperson.code,
            "description": "Call",
            "cost": "4.00",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    figures = assert_figures_recounted()
    assert figures[(person.pk, "contact")]["count"] == 2
    assert figures[(person.pk, "contact")]["cost"] == Decimal("6.50")


def test_an_automatic_document_adds_the_entry_once(people, admin_user):
    template = factories.TemplateFactory(code="INVOICE", group__code="SALES")
    services.set_document_template(
        actor=admin_user, document_type=DocumentType.SALES_INVOICE, template=template
    )
    company = people["company"]
    for _attempt in range(2):  # idempotent: the second records nothing new
        services.record_document(
            actor=None,
            document_type=DocumentType.SALES_INVOICE,
            document_no="SI-1",
            contact=company,
        )
    assert assert_figures_recounted()[(company.pk, "company")]["count"] == 4


def test_cancel_and_uncancel_one_entry_recount(people):
    person, company = people["person"], people["company"]
    entry = InteractionLogEntry.objects.get(contact=person)

    services.cancel_entries(actor=None, entries=[entry])
    figures = assert_figures_recounted()
    assert (person.pk, "contact") not in figures  # zeros
    assert figures[(company.pk, "company")]["count"] == 2

    services.uncancel_entries(actor=None, entries=[entry])
    assert assert_figures_recounted()[(person.pk, "contact")]["count"] == 1


def test_cancel_many_entries_at_once(people):
    services.cancel_entries(actor=None, entries=InteractionLogEntry.objects.all())
    assert assert_figures_recounted() == {}
    services.uncancel_entries(actor=None, entries=InteractionLogEntry.objects.all())
    assert len(assert_figures_recounted()) == 5  # four contacts and the company


def _log_a_segment(people, template, salesperson):
    segment = services.create_segment(
        actor=None, description="Mailing", template=template, salesperson=salesperson
    )
    services.add_contacts(
        segment=segment, actor=None, criteria={"company": people["company"].no}
    )
    segment.lines.update(cost=Decimal("0.75"), duration=Decimal(2))
    return services.log_segment(segment=segment, actor=None)


def test_logging_a_segment_adds_its_entries(people, template, salesperson):
    logged = _log_a_segment(people, template, salesperson)

    figures = assert_figures_recounted()
    assert logged.entries.count() == 3
    assert figures[(people["company"].pk, "company")]["count"] == 6
    assert figures[(people["person"].pk, "contact")]["cost"] == Decimal("3.25")


def test_bulk_cancel_of_a_logged_segment_and_its_uncancel(
    people, template, salesperson
):
    logged = _log_a_segment(people, template, salesperson)
    # One entry canceled on its own first keeps its cancel when the segment is
    # un-canceled.
    alone = logged.entries.get(contact=people["other"])
    services.cancel_entries(actor=None, entries=[alone])
    assert_figures_recounted()

    services.cancel_logged_segments(
        actor=None, logged_segments=type(logged).objects.filter(pk=logged.pk)
    )
    figures = assert_figures_recounted()
    assert figures[(people["company"].pk, "company")]["count"] == 3

    services.uncancel_logged_segments(
        actor=None, logged_segments=type(logged).objects.filter(pk=logged.pk)
    )
    figures = assert_figures_recounted()
    assert figures[(people["company"].pk, "company")]["count"] == 5


def test_deleting_canceled_entries_and_logged_segments_changes_nothing(
    people, template, salesperson, admin_user
):
    logged = _log_a_segment(people, template, salesperson)
    services.cancel_logged_segments(
        actor=None, logged_segments=type(logged).objects.filter(pk=logged.pk)
    )
    before = assert_figures_recounted()
    services.delete_canceled_logged_segments(
        actor=None, logged_segments=type(logged).objects.filter(pk=logged.pk)
    )
    assert services.delete_canceled_entries(
        actor=admin_user, filters=services.CanceledEntryFilter()
    )
    assert assert_figures_recounted() == before


def test_privacy_erasure_keeps_the_figures(people):
    before = assert_figures_recounted()
    erase_contact(actor=None, contact=people["loner"])
    assert assert_figures_recounted() == before


def test_a_person_moving_company_keeps_its_entries_company(people):
    # An entry's contact company is fixed when it is written (DOMAIN §3); the
    # figures follow the entries, so moving the person changes none of them.
    before = assert_figures_recounted()
    new_home = factories.CompanyFactory()
    update_contact(actor=None, contact=people["loner"], company=new_home)
    assert assert_figures_recounted() == before


def test_a_contact_changing_type_reads_the_other_scope(people, template):
    loner = people["loner"]
    update_contact(actor=None, contact=loner, type=Contact.Type.COMPANY)
    loner.refresh_from_db()
    make_entry(loner, template, date=D3)
    figures = assert_figures_recounted()
    assert figures[(loner.pk, "contact")]["count"] == 2
    assert figures[(loner.pk, "company")]["count"] == 1

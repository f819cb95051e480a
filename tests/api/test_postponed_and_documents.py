"""Postponed interactions (§4.4) and document events (§4.6) over the API."""

import pytest

from interactions.models import DocumentTemplateSetup, InteractionLogEntry
from interactions.services import create_interaction
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def postponed(integrator, person, template):
    return create_interaction(
        actor=integrator, contact=person, template=template, postpone=True
    )


def test_postponed_list_shows_only_own(integrator_api, postponed, person, template):
    create_interaction(
        actor=factories.UserFactory(), contact=person, template=template, postpone=True
    )

    response = integrator_api.get("/api/v1/postponed-interactions/")

    assert [r["entry_no"] for r in response.json()["results"]] == [postponed.entry_no]


def test_postponed_list_query_count(
    integrator_api, integrator, person, template, django_assert_num_queries
):
    for _ in range(2):
        create_interaction(
            actor=integrator, contact=person, template=template, postpone=True
        )

    # 1 token + user, 2 permissions, 1 page with related rows joined.
    with django_assert_num_queries(4):
        response = integrator_api.get("/api/v1/postponed-interactions/")

    assert len(response.json()["results"]) == 2


def test_resume_finishes_the_same_entry(integrator_api, postponed, salesperson):
    response = integrator_api.post(
        f"/api/v1/postponed-interactions/{postponed.entry_no}/resume/",
        {"salesperson": "JO", "description": "Met at the fair"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    postponed.refresh_from_db()
    assert not postponed.postponed
    assert postponed.description == "Met at the fair"
    assert response.json()["entry_no"] == postponed.entry_no


def test_resume_without_required_values_is_400(integrator_api, postponed):
    response = integrator_api.post(
        f"/api/v1/postponed-interactions/{postponed.entry_no}/resume/",
        {"cost": "-1"},
        format="json",
    )

    assert response.status_code == 400
    assert "cost" in response.json()
    postponed.refresh_from_db()
    assert postponed.postponed


def test_delete_postponed(integrator_api, postponed):
    response = integrator_api.delete(
        f"/api/v1/postponed-interactions/{postponed.entry_no}/"
    )

    assert response.status_code == 204
    assert not InteractionLogEntry.objects.filter(pk=postponed.pk).exists()


def test_another_users_postponed_entry_is_404(staff_api, postponed):
    response = staff_api.delete(f"/api/v1/postponed-interactions/{postponed.entry_no}/")

    assert response.status_code == 404
    assert InteractionLogEntry.objects.filter(pk=postponed.pk).exists()


# --- Document events ------------------------------------------------------------


@pytest.fixture
def invoice_setup(template):
    DocumentTemplateSetup.objects.filter(document_type="sales_invoice").update(
        template=template
    )


@pytest.fixture
def customer(company):
    factories.ContactBusinessRelationFactory(
        contact=company,
        business_relation=factories.BusinessRelationFactory(code="CUST"),
        link_type="customer",
        link_no="10000",
    )
    return company


def _report(client, **values):
    body = {"document_type": "sales_invoice", "document_no": "INV-1001", **values}
    return client.post("/api/v1/document-events/", body, format="json")


def test_document_for_customer_is_recorded(integrator_api, invoice_setup, customer):
    response = _report(integrator_api, customer_no="10000", description="Invoice")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["recorded"], body["created"], body["reason"]) == (True, True, "")
    entry = InteractionLogEntry.objects.get(entry_no=body["entry"]["entry_no"])
    assert entry.contact == customer
    assert (entry.document_type, entry.document_no) == ("sales_invoice", "INV-1001")


def test_same_document_twice_is_the_same_entry(integrator_api, invoice_setup, customer):
    first = _report(integrator_api, customer_no="10000")
    second = _report(integrator_api, customer_no="10000")

    assert second.status_code == 200
    assert second.json()["created"] is False
    assert second.json()["entry"]["entry_no"] == first.json()["entry"]["entry_no"]
    assert InteractionLogEntry.objects.count() == 1


def test_new_version_is_a_new_entry(integrator_api, invoice_setup, customer):
    _report(integrator_api, customer_no="10000")
    response = _report(integrator_api, customer_no="10000", version_no=1)

    assert response.status_code == 201
    assert InteractionLogEntry.objects.count() == 2


def test_document_by_contact_no(integrator_api, invoice_setup, person):
    response = _report(integrator_api, contact_no=person.no)

    assert response.status_code == 201
    assert response.json()["entry"]["contact"] == person.no


def test_document_type_without_template_is_not_recorded(integrator_api, customer):
    response = _report(integrator_api, customer_no="10000")

    assert response.status_code == 200
    assert response.json()["recorded"] is False
    assert "No interaction template is set up" in response.json()["reason"]
    assert response.json()["entry"] is None
    assert not InteractionLogEntry.objects.exists()


def test_unknown_customer_is_not_recorded(integrator_api, invoice_setup):
    response = _report(integrator_api, customer_no="99999")

    assert response.status_code == 200
    assert response.json()["recorded"] is False
    assert "99999" in response.json()["reason"]


def test_unknown_contact_no_is_not_recorded(integrator_api, invoice_setup):
    response = _report(integrator_api, contact_no="NOPE")

    assert response.status_code == 200
    assert response.json()["recorded"] is False
    assert "NOPE" in response.json()["reason"]


def test_document_bad_input_is_400(integrator_api, invoice_setup):
    response = integrator_api.post(
        "/api/v1/document-events/",
        {"document_type": "fax", "version_no": -1},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"document_type", "document_no", "version_no"}


def test_document_needs_exactly_one_contact_reference(integrator_api, invoice_setup):
    response = _report(integrator_api, contact_no="CT1", customer_no="10000")

    assert response.status_code == 422
    assert "contact_no" in response.json()
    assert not InteractionLogEntry.objects.exists()

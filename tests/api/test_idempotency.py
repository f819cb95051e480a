"""``Idempotency-Key`` on creating POSTs: a retry replays, a reuse is refused."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from interactions.models import DocumentTemplateSetup, InteractionLogEntry
from interactions_crm.platform.models import IdempotencyKey
from tests import factories
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def body(person, template, salesperson):
    return {
        "contact": person.no,
        "template": template.code,
        "salesperson": "JO",
        "description": "Quote follow-up",
    }


def _post(client, body, key="key-1"):
    return client.post(
        "/api/v1/interactions/", body, format="json", HTTP_IDEMPOTENCY_KEY=key
    )


def test_retry_with_same_key_replays_the_first_response(integrator_api, body):
    first = _post(integrator_api, body)
    retry = _post(integrator_api, body)

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert InteractionLogEntry.objects.count() == 1


def test_same_key_with_another_body_is_422(integrator_api, body):
    _post(integrator_api, body)

    response = _post(integrator_api, {**body, "description": "Something else"})

    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()
    assert InteractionLogEntry.objects.count() == 1


def test_same_key_on_another_endpoint_is_422(integrator_api, body, person):
    _post(integrator_api, body)

    response = integrator_api.post(
        "/api/v1/contacts/",
        {"type": "company", "name": "X"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="key-1",
    )

    assert response.status_code == 422


def test_keys_belong_to_their_user(integrator_api, staff_api, body):
    _post(integrator_api, body)

    response = _post(staff_api, body)

    assert response.status_code == 201
    assert InteractionLogEntry.objects.count() == 2


def test_failed_request_does_not_use_up_the_key(integrator_api, body):
    # No salesperson given and none on the contact: refused (422), not stored.
    refused = _post(integrator_api, {**body, "salesperson": None})
    corrected = _post(integrator_api, body)

    assert refused.status_code == 422
    assert corrected.status_code == 201
    assert IdempotencyKey.objects.count() == 1


def test_expired_key_runs_again(integrator_api, body):
    _post(integrator_api, body)
    IdempotencyKey.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))

    response = _post(integrator_api, {**body, "description": "Next day"})

    assert response.status_code == 201
    assert InteractionLogEntry.objects.count() == 2
    assert IdempotencyKey.objects.count() == 1


def test_key_too_long_is_400(integrator_api, body):
    response = _post(integrator_api, body, key="k" * 256)

    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()
    assert not InteractionLogEntry.objects.exists()


def test_document_event_replay_keeps_its_status(integrator_api, template, company):
    factories.ContactBusinessRelationFactory(
        contact=company,
        business_relation=factories.BusinessRelationFactory(code="CUST"),
        link_type="customer",
        link_no="10000",
    )
    DocumentTemplateSetup.objects.filter(document_type="sales_invoice").update(
        template=template
    )
    event = {
        "document_type": "sales_invoice",
        "document_no": "INV-9",
        "customer_no": "10000",
    }

    first = integrator_api.post(
        "/api/v1/document-events/", event, format="json", HTTP_IDEMPOTENCY_KEY="d1"
    )
    retry = integrator_api.post(
        "/api/v1/document-events/", event, format="json", HTTP_IDEMPOTENCY_KEY="d1"
    )

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_create_one_entry(integrator, body):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers (PostgreSQL)")
    workers = 6
    barrier = threading.Barrier(workers)
    responses = []

    def send() -> None:
        client = token_client(integrator)
        barrier.wait()
        responses.append(_post(client, body, key="race"))
        connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["entry_no"] for r in responses}) == 1
    assert InteractionLogEntry.objects.count() == 1

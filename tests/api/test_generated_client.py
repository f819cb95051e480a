"""A client generated from the OpenAPI schema runs the docs/api.md walk-through.

The schema is the contract: this test writes it with drf-spectacular, generates
a Python client from it with openapi-python-client (into a temporary
directory, so it can never go stale) and drives a live server with it through
every step of ``docs/api.md``: get a token, report a printed invoice for a
customer, create an interaction (retried with an Idempotency-Key), page
through the log since a cursor, cancel an entry, delete canceled entries
(dry run first).
"""

import datetime as dt
import importlib
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from django.core.management import call_command

from interactions.models import DocumentTemplateSetup, InteractionLogEntry
from interactions_crm.platform.api.auth import issue_token
from tests import factories
from tests.conftest import grant

PACKAGE = "crm_client"


@pytest.fixture(scope="module")
def crm_client(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """The client package generated from the current schema."""
    workdir = tmp_path_factory.mktemp("client")
    schema = workdir / "schema.json"
    call_command("spectacular", "--file", str(schema), "--format", "openapi-json")
    config = workdir / "config.yaml"
    config.write_text(
        f"post_hooks: []\npackage_name_override: {PACKAGE}\n"
        # The personal-data export is a ZIP: a binary body to the generator.
        "content_type_overrides:\n  application/zip: application/octet-stream\n"
    )
    generator = Path(sys.executable).with_name("openapi-python-client")
    subprocess.run(
        [
            str(generator),
            "generate",
            "--path",
            str(schema),
            "--config",
            str(config),
            "--meta",
            "none",
            "--output-path",
            str(workdir / PACKAGE),
            "--fail-on-warning",
        ],
        check=True,
        capture_output=True,
    )
    sys.path.insert(0, str(workdir))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(workdir))
        for name in [m for m in sys.modules if m.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def _api(name: str) -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.api.{name}")


def _model(name: str):
    return getattr(importlib.import_module(f"{PACKAGE}.models"), name)


@pytest.fixture
def erp_world(transactional_db, integrator):
    """What the walk-through assumes: a customer, invoices set up, a salesperson."""
    template = factories.TemplateFactory(code="SINVOICE", description="Invoice")
    DocumentTemplateSetup.objects.filter(document_type="sales_invoice").update(
        template=template
    )
    factories.TemplateFactory(code="PHONE", description="Phone call")
    factories.SalespersonFactory(code="KH", name="Kari Hansen")
    customer = factories.CompanyFactory(name="Fjordkraft Grossist AS")
    factories.ContactBusinessRelationFactory(
        contact=customer,
        business_relation=factories.BusinessRelationFactory(code="CUST"),
        link_type="customer",
        link_no="10000",
    )
    administrator = factories.UserFactory(username="crm-admin")
    grant(
        administrator,
        "interactions.view_interactionlogentry",
        "interactions.delete_canceled_interactionlogentry",
    )
    return {
        "customer": customer,
        "erp_token": issue_token(actor=None, user=integrator).key,
        "admin_token": issue_token(actor=None, user=administrator).key,
    }


def test_generated_client_runs_the_walkthrough(crm_client, live_server, erp_world):
    erp = crm_client.AuthenticatedClient(
        base_url=live_server.url, token=erp_world["erp_token"], prefix="Token"
    )
    customer = erp_world["customer"]

    # 2. Report a printed invoice for customer 10000.
    event = _api("document_events.document_events_create").sync_detailed(
        client=erp,
        body=_model("RecordDocumentRequest")(
            document_type=_model("DocumentTypeEnum").SALES_INVOICE,
            document_no="SI-104711",
            customer_no="10000",
            description="Invoice SI-104711",
        ),
        idempotency_key="si-104711",
    )
    assert event.status_code == 201
    assert event.parsed.recorded and event.parsed.created
    invoice_entry = event.parsed.entry
    assert invoice_entry.contact == customer.no

    # Reporting it again records nothing new: the same entry comes back.
    again = _api("document_events.document_events_create").sync_detailed(
        client=erp,
        body=_model("RecordDocumentRequest")(
            document_type=_model("DocumentTypeEnum").SALES_INVOICE,
            document_no="SI-104711",
            customer_no="10000",
        ),
    )
    assert again.status_code == 200
    assert again.parsed.entry.entry_no == invoice_entry.entry_no

    # 3. Create an interaction; a retry with the same key is not a duplicate.
    create = _api("interactions.interaction_create")
    call = _model("CreateInteractionRequest")(
        contact=customer.no,
        template="PHONE",
        salesperson="KH",
        description="Asked about delivery times",
        date=dt.date(2026, 3, 2),
        comments=["Call back next week"],
    )
    created = create.sync_detailed(client=erp, body=call, idempotency_key="call-1")
    retried = create.sync_detailed(client=erp, body=call, idempotency_key="call-1")
    assert created.status_code == retried.status_code == 201
    assert retried.parsed.entry_no == created.parsed.entry_no
    assert retried.headers["Idempotent-Replayed"] == "true"

    # 4. Page through the log, one entry per page, following the cursor.
    listing = _api("interactions.interaction_list")
    seen, cursor = [], None
    while True:
        page = listing.sync(
            client=erp, page_size=1, **({"cursor": cursor} if cursor else {})
        )
        seen += [row.entry_no for row in page.results]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert sorted(seen) == sorted([invoice_entry.entry_no, created.parsed.entry_no])

    # 5. Cancel the phone call entry.
    canceled = _api("interactions.interaction_cancel").sync(
        entry_no=created.parsed.entry_no,
        client=erp,
        body=_model("CancelEntriesRequest")(reason="Logged twice"),
    )
    assert canceled.canceled is True
    assert canceled.canceled_by == "erp"

    # 6. The CRM administrator deletes canceled entries: dry run first.
    admin = crm_client.AuthenticatedClient(
        base_url=live_server.url, token=erp_world["admin_token"], prefix="Token"
    )
    delete = _api("interactions.interaction_delete_canceled")
    request = _model("DeleteCanceledEntriesRequest")
    preview = delete.sync(client=admin, body=request(contact=customer.no))
    assert (preview.dry_run, preview.count) == (True, 1)
    assert InteractionLogEntry.objects.count() == 2
    done = delete.sync(client=admin, body=request(contact=customer.no, dry_run=False))
    assert (done.dry_run, done.count) == (False, 1)
    assert done.message == "1 interaction log entry has been deleted."
    assert list(InteractionLogEntry.objects.values_list("pk", flat=True)) == [
        invoice_entry.entry_no
    ]

    # The integrator may not run the batch job.
    refused = delete.sync_detailed(client=erp, body=request(dry_run=True))
    assert refused.status_code == 403

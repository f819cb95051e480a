"""``manage.py record_document``: a thin wrapper over the record_document service."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from interactions.models import DocumentType, InteractionLogEntry
from interactions.services import set_document_template
from interactions_crm.platform.models import AuditEvent
from tests import factories


@pytest.fixture(autouse=True)
def invoice_template(db):
    template = factories.TemplateFactory(code="INVOICE", description="Sales invoice")
    set_document_template(
        actor=None, document_type=DocumentType.SALES_INVOICE, template=template
    )
    AuditEvent.objects.all().delete()
    return template


def run(*args: str) -> str:
    out = StringIO()
    call_command("record_document", *args, stdout=out)
    return out.getvalue()


def test_records_and_prints_the_entry_number(company):
    output = run("--type", "sales_invoice", "--no", "SI-1", "--contact", company.no)

    entry = InteractionLogEntry.objects.get()
    assert output.strip() == f"Recorded interaction log entry {entry.entry_no}."
    assert entry.contact == company
    assert entry.document_no == "SI-1"
    assert AuditEvent.objects.get().action == "entry.record_document"


def test_second_run_reports_the_existing_entry(company):
    run("--type", "sales_invoice", "--no", "SI-1", "--contact", company.no)

    output = run("--type", "sales_invoice", "--no", "SI-1", "--contact", company.no)

    entry = InteractionLogEntry.objects.get()
    assert output.strip() == (
        f"Already recorded as interaction log entry {entry.entry_no}."
    )


def test_all_options(company):
    factories.ContactBusinessRelationFactory(
        contact=company,
        business_relation__code="CUST",
        link_type="customer",
        link_no="C1",
    )
    seller = factories.SalespersonFactory(code="SELLER")
    campaign = factories.CampaignFactory(no="CP01")

    run(
        "--type=sales_invoice",
        "--no=SI-2",
        "--customer=C1",
        "--version=3",
        "--occurrence=2",
        "--description=Posted invoice",
        "--date=2026-02-01",
        "--salesperson=SELLER",
        "--campaign=CP01",
    )

    entry = InteractionLogEntry.objects.get()
    assert entry.contact == company
    assert (entry.version_no, entry.doc_occurrence) == (3, 2)
    assert entry.description == "Posted invoice"
    assert entry.date == dt.date(2026, 2, 1)
    assert (entry.salesperson, entry.campaign) == (seller, campaign)


def test_not_recorded_prints_the_reason(company):
    output = run("--type", "sales_quote", "--no", "SQ-1", "--contact", company.no)

    assert output.strip() == (
        "Not recorded: No interaction template is set up for “Sales quote”."
    )
    assert not InteractionLogEntry.objects.exists()


def test_unknown_vendor_prints_the_reason():
    output = run("--type", "sales_invoice", "--no", "SI-1", "--vendor", "V9")

    assert output.strip() == "Not recorded: No contact is linked to vendor V9."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--type", "sales_invoice", "--no", "SI-1", "--contact", "NOPE"],
            "--contact: contact 'NOPE' does not exist.",
        ),
        (
            [
                "--type",
                "sales_invoice",
                "--no",
                "SI-1",
                "--contact",
                "{contact}",
                "--salesperson",
                "NOPE",
            ],
            "--salesperson: salesperson 'NOPE' does not exist.",
        ),
        (
            [
                "--type",
                "sales_invoice",
                "--no",
                "SI-1",
                "--contact",
                "{contact}",
                "--campaign",
                "NOPE",
            ],
            "--campaign: campaign 'NOPE' does not exist.",
        ),
        (
            [
                "--type",
                "sales_invoice",
                "--no",
                "SI-1",
                "--contact",
                "{contact}",
                "--date",
                "01.02.2026",
            ],
            "--date: '01.02.2026' is not a date (YYYY-MM-DD).",
        ),
        (
            ["--type", "sales_invoice", "--no", " ", "--contact", "{contact}"],
            "document_no: You must fill in the document number.",
        ),
        (
            [
                "--type",
                "sales_invoice",
                "--no",
                "SI-1",
                "--contact",
                "{contact}",
                "--version",
                "-1",
            ],
            "version_no: Enter a whole number that is not negative.",
        ),
    ],
)
def test_bad_input_is_a_clear_error_and_writes_nothing(company, args, message):
    args = [arg.format(contact=company.no) for arg in args]

    with pytest.raises(CommandError) as caught:
        run(*args)

    assert str(caught.value) == message
    assert not InteractionLogEntry.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    "args",
    [
        ["--type", "sales_invoice", "--no", "SI-1"],  # no contact reference
        ["--type", "sales_invoice", "--no", "SI-1", "--contact", "A", "--vendor", "V"],
        ["--type", "fax", "--no", "SI-1", "--contact", "A"],
        ["--type", "sales_invoice", "--contact", "A"],  # no number
    ],
)
def test_argument_errors(args):
    with pytest.raises(CommandError):
        run(*args)

    assert not InteractionLogEntry.objects.exists()

"""DOMAIN §4.6: recording documents and in-app events automatically."""

import datetime as dt
import threading
import time

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from interactions.models import (
    Attachment,
    DocumentTemplateSetup,
    DocumentType,
    InteractionLogEntry,
)
from interactions.services import (
    record_cover_sheet,
    record_document,
    record_email_sent,
    record_phone_call,
    set_document_template,
)
from interactions.services.outbox import run_worker
from interactions_crm.platform.models import AuditEvent
from tests import factories


@pytest.fixture
def invoice_template(db, admin_user):
    template = factories.TemplateFactory(
        code="INVOICE", group__code="SALES", description="Sales invoice"
    )
    set_document_template(
        actor=admin_user, document_type=DocumentType.SALES_INVOICE, template=template
    )
    AuditEvent.objects.all().delete()  # only the events under test remain
    return template


@pytest.fixture
def integrator(db):
    return factories.UserFactory(username="erp")


def customer_link(contact, no: str, link_type: str = "customer"):
    return factories.ContactBusinessRelationFactory(
        contact=contact,
        business_relation__code=link_type.upper(),
        link_type=link_type,
        link_no=no,
    )


def record_invoice(actor, **kwargs):
    kwargs.setdefault("document_no", "SI-1001")
    return record_document(
        actor=actor, document_type=DocumentType.SALES_INVOICE, **kwargs
    )


def test_records_entry_for_contact(invoice_template, integrator, company):
    result = record_invoice(integrator, contact=company)

    assert (result.recorded, result.created, result.reason) == (True, True, "")
    entry = result.entry
    entry.refresh_from_db()
    assert entry.contact == company
    assert entry.contact_company == company
    assert entry.template == invoice_template
    assert entry.group.code == "SALES"
    assert entry.description == "Sales invoice"
    assert entry.document_type == DocumentType.SALES_INVOICE
    assert entry.document_no == "SI-1001"
    assert (entry.version_no, entry.doc_occurrence) == (0, 0)
    assert entry.postponed is False
    assert entry.logged_by == integrator


def test_salesperson_not_required(invoice_template, integrator, company):
    company.salesperson = None
    company.save()

    result = record_invoice(integrator, contact=company)

    assert result.recorded
    assert result.entry.salesperson is None


def test_given_values_are_used(invoice_template, integrator, company):
    seller = factories.SalespersonFactory(code="SELLER")
    campaign = factories.CampaignFactory()

    result = record_invoice(
        integrator,
        contact=company,
        description="Invoice 1001 posted",
        salesperson=seller,
        campaign=campaign,
        date=dt.date(2026, 2, 1),
        version_no=2,
        doc_occurrence=1,
    )

    entry = result.entry
    assert entry.description == "Invoice 1001 posted"
    assert entry.salesperson == seller
    assert entry.campaign == campaign
    assert entry.date == dt.date(2026, 2, 1)
    assert (entry.version_no, entry.doc_occurrence) == (2, 1)


def test_contacts_salesperson_by_default(invoice_template, integrator, company):
    owner = factories.SalespersonFactory(code="OWNER")
    company.salesperson = owner
    company.save()

    assert record_invoice(integrator, contact=company).entry.salesperson == owner


def test_privacy_blocked_contact_is_still_recorded(
    invoice_template, integrator, company
):
    # Only *manual* interactions are refused for privacy-blocked contacts.
    company.privacy_blocked = True
    company.save()

    assert record_invoice(integrator, contact=company).recorded


def test_contact_found_through_customer_link(invoice_template, integrator, company):
    customer_link(company, "C10000")

    result = record_invoice(integrator, customer_no="C10000")

    assert result.entry.contact == company


def test_contact_found_through_vendor_link(integrator, company, admin_user):
    template = factories.TemplateFactory(code="PURCHINV")
    set_document_template(
        actor=admin_user, document_type=DocumentType.PURCHASE_INVOICE, template=template
    )
    customer_link(company, "V20000", link_type="vendor")

    result = record_document(
        actor=integrator,
        document_type=DocumentType.PURCHASE_INVOICE,
        document_no="PI-1",
        vendor_no="V20000",
    )

    assert result.entry.contact == company


def test_customer_number_does_not_match_vendor_link(
    invoice_template, integrator, company
):
    customer_link(company, "X1", link_type="vendor")

    result = record_invoice(integrator, customer_no="X1")

    assert result.recorded is False
    assert result.reason == "No contact is linked to customer X1."
    assert not InteractionLogEntry.objects.exists()


def test_unknown_vendor_is_not_recorded(invoice_template, integrator):
    result = record_invoice(integrator, vendor_no="V404")

    assert (result.recorded, result.entry) == (False, None)
    assert result.reason == "No contact is linked to vendor V404."
    assert not InteractionLogEntry.objects.exists()
    assert not AuditEvent.objects.exists()


def test_blank_setup_records_nothing_and_says_why(integrator, company):
    assert (
        DocumentTemplateSetup.objects.get(document_type="sales_quote").template is None
    )

    result = record_document(
        actor=integrator,
        document_type=DocumentType.SALES_QUOTE,
        document_no="SQ-1",
        contact=company,
    )

    assert result.recorded is False
    assert result.reason == "No interaction template is set up for “Sales quote”."
    assert not InteractionLogEntry.objects.exists()
    assert not AuditEvent.objects.exists()


def test_template_that_got_content_later_records_nothing(
    invoice_template, integrator, company
):
    factories.TemplateContentFactory(template=invoice_template)

    result = record_invoice(integrator, contact=company)

    assert result.recorded is False
    assert "INVOICE has content of its own" in result.reason
    assert not InteractionLogEntry.objects.exists()


class TestIdempotency:
    def test_same_document_twice_records_one_entry(
        self, invoice_template, integrator, company
    ):
        first = record_invoice(integrator, contact=company)
        second = record_invoice(integrator, contact=company)

        assert first.created is True
        assert (second.recorded, second.created) == (True, False)
        assert second.entry.entry_no == first.entry.entry_no
        assert InteractionLogEntry.objects.count() == 1
        assert AuditEvent.objects.filter(action="entry.record_document").count() == 1

    def test_same_document_through_customer_link_is_the_same(
        self, invoice_template, integrator, company
    ):
        customer_link(company, "C1")
        record_invoice(integrator, contact=company)

        assert record_invoice(integrator, customer_no="C1").created is False
        assert InteractionLogEntry.objects.count() == 1

    @pytest.mark.parametrize(
        "change",
        [
            {"document_no": "SI-1002"},
            {"version_no": 1},
            {"doc_occurrence": 1},
        ],
    )
    def test_another_number_version_or_occurrence_is_another_entry(
        self, invoice_template, integrator, company, change
    ):
        record_invoice(integrator, contact=company)

        assert record_invoice(integrator, contact=company, **change).created is True
        assert InteractionLogEntry.objects.count() == 2

    def test_document_number_is_trimmed(self, invoice_template, integrator, company):
        record_invoice(integrator, contact=company, document_no="SI-1001")

        again = record_invoice(integrator, contact=company, document_no=" SI-1001 ")

        assert again.created is False


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicate_returns_the_existing_entry():
    """A second request inserting while the first is uncommitted gets its entry.

    The first transaction stays open until the second one is blocked on the
    unique index (``entry_document_unique``); after the commit the second
    insert fails with IntegrityError in its savepoint and returns the entry
    the first one created.
    """
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers: PostgreSQL row locks")
    admin = factories.UserFactory(username="admin2")
    company = factories.CompanyFactory()
    template = factories.TemplateFactory(code="INVOICE")
    set_document_template(
        actor=admin, document_type=DocumentType.SALES_INVOICE, template=template
    )
    results = {}

    def second_request() -> None:
        try:
            results["second"] = record_invoice(admin, contact=company)
        finally:
            connections.close_all()

    with transaction.atomic():
        results["first"] = record_invoice(admin, contact=company)
        worker = threading.Thread(target=second_request)
        worker.start()
        with connection.cursor() as cursor:
            for _attempt in range(100):
                # Activity is a per-transaction snapshot unless cleared.
                cursor.execute("SELECT pg_stat_clear_snapshot()")
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
                if cursor.fetchone()[0]:
                    break
                time.sleep(0.05)
            else:
                pytest.fail("the second request never waited for the first")
    worker.join(timeout=10)

    assert results["first"].created is True
    assert results["second"].created is False
    assert results["second"].entry.entry_no == results["first"].entry.entry_no
    assert InteractionLogEntry.objects.count() == 1


class TestBadInput:
    def refused(self, field: str, **kwargs) -> list[str]:
        with pytest.raises(ValidationError) as caught:
            record_document(actor=None, **kwargs)
        assert not InteractionLogEntry.objects.exists()
        return caught.value.message_dict[field]

    def test_unknown_document_type(self, company):
        assert self.refused(
            "document_type", document_type="fax", document_no="1", contact=company
        ) == ["“fax” is not a document type."]

    @pytest.mark.parametrize("document_no", ["", "   "])
    def test_document_number_required(self, invoice_template, company, document_no):
        assert self.refused(
            "document_no",
            document_type="sales_invoice",
            document_no=document_no,
            contact=company,
        ) == ["You must fill in the document number."]

    def test_document_number_too_long(self, invoice_template, company):
        assert self.refused(
            "document_no",
            document_type="sales_invoice",
            document_no="X" * 41,
            contact=company,
        )

    def test_a_contact_reference_is_required(self, invoice_template):
        assert self.refused(
            "contact", document_type="sales_invoice", document_no="1"
        ) == ["Give exactly one of: a contact, a customer number or a vendor number."]

    def test_only_one_contact_reference(self, invoice_template, company):
        assert self.refused(
            "contact",
            document_type="sales_invoice",
            document_no="1",
            contact=company,
            customer_no="C1",
        )

    @pytest.mark.parametrize("field", ["version_no", "doc_occurrence"])
    def test_numbers_not_negative(self, invoice_template, company, field):
        assert self.refused(
            field,
            document_type="sales_invoice",
            document_no="1",
            contact=company,
            **{field: -1},
        )


def test_audit_event_on_creation(invoice_template, integrator, company):
    entry = record_invoice(integrator, contact=company).entry

    event = AuditEvent.objects.get()
    assert event.action == "entry.record_document"
    assert event.actor == integrator
    assert event.object_id == str(entry.entry_no)
    assert event.changes["document_no"] == "SI-1001"
    assert event.changes["document_type"] == "sales_invoice"


class TestInAppEvents:
    @pytest.fixture
    def event_templates(self, admin_user):
        for document_type, code in [
            (DocumentType.OUTGOING_CALL, "CALL"),
            (DocumentType.EMAIL, "EMAIL"),
            (DocumentType.COVER_SHEET, "COVER"),
        ]:
            set_document_template(
                actor=admin_user,
                document_type=document_type,
                template=factories.TemplateFactory(code=code, description=code.title()),
            )

    def test_phone_call(self, event_templates, staff_user, salesperson, person):
        person.phone = "+47 22 11 22 33"
        person.save()

        result = record_phone_call(
            actor=staff_user, contact=person, successful=False, description="No answer"
        )

        entry = result.entry
        assert entry.template.code == "CALL"
        assert entry.document_type == DocumentType.OUTGOING_CALL
        assert entry.document_no.startswith("CALL-")
        assert entry.attempt_failed is True
        assert entry.contact_via == "+47 22 11 22 33"
        assert entry.description == "No answer"
        assert entry.salesperson == salesperson

    def test_two_calls_are_two_entries(self, event_templates, staff_user, person):
        record_phone_call(actor=staff_user, contact=person, successful=True)
        record_phone_call(actor=staff_user, contact=person, successful=True)

        assert InteractionLogEntry.objects.count() == 2

    def test_retried_call_with_same_token_is_one_entry(
        self, event_templates, staff_user, person
    ):
        record_phone_call(
            actor=staff_user, contact=person, successful=True, document_no="F-1"
        )
        again = record_phone_call(
            actor=staff_user, contact=person, successful=True, document_no="F-1"
        )

        assert again.created is False

    def test_email_sent_keeps_its_content(self, event_templates, staff_user, person):
        result = record_email_sent(
            actor=staff_user, contact=person, subject="Your order", body="Thanks!"
        )

        entry = result.entry
        assert entry.template.code == "EMAIL"
        assert entry.description == "Your order"
        assert entry.subject == "Your order"
        assert (entry.attachment.subject, entry.attachment.body) == (
            "Your order",
            "Thanks!",
        )
        assert entry.contact_via == person.email

    def test_email_is_sent_after_commit(
        self, event_templates, staff_user, person, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            entry = record_email_sent(
                actor=staff_user, contact=person, subject="Offer", body="Here it is"
            ).entry
        assert mail.outbox == []  # queued; an outbox worker sends it
        run_worker()

        entry.refresh_from_db()
        assert entry.correspondence_type == "email"
        assert entry.delivery_status == "sent"
        [message] = mail.outbox
        assert (message.to, message.subject) == ([person.email], "Offer")
        assert message.body.startswith("Here it is")

    def test_email_only_recorded_when_sent_elsewhere(
        self, event_templates, staff_user, person, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            entry = record_email_sent(
                actor=staff_user, contact=person, subject="Re", body="x", send=False
            ).entry

        assert callbacks == []
        assert entry.delivery_status == ""
        assert mail.outbox == []

    def test_email_to_contact_without_address_is_refused(
        self, event_templates, staff_user, person
    ):
        person.email = ""
        person.save()

        with pytest.raises(ValidationError) as caught:
            record_email_sent(actor=staff_user, contact=person, subject="S", body="B")

        assert "correspondence_type" in caught.value.message_dict
        assert not InteractionLogEntry.objects.exists()

    def test_email_not_sent_when_not_recorded(
        self, staff_user, person, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            result = record_email_sent(
                actor=staff_user, contact=person, subject="S", body="B"
            )

        assert result.recorded is False
        assert mail.outbox == []

    def test_documents_are_not_sent(
        self, invoice_template, integrator, company, django_capture_on_commit_callbacks
    ):
        company.correspondence_type = "email"
        company.save()

        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            entry = record_invoice(integrator, contact=company).entry

        assert callbacks == []
        assert entry.delivery_status == ""

    def test_cover_sheet(self, event_templates, staff_user, person):
        entry = record_cover_sheet(actor=staff_user, contact=person).entry

        assert entry.template.code == "COVER"
        assert entry.description == "Cover"
        assert Attachment.objects.count() == 0

    def test_not_recorded_without_setup(self, staff_user, person):
        result = record_phone_call(actor=staff_user, contact=person, successful=True)

        assert result.recorded is False
        assert result.reason == "No interaction template is set up for “Outgoing call”."

"""Contact services: numbers, create/update/delete rules (DOMAIN §2, §8), audit."""

import threading

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection, transaction

from contacts.models import Contact, ContactBusinessRelation, NumberSeries
from contacts.services import (
    create_contact,
    delete_contact,
    next_number,
    set_business_relations,
    update_contact,
)
from interactions.models import Segment, SegmentLine
from interactions_crm.platform.models import AuditEvent
from tests import factories
from tests.factories import make_entry

pytestmark = pytest.mark.django_db


def on_unlogged_segment(contact: Contact, no: str = "SM000009") -> Segment:
    """Put ``contact`` on a segment that is not logged.

    Segment lines are the segment services' business; only their existence
    matters for these rules, so the rows are made directly.
    """
    segment = Segment.objects.create(no=no, description="Spring mailing")
    SegmentLine.objects.create(
        segment=segment, contact=contact, contact_company_id=contact.company_contact_id
    )
    return segment


# --- Number series ------------------------------------------------------------


def test_numbers_are_unique_and_increasing():
    numbers = [next_number(series_code="CONTACT") for _ in range(3)]

    assert numbers == ["CT000001", "CT000002", "CT000003"]
    assert NumberSeries.objects.get(code="CONTACT").last_number == 3


def test_each_series_counts_on_its_own():
    next_number(series_code="CONTACT")
    assert next_number(series_code="SEGMENT") == "SM000001"


def test_number_of_a_rolled_back_transaction_is_given_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        next_number(series_code="CONTACT")
        raise RuntimeError

    assert next_number(series_code="CONTACT") == "CT000001"


def test_unknown_series_is_refused():
    with pytest.raises(ValidationError) as exc:
        next_number(series_code="NOPE")
    assert "NOPE" in exc.value.message_dict["no"][0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_creators_never_get_the_same_number():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: concurrent writers on row locks (SQLite serializes "
            "whole-database writes, and the test database is in memory)"
        )
    # Transactional tests run on a flushed database: make sure the series exists.
    series, _created = NumberSeries.objects.get_or_create(
        code="CONTACT", defaults={"prefix": "CT"}
    )
    threads_count, per_thread = 4, 5
    barrier = threading.Barrier(threads_count)
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def create_many(worker: int) -> None:
        try:
            barrier.wait()
            for i in range(per_thread):
                contact = create_contact(
                    actor=None, type=Contact.Type.COMPANY, name=f"Firma {worker}-{i}"
                )
                with lock:
                    numbers.append(contact.no)
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=create_many, args=(n,)) for n in range(threads_count)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    total = threads_count * per_thread
    first = series.last_number + 1
    assert sorted(numbers) == [f"CT{n:06d}" for n in range(first, first + total)]
    assert Contact.objects.count() == total


# --- create_contact -----------------------------------------------------------


def test_create_contact_takes_the_next_number_and_is_audited(staff_user):
    contact = create_contact(
        actor=staff_user, type=Contact.Type.COMPANY, name="Fjord Handel AS"
    )

    assert contact.no == "CT000001"
    contact.refresh_from_db()
    event = AuditEvent.objects.get(action="contact.create")
    assert (event.actor, event.object_id) == (staff_user, str(contact.pk))
    assert event.changes["name"] == "Fjord Handel AS"
    assert event.changes["no"] == "CT000001"


def test_create_contact_keeps_a_given_number(staff_user):
    contact = create_contact(
        actor=staff_user, no="KUNDE-1", type=Contact.Type.COMPANY, name="Given"
    )
    assert contact.no == "KUNDE-1"
    assert NumberSeries.objects.get(code="CONTACT").last_number == 0


def test_create_contact_validates_and_writes_nothing_on_error(staff_user):
    with pytest.raises(ValidationError) as exc:
        create_contact(actor=staff_user, type="robot", name="", email="not-an-email")

    assert {"type", "name", "email"} <= set(exc.value.message_dict)
    assert not Contact.objects.exists()
    assert not AuditEvent.objects.exists()
    # The number taken inside the failed transaction was given back.
    assert NumberSeries.objects.get(code="CONTACT").last_number == 0


def test_person_can_only_belong_to_a_company(staff_user, person):
    with pytest.raises(ValidationError) as exc:
        create_contact(
            actor=staff_user, type=Contact.Type.PERSON, name="Ola", company=person
        )
    assert person.no in exc.value.message_dict["company"][0]


def test_company_cannot_belong_to_a_company(staff_user, company):
    with pytest.raises(ValidationError) as exc:
        create_contact(
            actor=staff_user, type=Contact.Type.COMPANY, name="Sub", company=company
        )
    assert "company" in exc.value.message_dict


def test_create_contact_sets_classification_and_business_relations(staff_user):
    factories.BusinessRelationFactory(code="CUST")
    factories.BusinessRelationFactory(code="PROS")
    newsletter = factories.MailingGroupFactory(code="NEWSLETTER")
    retail = factories.IndustryGroupFactory(code="RETAIL")

    contact = create_contact(
        actor=staff_user,
        type=Contact.Type.COMPANY,
        name="Butikk AS",
        mailing_groups=[newsletter],
        industry_groups=[retail.pk],
        business_relations=[("CUST", "customer", "10000"), "PROS"],
    )

    assert list(contact.mailing_groups.all()) == [newsletter]
    assert list(contact.industry_groups.all()) == [retail]
    links = sorted(
        contact.business_relations.values_list(
            "business_relation__code", "link_type", "link_no"
        )
    )
    assert links == [("CUST", "customer", "10000"), ("PROS", "", "")]
    event = AuditEvent.objects.get(action="contact.create")
    assert event.changes["mailing_groups"] == ["NEWSLETTER"]
    assert event.changes["business_relations"] == [
        ["CUST", "customer", "10000"],
        ["PROS", "", ""],
    ]


def test_unknown_business_relation_refuses_the_whole_contact(staff_user):
    with pytest.raises(ValidationError) as exc:
        create_contact(
            actor=staff_user,
            type=Contact.Type.COMPANY,
            name="Nobody AS",
            business_relations=[("GHOST", "", "")],
        )
    assert "GHOST" in exc.value.message_dict["business_relations"][0]
    assert not Contact.objects.exists()


def test_an_account_links_to_one_contact_only(staff_user, company):
    factories.BusinessRelationFactory(code="CUST")
    set_business_relations(
        actor=staff_user, contact=company, relations=[("CUST", "customer", "10000")]
    )
    other = factories.CompanyFactory()

    with pytest.raises(ValidationError) as exc:
        set_business_relations(
            actor=staff_user, contact=other, relations=[("CUST", "customer", "10000")]
        )

    assert "already linked" in exc.value.message_dict["business_relations"][0]
    assert not other.business_relations.exists()


def test_set_business_relations_replaces_them_and_is_audited(staff_user, company):
    factories.BusinessRelationFactory(code="CUST")
    factories.BusinessRelationFactory(code="VEND")
    set_business_relations(actor=staff_user, contact=company, relations=["CUST"])

    set_business_relations(
        actor=staff_user, contact=company, relations=[("VEND", "vendor", "V-1")]
    )

    assert list(
        ContactBusinessRelation.objects.filter(contact=company).values_list(
            "business_relation__code", flat=True
        )
    ) == ["VEND"]
    assert (
        AuditEvent.objects.filter(action="contact.set_business_relations").count() == 2
    )


def test_duplicate_or_incomplete_relations_are_refused(staff_user, company):
    factories.BusinessRelationFactory(code="CUST")
    with pytest.raises(ValidationError):
        set_business_relations(
            actor=staff_user, contact=company, relations=["CUST", "CUST"]
        )
    with pytest.raises(ValidationError):
        set_business_relations(
            actor=staff_user, contact=company, relations=[("CUST", "customer", "")]
        )


# --- update_contact -----------------------------------------------------------


def test_update_contact_changes_fields_and_audits_the_difference(staff_user, person):
    update_contact(
        actor=staff_user, contact=person, job_title="Buyer", city=person.city
    )

    person.refresh_from_db()
    assert person.job_title == "Buyer"
    event = AuditEvent.objects.get(action="contact.update")
    assert event.changes == {"no": person.no, "job_title": ["", "Buyer"]}


def test_update_without_changes_writes_no_audit_event(staff_user, person):
    update_contact(actor=staff_user, contact=person, name=person.name)
    assert not AuditEvent.objects.exists()


def test_person_moves_to_another_company(staff_user, person):
    other = factories.CompanyFactory()

    update_contact(actor=staff_user, contact=person, company=other)

    person.refresh_from_db()
    assert person.company == other


def test_person_on_unlogged_segment_cannot_move_to_another_company(staff_user, person):
    old_company = person.company
    on_unlogged_segment(person, no="SM000042")

    with pytest.raises(ValidationError) as exc:
        update_contact(
            actor=staff_user, contact=person, company=factories.CompanyFactory()
        )

    assert "SM000042" in exc.value.message_dict["company"][0]
    person.refresh_from_db()
    assert person.company == old_company
    # Other fields may still change.
    update_contact(actor=staff_user, contact=person, phone="+47 22 00 00 00")


def test_company_with_persons_cannot_become_a_person(staff_user, person):
    with pytest.raises(ValidationError) as exc:
        update_contact(
            actor=staff_user, contact=person.company, type=Contact.Type.PERSON
        )
    assert "type" in exc.value.message_dict


def test_update_refuses_unknown_fields(staff_user, person):
    with pytest.raises(TypeError):
        update_contact(actor=staff_user, contact=person, shoe_size=44)


# --- delete_contact -----------------------------------------------------------


def test_contact_with_entries_cannot_be_deleted(staff_user, person):
    make_entry(person)
    make_entry(person, canceled=True)

    with pytest.raises(ValidationError) as exc:
        delete_contact(actor=staff_user, contact=person)

    assert exc.value.message_dict[NON_FIELD_ERRORS] == [
        f"Cannot delete contact {person.no}: 2 interaction log entries refer to it."
    ]
    assert Contact.objects.filter(pk=person.pk).exists()


def test_company_whose_former_persons_have_entries_cannot_be_deleted(
    staff_user, person
):
    company = person.company
    make_entry(person)
    update_contact(actor=staff_user, contact=person, company=factories.CompanyFactory())

    with pytest.raises(ValidationError) as exc:
        delete_contact(actor=staff_user, contact=company)

    assert "1 interaction log entry refers to it" in str(exc.value)


def test_contact_on_unlogged_segment_cannot_be_deleted(staff_user, company):
    on_unlogged_segment(company, no="SM000005")

    with pytest.raises(ValidationError) as exc:
        delete_contact(actor=staff_user, contact=company)

    assert "SM000005" in exc.value.message_dict[NON_FIELD_ERRORS][0]


def test_company_with_persons_cannot_be_deleted(staff_user, person):
    with pytest.raises(ValidationError) as exc:
        delete_contact(actor=staff_user, contact=person.company)

    assert exc.value.message_dict[NON_FIELD_ERRORS] == [
        f"Cannot delete company {person.company.no}: 1 person belongs to it."
    ]


def test_unused_contact_is_deleted_with_its_relations_and_audited(staff_user):
    factories.BusinessRelationFactory(code="CUST")
    contact = create_contact(
        actor=staff_user,
        type=Contact.Type.COMPANY,
        name="Gone AS",
        business_relations=["CUST"],
    )
    pk = contact.pk

    delete_contact(actor=staff_user, contact=contact)

    assert not Contact.objects.filter(pk=pk).exists()
    assert not ContactBusinessRelation.objects.exists()
    event = AuditEvent.objects.get(action="contact.delete")
    assert (event.object_id, event.changes["no"]) == (str(pk), "CT000001")

"""``/api/v1/contacts/``: list, filter, create, read, update, delete (§2, §8)."""

import pytest

from contacts.models import Contact, JobResponsibility, MailingGroup
from interactions_crm.platform.models import AuditEvent
from tests import factories
from tests.factories import make_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def codes(db):
    factories.BusinessRelationFactory(code="CUST")
    factories.BusinessRelationFactory(code="PROS")
    factories.JobResponsibilityFactory(code="PURCHASE")
    factories.MailingGroupFactory(code="NEWSLETTER")
    factories.IndustryGroupFactory(code="RETAIL")


def test_list_shows_contacts_with_classification(integrator_api, person, codes):
    person.job_responsibilities.add(*JobResponsibility.objects.all())

    response = integrator_api.get("/api/v1/contacts/")

    assert response.status_code == 200
    rows = {row["no"]: row for row in response.json()["results"]}
    assert rows[person.no]["company"] == person.company.no
    assert rows[person.no]["company_name"] == "Fjord Handel AS"
    assert rows[person.no]["job_responsibilities"] == ["PURCHASE"]
    assert response.json()["next"] is None


def test_list_query_count_is_constant(integrator_api, codes, django_assert_num_queries):
    for _ in range(3):
        contact = factories.PersonFactory()
        contact.mailing_groups.add(*MailingGroup.objects.all())

    # 1 token + user, 2 the user's and its groups' permissions, 1 page of
    # contacts (with company and salesperson joined), 4 prefetches: business
    # relations, job responsibilities, industry groups, mailing groups.
    with django_assert_num_queries(8):
        response = integrator_api.get("/api/v1/contacts/")

    assert len(response.json()["results"]) == 6


def test_list_filters_by_business_relation_and_search(integrator_api, company, codes):
    other = factories.CompanyFactory(name="Bergen Bygg AS")
    factories.ContactBusinessRelationFactory(
        contact=company,
        business_relation=factories.BusinessRelationFactory(code="CUST"),
    )

    by_relation = integrator_api.get("/api/v1/contacts/", {"business_relation": "CUST"})
    by_search = integrator_api.get("/api/v1/contacts/", {"q": "bergen"})

    assert [r["no"] for r in by_relation.json()["results"]] == [company.no]
    assert [r["no"] for r in by_search.json()["results"]] == [other.no]


def test_list_unknown_filter_code_is_422(integrator_api):
    # A key that does not exist (docs/api.md, Errors): 422 naming the parameter.
    response = integrator_api.get("/api/v1/contacts/", {"business_relation": "NOPE"})

    assert response.status_code == 422
    assert "business_relation" in response.json()


def test_list_pages_by_name(integrator_api):
    for name in ("Cecilie", "Anne", "Berit"):
        factories.CompanyFactory(name=name)

    first = integrator_api.get(
        "/api/v1/contacts/", {"ordering": "name", "page_size": 2}
    )
    second = integrator_api.get(first.json()["next"])

    assert [r["name"] for r in first.json()["results"]] == ["Anne", "Berit"]
    assert [r["name"] for r in second.json()["results"]] == ["Cecilie"]
    assert second.json()["next"] is None


def test_retrieve_by_number(integrator_api, person):
    response = integrator_api.get(f"/api/v1/contacts/{person.no}/")

    assert response.status_code == 200
    assert response.json()["name"] == "Kari Nordmann"


def test_retrieve_unknown_number_is_404(integrator_api):
    assert integrator_api.get("/api/v1/contacts/NOPE/").status_code == 404


def test_create_takes_number_from_series_and_sets_classification(
    integrator_api, company, codes, salesperson
):
    response = integrator_api.post(
        "/api/v1/contacts/",
        {
            "type": "person",
            "name": "Ola Hansen",
            "company": company.no,
            "salesperson": "JO",
            "email": "ola@example.com",
            "business_relations": [
                {"code": "CUST", "link_type": "customer", "link_no": "10000"}
            ],
            "job_responsibilities": ["PURCHASE"],
            "mailing_groups": ["NEWSLETTER"],
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    contact = Contact.objects.get(no=response.json()["no"])
    assert contact.no.startswith("CT")
    assert contact.company == company
    assert contact.salesperson == salesperson
    relation = contact.business_relations.get()
    assert (relation.business_relation.code, relation.link_no) == ("CUST", "10000")
    assert list(contact.job_responsibilities.values_list("code", flat=True)) == [
        "PURCHASE"
    ]
    assert AuditEvent.objects.filter(action="contact.create").count() == 1


def test_create_bad_input_is_400_with_field_messages(integrator_api, codes):
    response = integrator_api.post(
        "/api/v1/contacts/",
        {"type": "robot", "email": "not-an-address", "mailing_groups": ["NOPE"]},
        format="json",
    )

    assert response.status_code == 400
    body = response.json()
    assert set(body) >= {"type", "name", "email", "mailing_groups"}
    assert not Contact.objects.exists()


def test_create_domain_rule_violation_is_422_on_the_field(integrator_api, person):
    # A person cannot be the company of another person (service rule across
    # records, which the schema cannot state: 422, docs/api.md).
    response = integrator_api.post(
        "/api/v1/contacts/",
        {"type": "person", "name": "Per", "company": person.no},
        format="json",
    )

    assert response.status_code == 422
    assert list(response.json()) == ["company"]
    assert not Contact.objects.filter(name="Per").exists()


def test_create_refuses_an_account_linked_to_another_contact(
    integrator_api, company, codes
):
    factories.ContactBusinessRelationFactory(
        contact=company,
        business_relation=factories.BusinessRelationFactory(code="CUST"),
        link_type="customer",
        link_no="10000",
    )

    response = integrator_api.post(
        "/api/v1/contacts/",
        {
            "type": "company",
            "name": "Copycat AS",
            "business_relations": [
                {"code": "CUST", "link_type": "customer", "link_no": "10000"}
            ],
        },
        format="json",
    )

    assert response.status_code == 400
    assert "business_relations" in response.json()
    assert not Contact.objects.filter(name="Copycat AS").exists()


def test_patch_changes_only_given_fields(integrator_api, person):
    response = integrator_api.patch(
        f"/api/v1/contacts/{person.no}/", {"city": "Bergen"}, format="json"
    )

    assert response.status_code == 200
    person.refresh_from_db()
    assert person.city == "Bergen"
    assert person.name == "Kari Nordmann"


def test_put_replaces_fields_and_classification(integrator_api, person, codes):
    person.mailing_groups.add(*MailingGroup.objects.all())

    response = integrator_api.put(
        f"/api/v1/contacts/{person.no}/",
        {"type": "person", "name": "Kari Berg"},
        format="json",
    )

    assert response.status_code == 200
    person.refresh_from_db()
    assert person.name == "Kari Berg"
    assert person.company is None
    assert person.city == ""
    assert not person.mailing_groups.exists()


def test_update_company_with_persons_to_person_is_400(integrator_api, person):
    response = integrator_api.patch(
        f"/api/v1/contacts/{person.company.no}/", {"type": "person"}, format="json"
    )

    assert response.status_code == 400
    assert "type" in response.json()


def test_delete_contact_without_history(admin_api, db):
    contact = factories.CompanyFactory()

    response = admin_api.delete(f"/api/v1/contacts/{contact.no}/")

    assert response.status_code == 204
    assert not Contact.objects.filter(pk=contact.pk).exists()


def test_delete_contact_with_entries_is_409_naming_the_count(
    admin_api, person, template
):
    make_entry(person, template, description="Call")

    response = admin_api.delete(f"/api/v1/contacts/{person.no}/")

    assert response.status_code == 409
    assert "1 interaction log entry" in response.json()["non_field_errors"][0]
    assert Contact.objects.filter(pk=person.pk).exists()


def test_integrator_cannot_delete_contacts(integrator_api, company):
    assert integrator_api.delete(f"/api/v1/contacts/{company.no}/").status_code == 403


def test_patch_business_relation_without_code_is_400(integrator_api, company, codes):
    response = integrator_api.patch(
        f"/api/v1/contacts/{company.no}/",
        {"business_relations": [{"link_no": "10000"}, {"code": "CUST"}]},
        format="json",
    )

    assert response.status_code == 400
    assert "business_relations" in response.json()


def test_patch_business_relations_with_defaults(integrator_api, company, codes):
    response = integrator_api.patch(
        f"/api/v1/contacts/{company.no}/",
        {"business_relations": [{"code": "CUST"}]},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["business_relations"] == [
        {"code": "CUST", "link_type": "", "link_no": ""}
    ]

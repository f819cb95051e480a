"""Which status a refusal gets (docs/api.md, Errors).

400: the request breaks a rule the OpenAPI schema states. 409: it conflicts
with the current state (a duplicate key). 422: it matches the schema, but a
rule the schema cannot state refuses it (a key in the body that does not
exist, a rule across fields). Schemathesis' positive-data check counts 409 and
422 as correct refusals of schema-valid data, never 400 — so a 400 for
schema-valid data would fail CI's fuzzing.
"""

import re

import pytest

from contacts.models import Contact
from interactions.models import InteractionLogEntry
from interactions_crm.platform.keys import NOT_BLANK_PATTERN
from tests import factories


@pytest.fixture
def relation(db):
    return factories.BusinessRelationFactory(code="CUST")


def test_unknown_business_relation_in_the_body_is_422(integrator_api, relation):
    response = integrator_api.post(
        "/api/v1/contacts/",
        {
            "type": "company",
            "name": "Nowhere AS",
            "business_relations": [{"code": "NOPE", "link_type": "", "link_no": ""}],
        },
        format="json",
    )

    assert response.status_code == 422, response.json()
    assert "NOPE" in str(response.json()["business_relations"])
    assert not Contact.objects.filter(name="Nowhere AS").exists()


def test_business_relation_given_twice_is_422(integrator_api, relation):
    response = integrator_api.post(
        "/api/v1/contacts/",
        {
            "type": "company",
            "name": "Twice AS",
            "business_relations": [{"code": "CUST"}, {"code": "CUST"}],
        },
        format="json",
    )

    assert response.status_code == 422, response.json()
    assert "business_relations" in response.json()


def test_unknown_keys_in_the_body_are_422_naming_each_field(integrator_api, db):
    response = integrator_api.post(
        "/api/v1/interactions/",
        {"contact": "CT404", "template": "NOPE"},
        format="json",
    )

    assert response.status_code == 422
    assert {"contact", "template"} <= set(response.json())
    assert not InteractionLogEntry.objects.exists()


def test_unknown_key_with_a_schema_violation_is_400(integrator_api, db):
    # The schema says no to the time: 400, and the unknown key is named too.
    response = integrator_api.post(
        "/api/v1/interactions/",
        {"contact": "CT404", "template": "NOPE", "time": "25 o'clock"},
        format="json",
    )

    assert response.status_code == 400
    assert "time" in response.json()


def test_statistics_reversed_range_is_422(integrator_api, db):
    factories.InteractionGroupFactory(code="MEET")

    response = integrator_api.get(
        "/api/v1/interaction-groups/MEET/statistics/",
        {"date_from": "2026-03-01", "date_to": "2026-02-01"},
    )

    assert response.status_code == 422
    assert list(response.json()) == ["date_to"]


@pytest.mark.parametrize("parameter", ["date_from", "date_to"])
def test_statistics_empty_date_is_400(integrator_api, db, parameter):
    # format: date — "" is not a date; leave the parameter out for no bound.
    factories.InteractionGroupFactory(code="MEET")

    response = integrator_api.get(
        "/api/v1/interaction-groups/MEET/statistics/", {parameter: ""}
    )

    assert response.status_code == 400
    assert parameter in response.json()


def test_statistics_without_dates_is_200(integrator_api, db):
    factories.InteractionGroupFactory(code="MEET")

    response = integrator_api.get("/api/v1/interaction-groups/MEET/statistics/")

    assert response.status_code == 200
    assert response.json()["date_to"] is None


def test_schema_documents_422_where_it_can_be_answered(integrator_api, db):
    schema = integrator_api.get("/api/v1/schema/?format=json").json()
    paths = schema["paths"]

    assert "422" in paths["/api/v1/interactions/"]["post"]["responses"]
    assert (
        "422"
        in (paths["/api/v1/interaction-groups/{code}/statistics/"]["get"]["responses"])
    )
    assert "422" in paths["/api/v1/salespeople/{code}/statistics/"]["get"]["responses"]
    assert "409" in paths["/api/v1/business-relations/"]["post"]["responses"]
    # A list with code filters: a code that does not exist (any more).
    assert "422" in paths["/api/v1/contacts/"]["get"]["responses"]
    # A plain read has no rule beyond the schema.
    assert "422" not in paths["/api/v1/contacts/{no}/"]["get"]["responses"]


def test_unknown_code_in_a_code_filter_is_422(integrator_api, db):
    # The code may have been deleted since the client read the schema.
    response = integrator_api.get("/api/v1/contacts/", {"mailing_group": "GONE"})

    assert response.status_code == 422
    assert list(response.json()) == ["mailing_group"]


def test_invalid_boolean_filter_stays_400(integrator_api, db):
    response = integrator_api.get(
        "/api/v1/contacts/", {"mailing_group": "GONE", "privacy_blocked": "maybe"}
    )

    assert response.status_code == 400
    assert "privacy_blocked" in response.json()


def test_a_company_given_a_company_is_422_and_nothing_changes(admin_api, company):
    # type and company are each schema-valid; the rule is across them (found
    # by CI's fuzzer as a 400 for schema-valid data).
    other = factories.CompanyFactory()

    response = admin_api.patch(
        f"/api/v1/contacts/{company.no}/", {"company": other.no}, format="json"
    )

    assert response.status_code == 422, response.json()
    assert response.json() == {
        "company": ["A company cannot belong to another company."]
    }
    company.refresh_from_db()
    assert company.company_id is None


def test_a_person_given_a_person_as_company_is_422(admin_api, person):
    colleague = factories.PersonFactory(company=person.company)

    response = admin_api.patch(
        f"/api/v1/contacts/{person.no}/", {"company": colleague.no}, format="json"
    )

    assert response.status_code == 422, response.json()
    assert list(response.json()) == ["company"]
    person.refresh_from_db()
    assert person.company_id != colleague.pk


@pytest.mark.parametrize("blank", [" ", "\u0085", "\t\n", "\x1e"])
def test_text_blank_once_trimmed_is_400_and_the_schema_says_so(admin_api, db, blank):
    # DRF trims before its blank check; the schema's pattern states it (found
    # by CI's fuzzer: "\u0085" passed minLength 1 and was refused with 400).
    campaign = factories.CampaignFactory()

    response = admin_api.patch(
        f"/api/v1/campaigns/{campaign.no}/", {"description": blank}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"description": ["This field may not be blank."]}
    schema = admin_api.get("/api/v1/schema/?format=json").json()
    description = schema["components"]["schemas"]["PatchedCampaignRequest"][
        "properties"
    ]["description"]
    assert description["pattern"] == NOT_BLANK_PATTERN
    assert not re.search(NOT_BLANK_PATTERN, blank)


def test_entry_without_a_description_anywhere_is_422(admin_api, person, salesperson):
    # Optional in the schema; required when the template has none either.
    template = factories.TemplateFactory(code="BARE", description="")

    response = admin_api.post(
        "/api/v1/interactions/",
        {
            "contact": person.no,
            "template": template.code,
            "salesperson": salesperson.code,
        },
        format="json",
    )

    assert response.status_code == 422, response.json()
    assert list(response.json()) == ["description"]
    assert not InteractionLogEntry.objects.filter(template=template).exists()

"""Strict API: the server accepts exactly what the OpenAPI schema says (#11).

Filters, body fields and headers are refused with 400 and a message under
their name when the schema does not allow the value — never silently widened
(``privacy_blocked=maybe`` returning every contact) or coerced (``5`` stored
as ``"5"``) — and every error under /api/ is JSON, including 404, 405 and 413.
"""

import pytest
from django.test import override_settings

from contacts.models import Contact
from interactions_crm.platform.api.contract import contract
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "parameter", "value"),
    [
        ("/api/v1/contacts/", "privacy_blocked", "maybe"),
        ("/api/v1/contacts/", "privacy_blocked", "1"),
        ("/api/v1/interactions/", "canceled", "yes"),
        ("/api/v1/interactions/", "attempt_failed", "True"),
        ("/api/v1/interactions/", "entry_no_to", "0.5"),
        ("/api/v1/interactions/", "entry_no_from", "1e3"),
        ("/api/v1/interactions/", "entry_no_from", "-1"),
        ("/api/v1/interactions/", "entry_no_to", "99999999999"),
        ("/api/v1/interactions/", "logged_segment", "1.0"),
        ("/api/v1/interactions/", "document_type", "invoice-ish"),
        ("/api/v1/contacts/", "type", "robot"),
    ],
)
def test_a_filter_value_outside_the_schema_is_400_naming_it(
    admin_api, path, parameter, value
):
    response = admin_api.get(path, {parameter: value})

    assert response.status_code == 400
    assert parameter in response.json()


def test_strict_boolean_and_integer_filters_still_filter(admin_api, person, company):
    Contact.objects.filter(pk=person.pk).update(privacy_blocked=True)
    entry = factories.make_entry(person, factories.TemplateFactory())

    blocked = admin_api.get("/api/v1/contacts/", {"privacy_blocked": "true"})
    open_ = admin_api.get("/api/v1/contacts/", {"privacy_blocked": "false"})
    by_number = admin_api.get(
        "/api/v1/interactions/",
        {"entry_no_from": entry.entry_no, "entry_no_to": entry.entry_no},
    )

    assert [c["no"] for c in blocked.json()["results"]] == [person.no]
    assert person.no not in [c["no"] for c in open_.json()["results"]]
    assert [e["entry_no"] for e in by_number.json()["results"]] == [entry.entry_no]


def test_the_staff_contact_list_shows_the_error_and_no_rows(client, admin_user, person):
    client.force_login(admin_user)

    response = client.get("/contacts/", {"privacy_blocked": "maybe"})

    assert response.status_code == 200
    assert person.no not in response.content.decode()
    assert response.context["filter"].errors["privacy_blocked"] == [
        "Enter true or false."
    ]


def test_the_schema_states_the_strict_filters(admin_api):
    schema = admin_api.get("/api/v1/schema/?format=json").json()
    parameters = {
        p["name"]: p["schema"]
        for p in schema["paths"]["/api/v1/interactions/"]["get"]["parameters"]
    }

    assert parameters["canceled"] == {"type": "boolean"}
    assert parameters["entry_no_to"] == {
        "type": "integer",
        "minimum": 0,
        "maximum": 2147483647,
    }
    assert "enum" in parameters["document_type"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "person", "name": 5}, "name"),  # no int → str coercion
        ({"type": "person", "name": "Kari", "company": ""}, "company"),  # minLength
        (
            {"type": "person", "name": "Kari", "privacy_blocked": "yes"},
            "privacy_blocked",
        ),
        ({"type": "person", "name": "Kari", "privacy_blocked": 1}, "privacy_blocked"),
        ({"type": "person", "name": ""}, "name"),
        ({"type": 3, "name": "Kari"}, "type"),
    ],
)
def test_a_body_value_outside_the_schema_is_400_and_nothing_is_written(
    admin_api, body, field
):
    response = admin_api.post("/api/v1/contacts/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Contact.objects.exists()


def test_a_refusal_lists_the_serializers_messages_too(admin_api):
    response = admin_api.post(
        "/api/v1/contacts/",
        {"type": "person", "name": 5, "mailing_groups": ["NOPE"]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["name"] == ["Not a valid string."]
    assert "mailing_groups" in response.json()


def test_put_without_a_body_is_400(admin_api):
    factories.BusinessRelationFactory(code="BANK", description="Bank")

    response = admin_api.put("/api/v1/business-relations/BANK/")

    assert response.status_code == 400
    assert response.json() == {"detail": "This operation needs a JSON body."}


def test_every_put_body_is_required_in_the_schema():
    puts = [
        operations["put"]
        for _template, _pattern, operations in contract().routes
        if "put" in operations
    ]

    assert puts
    assert all(put["requestBody"]["required"] for put in puts)


@pytest.mark.parametrize("key", ["", "   "])
def test_a_blank_idempotency_key_is_400_as_the_schema_says(admin_api, key):
    response = admin_api.post(
        "/api/v1/business-relations/",
        {"code": "BANK", "description": "Bank"},
        format="json",
        headers={"Idempotency-Key": key},
    )
    schema = admin_api.get("/api/v1/schema/?format=json").json()
    header = next(
        p
        for p in schema["paths"]["/api/v1/business-relations/"]["post"]["parameters"]
        if p["name"] == "Idempotency-Key"
    )

    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()
    assert header["schema"]["minLength"] == 1
    assert header["schema"]["pattern"] == r"\S"


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_a_body_over_the_limit_is_a_json_413(admin_api):
    response = admin_api.post(
        "/api/v1/contacts/",
        data='{"name": "' + "x" * 2048 + '"}',
        content_type="application/json",
    )

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "1024 bytes" in response.json()["detail"]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/api/v1/no-such-thing/", 404),
        ("get", "/api/v1/contacts", 404),
        ("post", "/api/v2/contacts/", 404),
        ("get", "/api/", 404),
        ("delete", "/api/v1/contacts/", 405),
        ("put", "/api/v1/interactions/", 405),
    ],
)
def test_unknown_urls_and_methods_answer_json(
    admin_api, anon_api, method, path, status
):
    for client in (admin_api, anon_api):
        response = getattr(client, method)(path)

        assert response["Content-Type"] == "application/json"
        assert "detail" in response.json()
    assert getattr(admin_api, method)(path).status_code == status


def test_a_non_json_body_is_a_json_415(admin_api):
    response = admin_api.post(
        "/api/v1/contacts/", data="name=Kari", content_type="text/plain"
    )

    assert response.status_code == 415
    assert "detail" in response.json()


def test_staff_pages_keep_their_html_404(client, admin_user):
    client.force_login(admin_user)

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_the_schema_enumerates_the_codes_a_filter_accepts(admin_api):
    factories.BusinessRelationFactory(code="BANK")
    factories.BusinessRelationFactory(code="CUST")

    schema = admin_api.get("/api/v1/schema/?format=json").json()
    contact_filters = {
        p["name"]: p["schema"]
        for p in schema["paths"]["/api/v1/contacts/"]["get"]["parameters"]
    }
    unknown = admin_api.get("/api/v1/contacts/", {"business_relation": "NOPE"})
    known = admin_api.get("/api/v1/contacts/", {"business_relation": "BANK"})

    assert contact_filters["business_relation"]["enum"] == ["BANK", "CUST"]
    assert (unknown.status_code, known.status_code) == (422, 200)


def test_a_code_created_later_is_accepted_by_the_contract(admin_api, person):
    contract()  # generated now, before the template exists
    factories.TemplateFactory(code="LATER")
    salesperson = factories.SalespersonFactory()

    response = admin_api.post(
        "/api/v1/interactions/",
        {"contact": person.no, "template": "LATER", "salesperson": salesperson.code},
        format="json",
    )

    assert response.status_code == 201


@pytest.mark.parametrize("cost", ["-1.00", "", ".", "1.234", 12.5])
def test_a_decimal_outside_its_pattern_is_400(admin_api, person, cost):
    template = factories.TemplateFactory(code="CALL")
    schema = admin_api.get("/api/v1/schema/?format=json").json()
    pattern = schema["components"]["schemas"]["CreateInteractionRequest"]["properties"][
        "cost"
    ]["pattern"]

    response = admin_api.post(
        "/api/v1/interactions/",
        {"contact": person.no, "template": template.code, "cost": cost},
        format="json",
    )

    assert pattern == r"^(?:\d{1,12}(?:\.\d{0,2})?|\.\d{1,2})$"
    assert response.status_code == 400
    assert "cost" in response.json()


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/v1/contacts/", "page_size="),
        ("/api/v1/contacts/", "page_size=%20%205"),
        ("/api/v1/contacts/", "page_size=5&page_size=7"),
        ("/api/v1/contacts/", "ordering="),
        ("/api/v1/contacts/", "ordering=no&ordering=name"),
        ("/api/v1/interactions/", "delivery_status="),
        ("/api/v1/interactions/", "canceled="),
        ("/api/v1/interactions/", "entry_no_from="),
    ],
)
def test_an_empty_or_repeated_parameter_is_400_naming_it(admin_api, path, query):
    response = admin_api.get(f"{path}?{query}")

    assert response.status_code == 400
    assert query.split("=")[0] in response.json()


def test_an_empty_text_filter_is_no_filter(admin_api, person):
    response = admin_api.get("/api/v1/contacts/?q=&city=")

    assert response.status_code == 200
    assert person.no in [contact["no"] for contact in response.json()["results"]]

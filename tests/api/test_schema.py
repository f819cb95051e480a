"""The OpenAPI schema is the contract: it changes only on purpose.

``fixtures/openapi.yaml`` is the schema as ``manage.py spectacular --file``
writes it (first stored from main before the API code was split into
packages). Moving views and serializers between modules must not change one
byte of it: operation ids, component names, descriptions and error responses
are what generated clients and Schemathesis rely on.

When the API changes deliberately, regenerate the fixture with
``.venv/bin/python manage.py spectacular --file tests/api/fixtures/openapi.yaml``
and review the diff.
"""

import difflib
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from tests import factories
from tests.api.conftest import token_client

FIXTURE = Path(__file__).parent / "fixtures" / "openapi.yaml"


def test_generated_schema_is_identical_to_the_stored_contract(tmp_path: Path):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(generated))

    expected = FIXTURE.read_text(encoding="utf-8")
    actual = generated.read_text(encoding="utf-8")
    diff = "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            fromfile="stored contract",
            tofile="generated now",
            n=2,
        )
    )
    assert actual == expected, f"The OpenAPI schema changed:\n{diff[:4000]}"


def test_every_201_in_the_contract_names_its_location():
    schema = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    created = [
        (method, path, operation["responses"]["201"])
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if isinstance(operation, dict) and "201" in operation.get("responses", {})
    ]

    assert len(created) >= 16
    for method, path, response in created:
        assert response["headers"]["Location"]["required"], (method, path)


# Every other creating endpoint answers with Location too.


@pytest.fixture
def creatable(db):
    factories.SalespersonFactory(code="JO")
    company = factories.CompanyFactory(name="Fjord Handel AS")
    template = factories.TemplateFactory(code="LETTER", group__code="LETTER")
    entry = factories.make_entry(company, template)
    return {"company": company, "template": template, "entry": entry}


@pytest.mark.parametrize(
    "case", ["contact", "interaction", "comment", "segment", "segment_line"]
)
def test_the_other_creating_endpoints_set_location(admin_user, creatable, case):
    api = token_client(admin_user)
    if case in {"segment", "segment_line"}:
        made = api.post(
            "/api/v1/segments/",
            {"description": "Messe", "template": "LETTER"},
            format="json",
        )
        assert made.status_code == 201, made.json()
        segment_no = made.json()["no"]
    url, body = {
        "contact": ("/api/v1/contacts/", {"type": "company", "name": "Ny AS"}),
        "interaction": (
            "/api/v1/interactions/",
            {
                "contact": creatable["company"].no,
                "template": "LETTER",
                "salesperson": "JO",
            },
        ),
        "comment": (
            f"/api/v1/interactions/{creatable['entry'].entry_no}/comments/",
            {"text": "Ringte tilbake"},
        ),
        "segment": (
            "/api/v1/segments/",
            {"description": "Messe", "template": "LETTER"},
        ),
        "segment_line": (
            f"/api/v1/segments/{segment_no if case == 'segment_line' else ''}/lines/",
            {"contact": creatable["company"].no},
        ),
    }[case]

    response = api.post(url, body, format="json")

    assert response.status_code == 201, response.json()
    assert response["Location"].startswith("http://testserver/api/v1/")

"""The API's exception handler: domain and ORM errors become JSON, never 500."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError
from django.http import Http404

from interactions_crm.platform.api.errors import exception_handler


@pytest.mark.parametrize(
    ("exc", "status", "body"),
    [
        (
            ValidationError({"cost": ["Must not be negative."]}),
            400,
            {"cost": ["Must not be negative."]},
        ),
        (
            ValidationError("Segment is empty."),
            400,
            {"non_field_errors": ["Segment is empty."]},
        ),
        (
            ValidationError({"__all__": ["Cannot delete it."]}),
            400,
            {"non_field_errors": ["Cannot delete it."]},
        ),
        (
            ValidationError({"canceled": [ValidationError("Busy.", code="state")]}),
            409,
            {"canceled": ["Busy."]},
        ),
        (PermissionDenied(), 403, None),
        (Http404(), 404, None),
    ],
)
def test_maps_django_exceptions(exc, status, body):
    response = exception_handler(exc, {})

    assert response.status_code == status
    if body is not None:
        assert response.data == body


def test_protected_and_integrity_errors_are_conflicts():
    protected = exception_handler(ProtectedError("in use", {object()}), {})
    duplicate = exception_handler(IntegrityError("duplicate key"), {})

    assert protected.status_code == duplicate.status_code == 409
    assert "1 other record refers" in protected.data["detail"]
    assert "detail" in duplicate.data


def test_unknown_exceptions_are_left_to_django():
    assert exception_handler(RuntimeError("bug"), {}) is None


def test_nul_characters_in_json_are_400_on_every_database(admin_api, db):
    response = admin_api.post(
        "/api/v1/interaction-groups/", {"code": "A\x00B"}, format="json"
    )

    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


def test_deeply_nested_json_is_400(admin_api, db):
    body = "[" * 100_000 + "]" * 100_000

    response = admin_api.generic(
        "POST", "/api/v1/interaction-groups/", body, content_type="application/json"
    )

    assert response.status_code == 400


def test_nul_in_a_query_string_is_never_a_server_error(integrator_api):
    response = integrator_api.get("/api/v1/interactions/", {"contact": "CT\x00"})

    assert response.status_code in (200, 400)


@pytest.mark.parametrize(
    "path",
    ["/api/v1/contacts/CT%00/", "/api/v1/segments/SM%00/lines/", "/api/v1/jobs/%00/"],
)
def test_nul_in_a_url_is_never_a_server_error(admin_api, path):
    response = admin_api.get(path)

    assert response.status_code in (400, 404)
    assert response["Content-Type"] == "application/json"

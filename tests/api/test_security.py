"""Integrator group, throttling, the public contract (tokens: test_tokens.py)."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from rest_framework.throttling import ScopedRateThrottle, UserRateThrottle

from interactions_crm.platform.api.permissions import INTEGRATOR_PERMISSIONS

pytestmark = pytest.mark.django_db


def test_integrator_group_has_exactly_its_permissions():
    group = Group.objects.get(name="Integrator")

    granted = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }

    assert granted == set(INTEGRATOR_PERMISSIONS)
    assert "interactions.delete_canceled_interactionlogentry" not in granted
    assert "interactions.log_segment" not in granted


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("get", "/api/v1/contacts/", True),
        ("get", "/api/v1/interactions/", True),
        ("get", "/api/v1/interaction-templates/", True),
        ("get", "/api/v1/interaction-template-setup/", True),
        ("post", "/api/v1/document-events/", True),
        ("post", "/api/v1/interactions/", True),
        ("get", "/api/v1/segments/", False),
        ("post", "/api/v1/interactions/delete-canceled/", False),
        ("post", "/api/v1/interactions/evaluate/", False),
        ("post", "/api/v1/salespeople/", False),
        ("get", "/api/v1/logged-segments/", False),
    ],
)
def test_integrator_reaches_what_an_erp_needs(integrator_api, method, path, allowed):
    response = getattr(integrator_api, method)(path, {}, format="json")

    assert (response.status_code != 403) is allowed


def test_users_are_throttled(integrator_api, monkeypatch):
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "2/min"})

    statuses = [integrator_api.get("/api/v1/contacts/").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def test_bulk_actions_have_their_own_limit(admin_api, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"bulk": "1/min"})
    path = "/api/v1/interactions/delete-canceled/"

    first = admin_api.post(path, {}, format="json")
    second = admin_api.post(path, {}, format="json")
    other = admin_api.get("/api/v1/interactions/")

    assert first.status_code == 200
    assert second.status_code == 429
    assert int(second["Retry-After"]) > 0
    assert other.status_code == 200


def test_schema_is_public_and_describes_every_route(anon_api):
    response = anon_api.get("/api/v1/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in (
        "/api/v1/contacts/{contact_no}/interactions/",
        "/api/v1/document-events/",
        "/api/v1/interactions/delete-canceled/",
        "/api/v1/segments/{no}/log/",
        "/api/v1/jobs/{id}/",
    ):
        assert path in paths
    for operations in paths.values():
        for operation in operations.values():
            if isinstance(operation, dict) and "responses" in operation:
                assert {"401", "403", "429"} <= set(operation["responses"])


def test_creating_posts_document_idempotency_key(anon_api):
    schema = anon_api.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/interactions/"]["post"]

    headers = [p["name"] for p in operation["parameters"] if p["in"] == "header"]
    assert headers == ["Idempotency-Key"]
    assert "422" in operation["responses"]


def test_swagger_ui_is_served_without_cdn(anon_api):
    response = anon_api.get("/api/v1/docs/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "drf_spectacular_sidecar/swagger-ui-dist" in html
    assert "cdn." not in html and "unpkg" not in html


def test_schema_is_valid_openapi_without_warnings(tmp_path):
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(tmp_path / "schema.yaml"),
    )

    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3.0.3")

"""Friendly error pages without DEBUG, and the Content-Security-Policy header."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_unknown_address_gets_the_friendly_404(client, settings):
    settings.DEBUG = False

    response = client.get("/no/such/page/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in page
    assert 'href="/"' in page
    # Not Django's technical page listing every URL pattern.
    assert "URLconf" not in page
    assert "admin/" not in page


def test_signed_in_users_get_the_404_inside_the_site_layout(client, staff_user):
    client.force_login(staff_user)

    page = client.get("/no/such/page/").content.decode()

    assert 'class="mainnav"' in page
    assert "Page not found" in page


def test_a_failure_gets_the_friendly_500_without_details(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.ops.failing_urls"
    client = Client(raise_request_exception=False)

    response = client.get("/test-failure/")

    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in page
    assert "something broke" not in page
    assert "Traceback" not in page
    assert "/static/css/app.css" in page


def test_pages_carry_a_content_security_policy_without_inline_code(client):
    response = client.get("/accounts/login/")

    policy = response["Content-Security-Policy"]
    directives = dict(
        directive.strip().split(" ", 1) for directive in policy.split(";")
    )
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_api_responses_carry_the_policy_too(client):
    response = client.get("/api/v1/contacts/")

    assert response.status_code == 401
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_no_permission_gets_the_friendly_403(client, staff_without_permission):
    client.force_login(staff_without_permission)

    response = client.get("/interactions/delete-canceled/")

    page = response.content.decode()
    assert response.status_code == 403
    assert "No access" in page
    assert 'class="mainnav"' in page

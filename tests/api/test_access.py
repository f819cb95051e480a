"""Every endpoint: anonymous → 401, no permission → 403, wrong method → 405.

Authentication and permissions are checked before an object is looked up, so
the keys in these URLs need not exist. Happy paths and bad input are tested
per resource in the other modules.
"""

import pytest

# (path, methods it answers). Keys are placeholders (see module docstring).
ENDPOINTS: list[tuple[str, set[str]]] = [
    ("/api/v1/contacts/", {"get", "post"}),
    ("/api/v1/contacts/CT1/", {"get", "put", "patch", "delete"}),
    ("/api/v1/contacts/CT1/interactions/", {"get"}),
    ("/api/v1/salespeople/", {"get", "post"}),
    ("/api/v1/salespeople/JO/", {"get", "put", "patch", "delete"}),
    ("/api/v1/campaigns/", {"get", "post"}),
    ("/api/v1/campaigns/CP1/", {"get", "put", "patch", "delete"}),
    ("/api/v1/interaction-groups/", {"get", "post"}),
    ("/api/v1/interaction-groups/LETTER/", {"get", "put", "patch", "delete"}),
    ("/api/v1/interaction-templates/", {"get", "post"}),
    ("/api/v1/interaction-templates/LETTER/", {"get", "put", "patch", "delete"}),
    ("/api/v1/business-relations/", {"get", "post"}),
    ("/api/v1/business-relations/CUST/", {"get", "put", "patch", "delete"}),
    ("/api/v1/job-responsibilities/", {"get", "post"}),
    ("/api/v1/job-responsibilities/SALES/", {"get", "put", "patch", "delete"}),
    ("/api/v1/industry-groups/", {"get", "post"}),
    ("/api/v1/industry-groups/RETAIL/", {"get", "put", "patch", "delete"}),
    ("/api/v1/mailing-groups/", {"get", "post"}),
    ("/api/v1/mailing-groups/NEWS/", {"get", "put", "patch", "delete"}),
    ("/api/v1/interaction-template-setup/", {"get"}),
    ("/api/v1/interaction-template-setup/sales_invoice/", {"get", "put", "patch"}),
    ("/api/v1/interactions/", {"get", "post"}),
    ("/api/v1/interactions/1/", {"get", "delete"}),
    ("/api/v1/interactions/1/cancel/", {"post"}),
    ("/api/v1/interactions/1/uncancel/", {"post"}),
    ("/api/v1/interactions/1/evaluate/", {"post"}),
    ("/api/v1/interactions/1/comments/", {"get", "post"}),
    ("/api/v1/interactions/switch-canceled/", {"post"}),
    ("/api/v1/interactions/evaluate/", {"post"}),
    ("/api/v1/interactions/delete-canceled/", {"post"}),
    ("/api/v1/postponed-interactions/", {"get"}),
    ("/api/v1/postponed-interactions/1/", {"get", "delete"}),
    ("/api/v1/postponed-interactions/1/resume/", {"post"}),
    ("/api/v1/segments/", {"get", "post"}),
    ("/api/v1/segments/SM1/", {"get", "put", "patch", "delete"}),
    ("/api/v1/segments/SM1/lines/", {"get", "post"}),
    ("/api/v1/segments/SM1/lines/1/", {"get", "put", "patch", "delete"}),
    ("/api/v1/segments/SM1/add-contacts/", {"post"}),
    ("/api/v1/segments/SM1/reduce-contacts/", {"post"}),
    ("/api/v1/segments/SM1/refine-contacts/", {"post"}),
    ("/api/v1/segments/SM1/go-back/", {"post"}),
    ("/api/v1/segments/SM1/reuse-logged-segment/", {"post"}),
    ("/api/v1/segments/SM1/log/", {"post"}),
    ("/api/v1/logged-segments/", {"get"}),
    ("/api/v1/logged-segments/1/", {"get"}),
    ("/api/v1/logged-segments/1/cancel/", {"post"}),
    ("/api/v1/logged-segments/1/uncancel/", {"post"}),
    ("/api/v1/logged-segments/delete-canceled/", {"post"}),
    ("/api/v1/document-events/", {"post"}),
    ("/api/v1/jobs/00000000-0000-0000-0000-000000000000/", {"get"}),
]
ALL_METHODS = ("get", "post", "put", "patch", "delete")

CALLS = [(path, method) for path, methods in ENDPOINTS for method in sorted(methods)]
WRONG_CALLS = [
    (path, next(m for m in ALL_METHODS if m not in methods))
    for path, methods in ENDPOINTS
]


def _call(client, method: str, path: str):
    return getattr(client, method)(path, {}, format="json")


@pytest.mark.parametrize(("path", "method"), CALLS)
def test_anonymous_is_401(anon_api, db, path, method):
    response = _call(anon_api, method, path)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize(("path", "method"), CALLS)
def test_invalid_token_is_401(anon_api, db, path, method):
    anon_api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    assert _call(anon_api, method, path).status_code == 401


@pytest.mark.parametrize(
    ("path", "method"),
    # Jobs answer only their owner (or a job viewer): others get 404, tested
    # in test_jobs.py.
    [(p, m) for p, m in CALLS if not p.startswith("/api/v1/jobs/")],
)
def test_user_without_permission_is_403(outsider_api, path, method):
    response = _call(outsider_api, method, path)

    assert response.status_code == 403
    assert "detail" in response.json()


@pytest.mark.parametrize(("path", "method"), WRONG_CALLS)
def test_wrong_method_is_405(admin_api, path, method):
    response = _call(admin_api, method, path)

    assert response.status_code == 405
    assert method.upper() not in response["Allow"]


def test_session_authentication_works_for_the_browsable_api(client, staff_user):
    client.force_login(staff_user)

    response = client.get("/api/v1/interactions/", HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert b"Interaction" in response.content


def test_session_post_without_csrf_token_is_refused(staff_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)

    response = client.post("/api/v1/interactions/", {}, content_type="application/json")

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/interactions/%C3%B1%0A/uncancel/",
        "/api/v1/interaction-template-setup/%F2%9D%99%BB%0A/",
        "/api/v1/no-such-resource/",
    ],
)
def test_unknown_api_urls_answer_json_404(admin_api, path):
    response = admin_api.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"

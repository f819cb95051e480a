"""API test fixtures: token-authenticated clients for the personas."""

from collections.abc import Callable

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from interactions_crm.platform.api.auth import issue_token


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    """Throttle counters live in the cache; one test must not throttle the next."""
    cache.clear()
    yield
    cache.clear()


def token_client(user) -> APIClient:
    """A client that authenticates as ``user`` with an API token."""
    token = issue_token(actor=None, user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def api_as(db) -> Callable[..., APIClient]:
    return token_client


@pytest.fixture
def anon_api() -> APIClient:
    return APIClient()


@pytest.fixture
def integrator_api(integrator_token) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {integrator_token.key}")
    return client


@pytest.fixture
def staff_api(staff_user) -> APIClient:
    return token_client(staff_user)


@pytest.fixture
def outsider_api(staff_without_permission) -> APIClient:
    return token_client(staff_without_permission)


@pytest.fixture
def admin_api(admin_user) -> APIClient:
    return token_client(admin_user)

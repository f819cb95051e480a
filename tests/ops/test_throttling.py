"""Wrong tokens and anonymous requests are throttled per client address (429, JSON).

The counters are in the shared cache: one test records failures from another
process and sees them counted here.
"""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from interactions_crm.platform.api.auth import issue_token
from tests.ops.support import run

pytestmark = pytest.mark.django_db

CONTACTS = "/api/v1/contacts/"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def rates(monkeypatch):
    """Small rates, so a test reaches them in a few requests.

    DRF reads the rates into the class when it is imported, so they are
    patched there, not in settings.
    """
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {**SimpleRateThrottle.THROTTLE_RATES, "anon": "5/min", "auth_failure": "3/min"},
    )


def with_token(key: str, address: str = "203.0.113.7") -> APIClient:
    client = APIClient(REMOTE_ADDR=address)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def assert_throttled_json(response) -> None:
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert "throttled" in response.json()["detail"]
    assert int(response["Retry-After"]) > 0


def test_wrong_tokens_are_throttled_per_client_address(rates, integrator_token):
    guesser = with_token("0" * 40)

    answers = [guesser.get(CONTACTS).status_code for _ in range(4)]
    fifth = guesser.get(CONTACTS)

    assert answers == [401, 401, 401, 429]
    assert_throttled_json(fifth)


def test_a_throttled_client_is_refused_even_with_the_right_token(
    rates, integrator_token
):
    for _ in range(3):
        with_token("0" * 40).get(CONTACTS)

    right_token_same_address = with_token(integrator_token.key).get(CONTACTS)
    right_token_elsewhere = with_token(integrator_token.key, "198.51.100.2").get(
        CONTACTS
    )

    # Otherwise a 429 would mean "wrong" and a 200 "guessed it".
    assert_throttled_json(right_token_same_address)
    assert right_token_elsewhere.status_code == 200


def test_good_tokens_are_not_counted_as_failures(rates, integrator_token):
    client = with_token(integrator_token.key)

    answers = {client.get(CONTACTS).status_code for _ in range(6)}

    assert answers == {200}


def test_anonymous_requests_are_throttled_before_the_401(rates):
    anonymous = APIClient(REMOTE_ADDR="203.0.113.9")

    answers = [anonymous.get(CONTACTS).status_code for _ in range(5)]
    sixth = anonymous.get(CONTACTS)

    assert answers == [401] * 5
    assert_throttled_json(sixth)


def test_an_anonymous_request_to_an_open_endpoint_counts_once(rates):
    anonymous = APIClient(REMOTE_ADDR="203.0.113.10")

    # The schema is open to anyone; five requests are within "5/min".
    answers = [anonymous.get("/api/v1/schema/").status_code for _ in range(5)]

    assert answers == [200] * 5


def test_failures_from_another_process_count_here(rates, integrator_token):
    # Another process (another gunicorn worker) records two failures from the
    # same address through the same shared cache …
    code = (
        "import django; django.setup()\n"
        "from django.test import RequestFactory\n"
        "from rest_framework.request import Request\n"
        "from interactions_crm.platform.api.throttling import AuthFailureThrottle\n"
        "request = Request(RequestFactory().get('/', REMOTE_ADDR='203.0.113.7'))\n"
        "for _ in range(2):\n"
        "    AuthFailureThrottle().record_failure(request)\n"
    )
    from django.conf import settings

    location = settings.CACHES["default"]["LOCATION"]
    other = run(
        ["-c", code],
        {
            "DJANGO_SETTINGS_MODULE": "interactions_crm.settings",
            "CACHE_DIR": location,
            "CRM_LOCAL_DIR": str(settings.LOCAL_DIR),
            "API_AUTH_FAILURE_THROTTLE_RATE": "3/min",
        },
    )
    assert other.returncode == 0, other.stderr

    # … so one more failure here uses up the three.
    first = with_token("0" * 40).get(CONTACTS)
    second = with_token("0" * 40).get(CONTACTS)

    assert (first.status_code, second.status_code) == (401, 429)


def test_the_database_cache_holds_the_counters_too(rates, settings, integrator):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "crm_cache_test",
        }
    }
    call_command("createcachetable", verbosity=0)
    issue_token(actor=None, user=integrator, name="test")
    guesser = with_token("0" * 40)

    answers = [guesser.get(CONTACTS).status_code for _ in range(4)]

    assert answers == [401, 401, 401, 429]


def test_redis_holds_the_counters_for_every_process(rates, settings, integrator):
    """With REDIS_URL the counters live in Redis (127.0.0.1:6379, as CI runs it)."""
    import uuid

    prefix = f"crm-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": prefix,
        }
    }
    issue_token(actor=None, user=integrator, name="test")
    guesser = with_token("0" * 40)

    answers = [guesser.get(CONTACTS).status_code for _ in range(4)]

    assert answers == [401, 401, 401, 429]
    # The counter is in Redis itself, where every process reads it: a plain
    # client on its own connection finds this address's history.
    import redis

    server = redis.Redis.from_url("redis://127.0.0.1:6379/15")
    stored = server.keys(f"{prefix}:*")
    assert stored
    server.delete(*stored)

"""The read-replica router: which alias each read and write goes to.

Settings always define a ``replica`` alias; in tests it is a mirror of the test
database (``TEST: {"MIRROR": "default"}``), and ``CRM_READ_REPLICA`` (what
``DATABASE_REPLICA_URL`` sets) turns the router on. The decisions are checked
directly, and end to end by counting the queries each connection ran while
the API served requests.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.contrib.sessions.models import Session
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult
from rest_framework.test import APIClient

from contacts.models import Contact, Salesperson
from interactions_crm.platform import middleware
from interactions_crm.platform.api.auth import issue_token
from interactions_crm.platform.api.tokens import ApiToken
from interactions_crm.platform.models import IdempotencyKey
from interactions_crm.platform.routers import PRIMARY, REPLICA
from tests import factories

# Tests that run queries on both aliases are transactional: a test case's
# wrapping transaction would be opened on the mirror too, and SQLite allows one
# writing transaction per database. Tests of the decisions alone need no
# connection to the replica.
BOTH = ["default", "replica"]


@pytest.fixture
def replica_reads(settings):
    settings.CRM_READ_REPLICA = True
    settings.CRM_READ_YOUR_WRITES_SECONDS = 5


@pytest.fixture(autouse=True)
def _fresh_marks():
    """Read-your-writes marks live in the shared cache: start each test clean."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@contextmanager
def serving(method: str = "GET", user=None) -> Iterator[None]:
    """Run the block as if the middleware were serving a request."""
    request = getattr(RequestFactory(), method.lower())("/")
    if user is not None:
        request.user = user
    state = middleware._RequestReads(request=request, safe=method == "GET")
    token = middleware._serving.set(state)
    try:
        yield
    finally:
        middleware._serving.reset(token)


def test_without_the_replica_setting_the_router_decides_nothing(db, settings):
    settings.CRM_READ_REPLICA = False

    with serving():
        assert router.db_for_read(Contact) == PRIMARY  # Django's default
        assert router.db_for_write(Contact) == PRIMARY
    assert Contact.objects.all().db == PRIMARY


@pytest.mark.django_db
def test_reads_while_serving_a_get_go_to_the_replica(replica_reads, staff_user):
    with serving("GET", staff_user):
        assert Contact.objects.all().db == REPLICA
        assert router.db_for_read(Salesperson) == REPLICA


@pytest.mark.django_db
def test_reads_outside_a_request_go_to_the_primary(replica_reads):
    # Background jobs, management commands, the shell.
    assert Contact.objects.all().db == PRIMARY


@pytest.mark.django_db
def test_reads_of_a_write_request_go_to_the_primary(replica_reads, staff_user):
    with serving("POST", staff_user):
        assert Contact.objects.all().db == PRIMARY


@pytest.mark.django_db
def test_writes_always_go_to_the_primary(replica_reads, staff_user):
    with serving("GET", staff_user):
        assert router.db_for_write(Contact) == PRIMARY
        contact = factories.PersonFactory()
    assert contact._state.db == PRIMARY


@pytest.mark.django_db
def test_reads_inside_a_transaction_go_to_the_primary(replica_reads, staff_user):
    with serving("GET", staff_user):
        with transaction.atomic():
            inside = Contact.objects.all().db
        after = Contact.objects.all().db

    assert (inside, after) == (PRIMARY, REPLICA)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model",
    [
        Session,
        ApiToken,
        IdempotencyKey,
        DBTaskResult,
        DatabaseCache("crm_cache", {}).cache_model_class,
    ],
)
def test_state_read_right_after_writing_stays_on_the_primary(
    replica_reads, staff_user, model
):
    with serving("GET", staff_user):
        assert router.db_for_read(model) == PRIMARY


@pytest.mark.django_db
def test_a_user_who_just_wrote_reads_the_primary(replica_reads, staff_user):
    other = factories.UserFactory(username="other")

    middleware.note_write(str(staff_user.pk))

    with serving("GET", staff_user):
        writer_reads = Contact.objects.all().db
    with serving("GET", other):
        others_read = Contact.objects.all().db
    assert (writer_reads, others_read) == (PRIMARY, REPLICA)


@pytest.mark.django_db
def test_read_your_writes_ends_after_the_window(replica_reads, settings, staff_user):
    from django.core.cache import cache

    middleware.note_write(str(staff_user.pk))
    cache.delete(middleware.wrote_recently_key(str(staff_user.pk)))  # expired

    with serving("GET", staff_user):
        assert Contact.objects.all().db == REPLICA


@pytest.mark.django_db
def test_replica_is_never_migrated(replica_reads):
    assert router.allow_migrate(REPLICA, "contacts", model_name="contact") is False
    assert router.allow_migrate(PRIMARY, "contacts", model_name="contact") is True


# --- End to end: the middleware and the router while the API serves ----------


def api_client(user) -> APIClient:
    client = APIClient()
    token = issue_token(actor=None, user=user, name="test")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def run_counting(client_call):
    """``client_call()`` and the SQL each alias ran meanwhile."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = client_call()
    return response, [q["sql"] for q in primary], [q["sql"] for q in replica]


def touches(queries: list[str], table: str) -> bool:
    return any(table in sql for sql in queries)


@pytest.mark.django_db(databases=BOTH, transaction=True)
def test_api_reads_use_the_replica_and_writes_then_reads_the_primary(
    replica_reads, admin_user, integrator
):
    factories.SalespersonFactory(code="JO", name="Jo Nordmann")
    admin_api, integrator_api = api_client(admin_user), api_client(integrator)

    listed, list_primary, list_replica = run_counting(
        lambda: admin_api.get("/api/v1/salespeople/")
    )
    created, create_primary, create_replica = run_counting(
        lambda: admin_api.post(
            "/api/v1/salespeople/", {"code": "KH", "name": "Kari Hansen"}
        )
    )
    relisted, relist_primary, relist_replica = run_counting(
        lambda: admin_api.get("/api/v1/salespeople/")
    )
    others, others_primary, others_replica = run_counting(
        lambda: integrator_api.get("/api/v1/salespeople/")
    )

    table = "contacts_salesperson"
    assert (listed.status_code, created.status_code) == (200, 201)
    # A plain read: the list from the replica, the token from the primary.
    assert touches(list_replica, table) and not touches(list_primary, table)
    assert touches(list_primary, "platform_apitoken")
    assert not touches(list_replica, "platform_apitoken")
    # The write and everything it read: the primary only.
    assert touches(create_primary, table) and create_replica == []
    # Read-your-writes: the writer's next list comes from the primary and
    # shows the new row; another user still reads the replica.
    assert touches(relist_primary, table) and not touches(relist_replica, table)
    assert "KH" in {row["code"] for row in relisted.json()["results"]}
    assert touches(others_replica, table) and not touches(others_primary, table)
    assert others.status_code == 200


@pytest.mark.django_db(databases=BOTH, transaction=True)
def test_staff_pages_read_the_replica_and_sessions_the_primary(
    replica_reads, client, staff_user
):
    client.force_login(staff_user)

    page, primary, replica = run_counting(lambda: client.get("/contacts/"))

    assert page.status_code == 200
    assert touches(replica, "contacts_contact")
    assert touches(primary, "django_session")
    assert not touches(replica, "django_session")

"""Postponed interactions page: list, resume, delete (DOMAIN §4.4)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interactions.models import InteractionLogEntry
from tests import factories
from tests.conftest import grant
from tests.factories import make_entry

pytestmark = pytest.mark.django_db

LIST = reverse("interactions:postponed-list")
DELETE = reverse("interactions:postponed-delete")


def resume_url(entry: InteractionLogEntry) -> str:
    return reverse("interactions:postponed-resume", kwargs={"entry_no": entry.pk})


def postponed_by(user, **values) -> InteractionLogEntry:
    entry = make_entry(postpone=True, **values)
    InteractionLogEntry.objects.filter(pk=entry.pk).update(logged_by=user)
    return entry


@pytest.fixture
def viewer(db):
    user = factories.UserFactory(username="viewer")
    grant(user, "interactions.view_interactionlogentry")
    return user


def shown(response) -> list[int]:
    return [entry.pk for entry in response.context["page"].rows]


# --- access ---------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client):
    entry = make_entry(postpone=True)
    for response in (
        client.get(LIST),
        client.get(resume_url(entry)),
        client.post(DELETE, {"entries": [entry.pk]}),
    ):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_pages_need_permission(client, staff_without_permission, viewer):
    entry = make_entry(postpone=True)
    client.force_login(staff_without_permission)
    assert client.get(LIST).status_code == 403
    # Reading the list is not enough to resume or delete.
    client.force_login(viewer)
    assert client.get(LIST).status_code == 200
    assert client.get(resume_url(entry)).status_code == 403
    assert (
        client.post(DELETE, {"entries": [entry.pk], "confirmed": "1"}).status_code
        == 403
    )
    assert InteractionLogEntry.objects.filter(pk=entry.pk).exists()


def test_wrong_methods_are_refused(staff_client):
    entry = make_entry(postpone=True)
    assert staff_client.post(LIST).status_code == 405
    assert staff_client.post(resume_url(entry)).status_code == 405
    assert staff_client.get(DELETE).status_code == 405


# --- list -----------------------------------------------------------------------------


def test_list_shows_my_postponed_interactions(staff_client, staff_user):
    mine = postponed_by(staff_user)
    theirs = postponed_by(factories.UserFactory())
    make_entry()  # a finished one is in the log, not here

    assert shown(staff_client.get(LIST)) == [mine.pk]
    assert shown(staff_client.get(LIST, {"all": "1"})) == [theirs.pk, mine.pk]


def test_list_query_count_does_not_grow_with_rows(staff_client, staff_user):
    postponed_by(staff_user)
    postponed_by(staff_user)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(LIST).status_code == 200
        return len(captured)

    # session, user, user and group permissions, the page of rows.
    assert queries() == 5
    for _ in range(4):
        postponed_by(staff_user)
    assert queries() == 5


# --- resume ---------------------------------------------------------------------------


def test_resume_opens_the_prefilled_wizard(staff_client, staff_user):
    entry = postponed_by(staff_user, description="Unfinished call")

    response = staff_client.get(resume_url(entry), follow=True)

    assert response.context["state"].resume == entry.pk
    assert 'value="Unfinished call"' in response.content.decode()
    entry.refresh_from_db()
    assert entry.postponed  # nothing is written until the wizard finishes


def test_only_postponed_entries_can_be_resumed(staff_client):
    assert staff_client.get(resume_url(make_entry())).status_code == 404


# --- delete ---------------------------------------------------------------------------


def test_delete_asks_first_then_deletes(staff_client, staff_user):
    first, second = postponed_by(staff_user), postponed_by(staff_user)
    kept = postponed_by(staff_user)

    question = staff_client.post(DELETE, {"entries": [first.pk, second.pk]})
    assert question.status_code == 200
    assert "delete 2 postponed interactions" in question.content.decode()
    assert InteractionLogEntry.objects.count() == 3

    response = staff_client.post(
        DELETE, {"entries": [first.pk, second.pk], "confirmed": "1"}, follow=True
    )

    assert "2 postponed interactions have been deleted." in response.content.decode()
    assert list(InteractionLogEntry.objects.values_list("pk", flat=True)) == [kept.pk]


def test_delete_refuses_entries_that_are_not_postponed(staff_client):
    logged = make_entry()
    response = staff_client.post(
        DELETE, {"entries": [logged.pk], "confirmed": "1"}, follow=True
    )
    assert "Select a valid choice" in response.content.decode()
    assert InteractionLogEntry.objects.filter(pk=logged.pk).exists()

"""Logged segments page (DOMAIN §6.5): list, switch canceled, delete canceled."""

import pytest
from django.core import mail
from django.urls import reverse

from interactions.models import InteractionLogEntry, LoggedSegment
from interactions.services import cancel_entries, cancel_logged_segments
from interactions.services.outbox import run_worker
from tests import factories
from tests.conftest import grant
from tests.web.segment_support import make_logged, make_people

pytestmark = pytest.mark.django_db

LIST = reverse("interactions:loggedsegment-list")
BULK = reverse("interactions:loggedsegment-bulk")


@pytest.fixture
def people(salesperson):
    return make_people()


@pytest.fixture
def purchasers(staff_user, people) -> LoggedSegment:
    """Kari and Per (two entries)."""
    return make_logged(
        staff_user, people.template, "Purchasers", job_responsibility="PURCHASE"
    )


@pytest.fixture
def sellers(staff_user, people) -> LoggedSegment:
    """Ola (one entry)."""
    return make_logged(
        staff_user, people.template, "Sellers", job_responsibility="SALES"
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def shown(response) -> list[str]:
    return [row.segment_no for row in response.context["page"].rows]


def bulk(client, action: str, *logged: LoggedSegment, **extra):
    """Post an action; ``confirmed="1"`` answers Yes to the page's question
    (switch and resend first ask, and the answer carries the intent shown)."""
    data = {"action": action, "logged_segments": [row.pk for row in logged], **extra}
    confirming = extra.get("confirmed") == "1"
    if confirming and action in ("switch_canceled", "resend"):
        question = client.post(BULK, {**data, "confirmed": ""})
        if question.status_code != 200 or "intent" not in question.context:
            return question
        data = {**data, "intent": question.context["intent"]}
    return client.post(BULK, data, follow=confirming)


# --- access ---------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, purchasers):
    for response in (
        client.get(LIST),
        client.post(BULK, {"action": "switch_canceled"}),
    ):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_missing_permission_is_403(client, staff_without_permission, purchasers):
    client.force_login(staff_without_permission)
    assert client.get(LIST).status_code == 403
    response = bulk(client, "switch_canceled", purchasers, confirmed="1")
    assert response.status_code == 403
    purchasers.refresh_from_db()
    assert not purchasers.canceled


def test_viewer_may_list_but_not_switch_or_delete(client, purchasers):
    viewer = factories.UserFactory(username="viewer")
    grant(viewer, "interactions.view_loggedsegment")
    client.force_login(viewer)

    page = client.get(LIST)

    assert page.status_code == 200
    assert b"Switch checkmark in Canceled" not in page.content
    for action in ("switch_canceled", "delete_canceled", "resend"):
        assert bulk(client, action, purchasers, confirmed="1").status_code == 403
    purchasers.refresh_from_db()
    assert not purchasers.canceled


def test_wrong_method_is_405(staff_client):
    assert staff_client.post(LIST).status_code == 405
    assert staff_client.get(BULK).status_code == 405


# --- list -----------------------------------------------------------------------------


def test_list_shows_the_number_of_interactions(
    staff_client, staff_user, purchasers, sellers
):
    # One entry of Purchasers canceled one by one: it no longer counts.
    cancel_entries(
        actor=staff_user,
        entries=purchasers.entries.filter(contact__no="CT101"),
    )
    # A canceled logged segment counts its canceled entries (NAV).
    cancel_logged_segments(
        actor=staff_user, logged_segments=LoggedSegment.objects.filter(pk=sellers.pk)
    )

    response = staff_client.get(LIST)

    counts = {row.segment_no: row.entry_count for row in response.context["page"].rows}
    assert counts == {purchasers.segment_no: 1, sellers.segment_no: 1}
    assert shown(response) == [sellers.segment_no, purchasers.segment_no]
    content = response.content.decode()
    assert f"?logged_segment={purchasers.pk}" in content  # link to its entries


def test_list_filters(staff_client, staff_user, purchasers, sellers):
    cancel_logged_segments(
        actor=staff_user, logged_segments=LoggedSegment.objects.filter(pk=sellers.pk)
    )
    assert shown(staff_client.get(LIST, {"canceled": "true"})) == [sellers.segment_no]
    assert shown(staff_client.get(LIST, {"canceled": "false"})) == [
        purchasers.segment_no
    ]
    assert shown(staff_client.get(LIST, {"q": "purch"})) == [purchasers.segment_no]


def test_list_query_count_does_not_grow_with_rows(
    staff_client, staff_user, people, django_assert_num_queries
):
    for description in ("One", "Two"):
        make_logged(staff_user, people.template, description, contact_type="person")
    # 1 session, 2 user, 3 user permissions, 4 group permissions, 5 the page
    # (logged by joined; its entries counted per row by a subquery).
    with django_assert_num_queries(5):
        response = staff_client.get(LIST)
    assert len(shown(response)) == 2

    for description in ("Three", "Four"):
        make_logged(staff_user, people.template, description, contact_type="person")
    with django_assert_num_queries(5):
        response = staff_client.get(LIST)
    assert len(shown(response)) == 4
    assert {row.entry_count for row in response.context["page"].rows} == {3}


# --- switch checkmark in canceled -----------------------------------------------------


def test_switch_asks_first_with_nav_wording(staff_client, purchasers):
    response = bulk(staff_client, "switch_canceled", purchasers)

    assert response.status_code == 200
    content = response.content.decode()
    assert (
        f"Do you wish to mark logged segment {purchasers.segment_no} as Canceled?"
        in content
    )
    assert "2 active interaction log entries will be canceled" in content
    purchasers.refresh_from_db()
    assert not purchasers.canceled


def test_switch_cancels_the_logged_segment_and_its_entries(staff_client, purchasers):
    response = bulk(
        staff_client, "switch_canceled", purchasers, confirmed="1", reason="Wrong list"
    )

    purchasers.refresh_from_db()
    assert purchasers.canceled
    entries = purchasers.entries.all()
    assert entries.count() == 2
    assert all(entry.canceled for entry in entries)
    assert {entry.cancel_reason for entry in entries} == {"Wrong list"}
    assert response.redirect_chain[-1][0] == LIST
    assert (
        "1 logged segment has been canceled, with its interaction log entries."
        in messages_of(response)
    )


def test_switch_back_revives_only_the_entries_canceled_with_it(
    staff_client, staff_user, purchasers
):
    cancel_entries(
        actor=staff_user, entries=purchasers.entries.filter(contact__no="CT101")
    )
    bulk(staff_client, "switch_canceled", purchasers, confirmed="1")

    question = bulk(staff_client, "switch_canceled", purchasers)
    assert (
        f"Logged segment {purchasers.segment_no} is marked Canceled. Do you wish "
        "to remove the checkmark?" in question.content.decode()
    )
    response = bulk(staff_client, "switch_canceled", purchasers, confirmed="1")

    purchasers.refresh_from_db()
    assert not purchasers.canceled
    states = dict(purchasers.entries.values_list("contact__no", "canceled"))
    assert states == {"CT101": True, "CT201": False}
    assert (
        "The canceled checkmark has been removed from 1 logged segment and the "
        "entries canceled with it." in messages_of(response)
    )


def test_switch_several_follows_the_first_one(
    staff_client, staff_user, purchasers, sellers
):
    cancel_logged_segments(
        actor=staff_user, logged_segments=LoggedSegment.objects.filter(pk=sellers.pk)
    )
    # Purchasers (lower id, active) decides: both end up canceled.
    question = bulk(staff_client, "switch_canceled", purchasers, sellers)
    assert "Do you wish to mark the selected logged segments as Canceled?" in (
        question.content.decode()
    )
    bulk(staff_client, "switch_canceled", purchasers, sellers, confirmed="1")
    assert set(LoggedSegment.objects.values_list("canceled", flat=True)) == {True}


def test_switch_without_selection_says_so(staff_client, purchasers):
    response = staff_client.post(BULK, {"action": "switch_canceled"}, follow=True)
    assert "Select at least one logged segment." in messages_of(response)
    purchasers.refresh_from_db()
    assert not purchasers.canceled


# --- delete canceled logged segments --------------------------------------------------


def test_delete_canceled_deletes_only_canceled_and_keeps_entries(
    staff_client, staff_user, purchasers, sellers
):
    cancel_logged_segments(
        actor=staff_user, logged_segments=LoggedSegment.objects.filter(pk=sellers.pk)
    )
    entry_nos = list(sellers.entries.values_list("entry_no", flat=True))

    question = bulk(staff_client, "delete_canceled", purchasers, sellers)
    content = question.content.decode()
    assert "1 canceled logged segment will be deleted." in content
    assert "1 selected logged segment is not canceled and is kept." in content
    assert LoggedSegment.objects.count() == 2

    response = bulk(staff_client, "delete_canceled", purchasers, sellers, confirmed="1")

    assert list(LoggedSegment.objects.values_list("pk", flat=True)) == [purchasers.pk]
    kept = InteractionLogEntry.objects.filter(entry_no__in=entry_nos)
    assert kept.count() == len(entry_nos)
    assert all(entry.canceled and entry.logged_segment_id is None for entry in kept)
    assert "1 logged segment has been deleted." in messages_of(response)


def test_delete_canceled_with_nothing_canceled_selected_deletes_nothing(
    staff_client, purchasers
):
    response = staff_client.post(
        BULK,
        {"action": "delete_canceled", "logged_segments": [purchasers.pk]},
        follow=True,
    )
    assert LoggedSegment.objects.filter(pk=purchasers.pk).exists()
    assert (
        "Only canceled logged segments can be deleted, and none is selected."
        in messages_of(response)
    )


def test_delete_every_canceled_logged_segment(
    staff_client, staff_user, people, purchasers, sellers
):
    cancel_logged_segments(
        actor=staff_user, logged_segments=LoggedSegment.objects.all()
    )
    active = make_logged(staff_user, people.template, "Active")
    data = {"action": "delete_canceled", "scope": "all_canceled"}

    question = staff_client.post(BULK, data)
    assert "2 canceled logged segments will be deleted." in question.content.decode()

    staff_client.post(BULK, {**data, "confirmed": "1"})
    assert list(LoggedSegment.objects.values_list("pk", flat=True)) == [active.pk]


# --- resend ---------------------------------------------------------------------------


def test_resend_sends_the_entries_again(
    staff_client, purchasers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        question = bulk(staff_client, "resend", purchasers)
        assert "2 e-mails will be sent again." in question.content.decode()
        response = bulk(staff_client, "resend", purchasers, confirmed="1")
    run_worker()  # the outbox worker sends them
    assert len(mail.outbox) == 2
    assert "2 interaction log entries are being sent again." in messages_of(response)


def test_resend_of_a_canceled_logged_segment_is_refused(staff_client, purchasers):
    cancel_logged_segments(
        actor=None, logged_segments=LoggedSegment.objects.filter(pk=purchasers.pk)
    )
    response = staff_client.post(
        BULK, {"action": "resend", "logged_segments": [purchasers.pk]}, follow=True
    )
    assert (
        f"Logged segment {purchasers.segment_no} is canceled; a canceled logged "
        "segment is never resent. Nothing was sent." in messages_of(response)
    )
    assert not mail.outbox


def test_resend_leaves_out_canceled_entries_and_refuses_a_changed_count(
    staff_client, purchasers, django_capture_on_commit_callbacks
):
    entries = list(purchasers.entries.order_by("entry_no"))
    question = bulk(staff_client, "resend", purchasers)
    intent = question.context["intent"]
    cancel_entries(actor=None, entries=[entries[0]])

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            BULK,
            {"action": "resend", "confirmed": "1", "intent": intent},
            follow=True,
        )
    assert (
        "2 messages were confirmed, but 1 would go out now: the logged segments "
        "changed meanwhile. Nothing was sent; resend again to see the new count."
    ) in messages_of(response)
    assert not mail.outbox

    with django_capture_on_commit_callbacks(execute=True):
        bulk(staff_client, "resend", purchasers, confirmed="1")
    run_worker()  # the outbox worker sends it
    assert [message.to for message in mail.outbox] == [[entries[1].contact.email]]


def test_a_stale_switch_of_a_logged_segment_is_refused(staff_client, purchasers):
    stale = bulk(staff_client, "switch_canceled", purchasers).context["intent"]
    bulk(staff_client, "switch_canceled", purchasers, confirmed="1")  # canceled

    response = staff_client.post(
        BULK,
        {"action": "switch_canceled", "confirmed": "1", "intent": stale},
        follow=True,
    )

    assert (
        f"Logged segment {purchasers.segment_no} was switched by someone else after "
        "the confirmation was shown. Nothing was changed; check the selection and "
        "switch again." in messages_of(response)
    )
    purchasers.refresh_from_db()
    assert purchasers.canceled


def test_list_shows_the_sending_progress(staff_client, purchasers):
    first, second = purchasers.entries.order_by("entry_no")
    InteractionLogEntry.objects.filter(pk=first.pk).update(delivery_status="sent")
    InteractionLogEntry.objects.filter(pk=second.pk).update(delivery_status="queued")

    html = staff_client.get(LIST).content.decode()

    assert "1 sent" in html
    assert "1 queued" in html
    assert "failed" not in html

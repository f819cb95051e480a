"""Interaction log entries page and entry page (DOMAIN §6.1–6.3)."""

import csv
import datetime as dt
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from interactions.models import EntryComment, InteractionLogEntry
from interactions.services import add_comment
from interactions.services.outbox import run_worker
from interactions.web.entries import log as views
from tests import factories
from tests.conftest import grant
from tests.factories import make_entry
from tests.interactions.ledger_support import put_in_logged_segment

pytestmark = pytest.mark.django_db

LIST = reverse("interactions:entry-list")
BULK = reverse("interactions:entry-bulk")
EXPORT = reverse("interactions:entry-export")


@pytest.fixture
def viewer(db):
    """May read the log, but neither cancel nor evaluate nor comment."""
    user = factories.UserFactory(username="viewer")
    grant(user, "interactions.view_interactionlogentry")
    return user


def detail_url(entry: InteractionLogEntry, name: str = "entry-detail") -> str:
    return reverse(f"interactions:{name}", kwargs={"entry_no": entry.entry_no})


def switch_intent(client, entries) -> str:
    """Open the switch confirmation for ``entries``; the intent it carries."""
    response = client.post(
        BULK, {"action": "switch_canceled", "entries": [e.pk for e in entries]}
    )
    assert response.status_code == 200
    return response.context["intent"]


def confirm_switch(client, entries, **extra):
    """Ask the question about ``entries``, then answer Yes (as the page does)."""
    data = {
        "action": "switch_canceled",
        "confirmed": "1",
        "intent": switch_intent(client, entries),
        **extra,
    }
    return client.post(BULK, data, follow=True)


def shown_entry_nos(response) -> list[int]:
    return [entry.entry_no for entry in response.context["page"].rows]


# --- access ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("entry-list", "get"),
        ("entry-export", "get"),
        ("entry-bulk", "post"),
    ],
)
def test_anonymous_is_sent_to_login(client, name, method):
    url = reverse(f"interactions:{name}")
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", ["entry-detail", "entry-cancel", "entry-attachment"])
def test_anonymous_is_sent_to_login_from_entry_urls(client, name):
    entry = make_entry()
    response = client.get(detail_url(entry, name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("url", [LIST, EXPORT])
def test_log_needs_view_permission(client, staff_without_permission, url):
    client.force_login(staff_without_permission)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    ("url", "method"),
    [(LIST, "post"), (EXPORT, "post"), (BULK, "get")],
)
def test_wrong_method_is_refused(staff_client, url, method):
    assert getattr(staff_client, method)(url).status_code == 405


# --- the list -------------------------------------------------------------------------


def test_list_shows_entries_newest_first_without_postponed(staff_client, person):
    old = make_entry(person, date=dt.date(2026, 1, 5))
    new = make_entry(person, date=dt.date(2026, 2, 1))
    same_day = make_entry(person, date=dt.date(2026, 2, 1))
    make_entry(person, postpone=True)

    response = staff_client.get(LIST)

    assert response.status_code == 200
    # Newest first; the same date ties on the entry number, highest first.
    assert shown_entry_nos(response) == [same_day.pk, new.pk, old.pk]
    assert person.name in response.content.decode()


def test_canceled_entries_are_shown_as_canceled(staff_client):
    make_entry(canceled=True)
    response = staff_client.get(LIST)
    assert b"log-row--canceled" in response.content


def test_list_filters_with_the_shared_filterset(staff_client, person, company):
    mine = make_entry(person, description="Meeting about the fjord")
    make_entry(company, description="Other")
    canceled = make_entry(person, canceled=True, description="Fjord call")

    by_contact = staff_client.get(LIST, {"contact": person.no})
    by_text = staff_client.get(LIST, {"q": "fjord"})
    by_canceled = staff_client.get(LIST, {"canceled": "true"})
    by_company = staff_client.get(LIST, {"company": company.no, "canceled": "false"})

    assert set(shown_entry_nos(by_contact)) == {mine.pk, canceled.pk}
    assert set(shown_entry_nos(by_text)) == {mine.pk, canceled.pk}
    assert shown_entry_nos(by_canceled) == [canceled.pk]
    # A company's filter covers its persons' entries too.
    assert len(shown_entry_nos(by_company)) == 2


def test_invalid_filter_shows_no_rows_and_says_why(staff_client):
    make_entry()
    response = staff_client.get(LIST, {"date_from": "not a date"})
    assert shown_entry_nos(response) == []
    assert "not valid" in response.content.decode()


@pytest.mark.parametrize(
    ("sort", "key"),
    [
        ("oldest", lambda e: (e.date, e.entry_no)),
        ("cost", lambda e: (-e.cost, -e.entry_no)),
        ("entry_no", lambda e: -e.entry_no),
    ],
)
def test_sort_keys_always_tiebreak_on_entry_no(staff_client, sort, key):
    entries = [
        make_entry(date=dt.date(2026, 3, day), cost=cost)
        for day, cost in [(2, 5), (1, 5), (2, 7), (1, 5)]
    ]
    response = staff_client.get(LIST, {"sort": sort})
    assert shown_entry_nos(response) == [e.pk for e in sorted(entries, key=key)]


def test_keyset_pages_show_every_entry_once(staff_client, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    entries = [make_entry(date=dt.date(2026, 3, 1)) for _ in range(5)]

    seen, cursor = [], None
    for _ in range(5):
        params = {"cursor": cursor} if cursor else {}
        page = staff_client.get(LIST, params).context["page"]
        seen += [entry.pk for entry in page.rows]
        cursor = page.next_cursor
        if not page.has_next:
            break

    assert seen == sorted((e.pk for e in entries), reverse=True)


def test_load_more_over_htmx_returns_only_the_next_rows(staff_client, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    first, second = make_entry(), make_entry()
    cursor = staff_client.get(LIST).context["page"].next_cursor

    response = staff_client.get(LIST, {"cursor": cursor}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert "<html" not in html
    assert f">{first.pk}</a>" in html
    assert f">{second.pk}</a>" not in html


def test_tampered_cursor_shows_the_first_page(staff_client):
    entry = make_entry()
    response = staff_client.get(LIST, {"cursor": "not-a-cursor"})
    assert shown_entry_nos(response) == [entry.pk]


def test_list_query_count_is_pinned_and_never_counts_the_log(
    staff_client, django_assert_num_queries
):
    make_entry()
    make_entry(canceled=True)
    EntryComment.objects.create(
        entry=InteractionLogEntry.objects.first(), date=timezone.localdate(), text="x"
    )
    # 1 session, 2 user, 3 user permissions, 4 group permissions,
    # 5 filter choices (groups; contact, template, campaign and salesperson
    # are lookups), 6 the user's columns, 7 the user's saved views, 8 the page
    # of rows (entry, contact, company; comments as EXISTS), 9 the code labels
    # of the page (issue #13).
    with django_assert_num_queries(9):
        staff_client.get(LIST)

    for _ in range(3):
        make_entry()
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(LIST, {"canceled": "false", "q": "Template"})
    assert len(shown_entry_nos(response)) == 4
    assert len(queries) == 9
    log_table = InteractionLogEntry._meta.db_table
    assert not [
        q["sql"]
        for q in queries
        if "COUNT(" in q["sql"].upper() and log_table in q["sql"]
    ]


def test_create_link_carries_the_list_filters(staff_client, person):
    response = staff_client.get(LIST, {"contact": person.no, "cursor": "x"})
    html = response.content.decode()
    assert f"{reverse('interactions:entry-create')}?contact={person.no}" in html


def test_delete_canceled_link_only_for_those_allowed(client, staff_user):
    client.force_login(staff_user)
    url = reverse("interactions:entry-delete-canceled")
    assert url not in client.get(LIST).content.decode()
    grant(staff_user, "interactions.delete_canceled_interactionlogentry")
    assert url in client.get(LIST).content.decode()


# --- switch checkmark in canceled -----------------------------------------------------


def test_switch_asks_nav_question_for_one_entry(staff_client):
    entry = make_entry()
    response = staff_client.post(
        BULK, {"action": "switch_canceled", "entries": [entry.pk]}
    )
    assert response.status_code == 200
    assert (
        f"Do you wish to mark Interaction Log Entry {entry.pk} as Canceled?"
        in response.content.decode()
    )
    entry.refresh_from_db()
    assert not entry.canceled


def test_switch_asks_nav_question_for_a_canceled_entry(staff_client):
    entry = make_entry(canceled=True)
    response = staff_client.post(
        BULK, {"action": "switch_canceled", "entries": [entry.pk]}
    )
    assert (
        f"Interaction Log Entry {entry.pk} is marked Canceled. Do you wish to "
        "remove the checkmark?" in response.content.decode()
    )


@pytest.mark.parametrize(
    ("first_canceled", "question"),
    [
        (
            False,
            "Do you wish to mark the selected Interaction Log Entry lines as Canceled?",
        ),
        (
            True,
            "Do you wish to remove the checkmark from the selected Interaction Log "
            "Entry lines?",
        ),
    ],
)
def test_switch_asks_nav_question_for_several(staff_client, first_canceled, question):
    first = make_entry(canceled=first_canceled)
    second = make_entry(canceled=not first_canceled)
    response = staff_client.post(
        BULK, {"action": "switch_canceled", "entries": [second.pk, first.pk]}
    )
    assert question in response.content.decode()


def test_switch_confirmed_cancels_a_mixed_selection(staff_client, staff_user):
    first, already = make_entry(), make_entry(canceled=True)

    response = confirm_switch(
        staff_client,
        [first, already],
        reason="Wrong contact",
        next=f"{LIST}?canceled=false",
    )

    assert response.redirect_chain[-1][0] == f"{LIST}?canceled=false"
    assert "1 interaction log entry has been canceled." in response.content.decode()
    first.refresh_from_db()
    already.refresh_from_db()
    assert (first.canceled, first.cancel_reason, first.canceled_by) == (
        True,
        "Wrong contact",
        staff_user,
    )
    assert already.canceled


def test_switch_confirmed_uncancels_when_the_first_is_canceled(staff_client):
    first, active = make_entry(canceled=True), make_entry()

    response = confirm_switch(staff_client, [first, active])

    assert "removed from 1 interaction log entry" in response.content.decode()
    first.refresh_from_db()
    active.refresh_from_db()
    assert not first.canceled and not active.canceled


def test_uncancel_refused_while_logged_segment_canceled(staff_client):
    entry = make_entry()
    put_in_logged_segment([entry], canceled=True)

    response = confirm_switch(staff_client, [entry])

    assert "Un-cancel the logged segment first" in response.content.decode()
    entry.refresh_from_db()
    assert entry.canceled


def test_switch_needs_cancel_permission(client, viewer):
    client.force_login(viewer)
    entry = make_entry()
    response = client.post(
        BULK, {"action": "switch_canceled", "entries": [entry.pk], "confirmed": "1"}
    )
    assert response.status_code == 403
    entry.refresh_from_db()
    assert not entry.canceled


def test_a_stale_confirmation_never_does_the_opposite(staff_client):
    """Two tabs: tab 1 cancels; tab 2, still asking "Mark as canceled?", is
    confirmed — refused with a message naming the entry, nothing changes."""
    first, second = make_entry(), make_entry()
    stale = switch_intent(staff_client, [first, second])  # tab 2 asks
    confirm_switch(staff_client, [first, second])  # tab 1 cancels both

    response = staff_client.post(
        BULK,
        {"action": "switch_canceled", "confirmed": "1", "intent": stale},
        follow=True,
    )

    assert (
        f"Interaction log entry {first.pk} was canceled by someone else after the "
        "confirmation was shown. Nothing was changed" in response.content.decode()
    )
    assert InteractionLogEntry.objects.filter(canceled=True).count() == 2


def test_a_confirmation_whose_entry_was_deleted_is_refused(staff_client):
    kept, gone = make_entry(), make_entry(canceled=True)
    token = switch_intent(staff_client, [kept, gone])
    InteractionLogEntry.objects.filter(pk=gone.pk).delete()

    response = staff_client.post(
        BULK,
        {"action": "switch_canceled", "confirmed": "1", "intent": token},
        follow=True,
    )

    assert response.status_code == 200
    assert f"Interaction log entry {gone.pk} no longer exists" in (
        response.content.decode()
    )
    kept.refresh_from_db()
    assert not kept.canceled


@pytest.mark.parametrize("token", ["", "forged:token"])
def test_a_confirmation_without_a_valid_intent_changes_nothing(staff_client, token):
    entry = make_entry()
    response = staff_client.post(
        BULK,
        {
            "action": "switch_canceled",
            "confirmed": "1",
            "entries": [entry.pk],
            "intent": token,
        },
        follow=True,
    )
    assert "The confirmation is not valid for this action" in (
        response.content.decode()
    )
    entry.refresh_from_db()
    assert not entry.canceled


def test_switch_without_selection_says_so(staff_client):
    response = staff_client.post(BULK, {"action": "switch_canceled"}, follow=True)
    assert "Select at least one entry." in response.content.decode()


def test_bulk_next_never_leaves_the_site(staff_client):
    entry = make_entry()
    response = staff_client.post(
        BULK,
        {
            "action": "evaluate",
            "evaluation": "positive",
            "entries": [entry.pk],
            "next": "https://evil.example.com/",
        },
    )
    assert response.url == LIST


# --- evaluate -------------------------------------------------------------------------


def test_evaluate_sets_every_selected_entry_canceled_ones_too(staff_client):
    active, canceled = make_entry(), make_entry(canceled=True)

    response = staff_client.post(
        BULK,
        {
            "action": "evaluate",
            "evaluation": "very_positive",
            "entries": [active.pk, canceled.pk],
        },
        follow=True,
    )

    assert (
        "2 interaction log entries have been evaluated as “Very positive”."
        in response.content.decode()
    )
    for entry in (active, canceled):
        entry.refresh_from_db()
        assert entry.evaluation == "very_positive"


def test_evaluate_needs_an_evaluation(staff_client):
    entry = make_entry()
    response = staff_client.post(
        BULK, {"action": "evaluate", "entries": [entry.pk]}, follow=True
    )
    assert "Choose an evaluation." in response.content.decode()
    entry.refresh_from_db()
    assert entry.evaluation == ""


def test_evaluate_needs_evaluate_permission(client, viewer):
    client.force_login(viewer)
    entry = make_entry()
    response = client.post(
        BULK, {"action": "evaluate", "evaluation": "positive", "entries": [entry.pk]}
    )
    assert response.status_code == 403


# --- export ---------------------------------------------------------------------------


def test_export_streams_the_filtered_log_as_csv(staff_client, person, company):
    wanted = make_entry(person, description="Wanted, with a comma")
    make_entry(company)
    make_entry(person, postpone=True)

    response = staff_client.get(EXPORT, {"contact": person.no})

    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["Entry no.", "Date", "Time"]
    assert len(rows) == 2
    assert rows[1][0] == str(wanted.pk)
    assert "Wanted, with a comma" in rows[1]


# --- entry page -----------------------------------------------------------------------


def test_entry_page_shows_fields_content_and_comments(staff_client, person, template):
    factories.TemplateContentFactory(template=template)
    entry = make_entry(person, template, description="Quarterly review")
    add_comment(actor=None, entry=entry, text="Call back in May")

    response = staff_client.get(entry.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    for text in ("Quarterly review", person.name, template.code, "Call back in May"):
        assert text in html
    assert f"Dear {person.name}" in html  # the merged attachment body


def test_entry_page_needs_view_permission(client, staff_without_permission):
    client.force_login(staff_without_permission)
    assert client.get(make_entry().get_absolute_url()).status_code == 403


def test_entry_page_is_read_only(staff_client):
    assert staff_client.post(make_entry().get_absolute_url()).status_code == 405


def test_postponed_entry_has_no_entry_page(staff_client):
    entry = make_entry(postpone=True)
    assert staff_client.get(detail_url(entry)).status_code == 404


def test_attachment_file_downloads(staff_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("scan.pdf", b"%PDF-1.4", content_type="application/pdf")
    entry = make_entry(attachment_file=upload)

    response = staff_client.get(detail_url(entry, "entry-attachment"))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4"
    assert "attachment;" in response["Content-Disposition"]


def test_entry_without_file_has_no_download(staff_client):
    entry = make_entry()
    assert staff_client.get(detail_url(entry, "entry-attachment")).status_code == 404


# --- comments -------------------------------------------------------------------------


def test_add_comment(staff_client, staff_user):
    entry = make_entry()
    response = staff_client.post(
        detail_url(entry, "entry-comment-add"), {"text": "Sent brochure", "code": "B"}
    )
    assert response.status_code == 302
    comment = entry.comments.get()
    assert (comment.text, comment.code, comment.author) == (
        "Sent brochure",
        "B",
        staff_user,
    )


def test_empty_comment_is_refused_on_its_field(staff_client):
    entry = make_entry()
    response = staff_client.post(detail_url(entry, "entry-comment-add"), {"text": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not entry.comments.exists()


def test_comment_needs_permission_and_post(client, viewer):
    client.force_login(viewer)
    entry = make_entry()
    url = detail_url(entry, "entry-comment-add")
    assert client.post(url, {"text": "x"}).status_code == 403
    grant(viewer, "interactions.add_entrycomment")
    assert client.get(url).status_code == 405


# --- cancel, un-cancel, resend --------------------------------------------------------


def test_cancel_with_reason(staff_client, staff_user):
    entry = make_entry()
    response = staff_client.post(
        detail_url(entry, "entry-cancel"), {"reason": "Duplicate"}, follow=True
    )
    assert "1 interaction log entry has been canceled." in response.content.decode()
    entry.refresh_from_db()
    assert (entry.canceled, entry.cancel_reason, entry.canceled_by) == (
        True,
        "Duplicate",
        staff_user,
    )


def test_uncancel(staff_client):
    entry = make_entry(canceled=True)
    staff_client.post(detail_url(entry, "entry-uncancel"))
    entry.refresh_from_db()
    assert not entry.canceled


def test_uncancel_refusal_is_shown(staff_client):
    entry = make_entry()
    put_in_logged_segment([entry], canceled=True, no="SM9")
    response = staff_client.post(detail_url(entry, "entry-uncancel"), follow=True)
    assert "logged segment SM9, which is canceled" in response.content.decode()
    entry.refresh_from_db()
    assert entry.canceled


@pytest.mark.parametrize("name", ["entry-cancel", "entry-uncancel", "entry-resend"])
def test_entry_actions_are_post_only(staff_client, name):
    assert staff_client.get(detail_url(make_entry(), name)).status_code == 405


@pytest.mark.parametrize("name", ["entry-cancel", "entry-uncancel"])
def test_cancel_needs_cancel_permission(client, viewer, name):
    client.force_login(viewer)
    entry = make_entry()
    assert client.post(detail_url(entry, name)).status_code == 403
    entry.refresh_from_db()
    assert not entry.canceled


def test_resend_sends_the_email_again(
    staff_client, person, template, django_capture_on_commit_callbacks
):
    factories.TemplateContentFactory(template=template)
    entry = make_entry(person, template, correspondence_type="email")

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(detail_url(entry, "entry-resend"), follow=True)

    assert "1 interaction log entry is being sent again." in response.content.decode()
    run_worker()  # the outbox worker sends it
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [person.email]
    entry.refresh_from_db()
    assert entry.delivery_status == "sent"


def test_a_canceled_entry_is_never_resent(
    staff_client, person, template, django_capture_on_commit_callbacks
):
    factories.TemplateContentFactory(template=template)
    entry = make_entry(person, template, correspondence_type="email", canceled=True)
    assert detail_url(entry, "entry-resend") not in (
        staff_client.get(detail_url(entry)).content.decode()
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(detail_url(entry, "entry-resend"), follow=True)

    assert (
        f"Interaction log entry {entry.pk} is canceled; a canceled entry is never "
        "sent again. Nothing was sent." in response.content.decode()
    )
    assert not mail.outbox


def test_resend_refusal_is_shown(staff_client):
    entry = make_entry()
    response = staff_client.post(detail_url(entry, "entry-resend"), follow=True)
    assert "There is nothing to send." in response.content.decode()
    assert not mail.outbox


def test_resend_needs_permission(client, viewer):
    client.force_login(viewer)
    assert client.post(detail_url(make_entry(), "entry-resend")).status_code == 403

"""The interaction log in admin: read-only, never counted, actions call services."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interactions.admin import InteractionLogEntryAdmin, LookaheadPaginator
from interactions.models import EntryComment, InteractionLogEntry
from interactions.services import add_comment
from interactions_crm.platform.models import AuditEvent
from tests.admin.support import form_data, message_texts
from tests.conftest import grant
from tests.factories import make_entry
from tests.interactions.ledger_support import make_entries, put_in_logged_segment

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:interactions_interactionlogentry_changelist"


def changelist(query: str = "") -> str:
    return reverse(CHANGELIST) + query


def change_url(entry) -> str:
    return reverse(
        "admin:interactions_interactionlogentry_change", args=[entry.entry_no]
    )


def shown(response) -> set[int]:
    return {entry.pk for entry in response.context["cl"].result_list}


def log_count_queries(captured) -> list[str]:
    return [
        query["sql"]
        for query in captured
        if "COUNT(" in query["sql"].upper()
        and "interactions_interactionlogentry" in query["sql"]
    ]


# --- listing ----------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["", "?canceled__exact=0", "?q=Template", "?status=all&o=2"]
)
def test_changelist_never_counts_the_log(admin_client, query):
    make_entries(3)

    with CaptureQueriesContext(connection) as captured:
        response = admin_client.get(changelist(query))

    assert response.status_code == 200
    assert log_count_queries(captured.captured_queries) == []


def test_changelist_queries_do_not_grow_with_rows(admin_client):
    make_entries(2)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(changelist())
    make_entries(6)
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(changelist())

    assert len(shown(response)) == 8
    assert len(many.captured_queries) == len(few.captured_queries)


def test_paginator_counts_only_a_window_past_the_page():
    make_entries(5)
    entries = InteractionLogEntry.objects.order_by("entry_no")

    first = LookaheadPaginator(entries, 2, page=1)
    first.lookahead = 1
    last = LookaheadPaginator(entries, 2, page=3)
    last.lookahead = 1

    assert (first.count, first.is_lower_bound, first.num_pages) == (3, True, 2)
    assert (last.count, last.is_lower_bound) == (5, False)


def test_changelist_says_at_least_when_it_did_not_count_everything(
    admin_client, monkeypatch
):
    monkeypatch.setattr(InteractionLogEntryAdmin, "list_per_page", 2)
    monkeypatch.setattr(LookaheadPaginator, "lookahead", 1)
    make_entries(5)

    response = admin_client.get(changelist())

    assert "At least 3 interaction log entries" in response.content.decode()


def test_postponed_entries_are_shown_only_with_the_status_filter(admin_client):
    logged = make_entry()
    postponed = make_entry(postpone=True)

    assert shown(admin_client.get(changelist())) == {logged.pk}
    assert shown(admin_client.get(changelist("?status=postponed"))) == {postponed.pk}
    assert shown(admin_client.get(changelist("?status=all"))) == {
        logged.pk,
        postponed.pk,
    }


def test_changelist_links_the_batch_job_only_with_its_permission(
    admin_client, log_keeper_client
):
    link = reverse("admin:interactions_interactionlogentry_delete_canceled")

    assert link in admin_client.get(changelist()).content.decode()
    assert link not in log_keeper_client.get(changelist()).content.decode()


# --- switch checkmark in canceled ---------------------------------------------


def run_action(client, action: str, entries, **extra):
    data = {
        "action": action,
        "_selected_action": [entry.pk for entry in entries],
        "index": "0",
        **extra,
    }
    return client.post(changelist(), data, follow=True)


def confirm_switch(client, entries, **extra):
    """Ask the admin's switch question, then answer Yes."""
    question = client.post(
        changelist(),
        {
            "action": "switch_canceled_action",
            "_selected_action": [entry.pk for entry in entries],
            "index": "0",
        },
    )
    assert question.status_code == 200
    return run_action(
        client,
        "switch_canceled_action",
        entries,
        apply="1",
        intent=question.context["intent"],
        **extra,
    )


def canceled_states(entries) -> list[bool]:
    return [InteractionLogEntry.objects.get(pk=entry.pk).canceled for entry in entries]


def test_switch_canceled_sets_the_opposite_of_the_first_selected(admin_client):
    active = make_entry()
    canceled = make_entry(canceled=True)

    question = admin_client.post(
        changelist(),
        {
            "action": "switch_canceled_action",
            "_selected_action": [active.pk, canceled.pk],
            "index": "0",
        },
    )
    assert (
        "Do you wish to mark the selected Interaction Log Entry lines as Canceled?"
        in question.content.decode()
    )
    assert canceled_states([active, canceled]) == [False, True]  # only asked

    first = confirm_switch(admin_client, [active, canceled])

    assert canceled_states([active, canceled]) == [True, True]
    assert (
        "The canceled checkmark was switched on 1 interaction log entry."
        in message_texts(first)
    )

    second = confirm_switch(admin_client, [active, canceled])

    assert canceled_states([active, canceled]) == [False, False]
    assert (
        "The canceled checkmark was switched on 2 interaction log entries."
        in message_texts(second)
    )


def test_switch_canceled_refusal_is_a_message_and_changes_nothing(admin_client):
    entry = make_entry()
    put_in_logged_segment([entry], canceled=True)

    response = confirm_switch(admin_client, [entry])

    assert response.status_code == 200
    assert canceled_states([entry]) == [True]
    assert any(
        "Un-cancel the logged segment first" in m for m in message_texts(response)
    )


def test_a_stale_admin_confirmation_is_refused(admin_client):
    entry = make_entry()
    question = admin_client.post(
        changelist(),
        {"action": "switch_canceled_action", "_selected_action": [entry.pk]},
    )
    confirm_switch(admin_client, [entry])  # another tab canceled it

    response = run_action(
        admin_client,
        "switch_canceled_action",
        [entry],
        apply="1",
        intent=question.context["intent"],
    )

    assert canceled_states([entry]) == [True]
    assert any(
        "was canceled by someone else after the confirmation" in m
        for m in message_texts(response)
    )


def test_switch_canceled_is_not_offered_without_permission(client, clerk):
    grant(clerk, "interactions.view_interactionlogentry")
    client.force_login(clerk)
    entry = make_entry()

    page = client.get(changelist())
    response = run_action(client, "switch_canceled_action", [entry])

    assert "switch_canceled_action" not in page.content.decode()
    assert response.status_code == 200
    assert canceled_states([entry]) == [False]


# --- evaluate -----------------------------------------------------------------


def test_evaluate_asks_for_the_evaluation_first(log_keeper_client):
    entries = make_entries(2)

    response = log_keeper_client.post(
        changelist(),
        {
            "action": "evaluate_action",
            "_selected_action": [e.pk for e in entries],
            "index": "0",
        },
    )

    assert response.status_code == 200
    assert "admin/interactions/interactionlogentry/evaluate.html" in [
        t.name for t in response.templates
    ]
    assert {e.evaluation for e in InteractionLogEntry.objects.all()} == {""}


def test_evaluate_sets_the_evaluation_on_the_selection_canceled_too(
    log_keeper_client, log_keeper
):
    active, other = make_entries(2)
    canceled = make_entry(canceled=True)
    page = log_keeper_client.post(
        changelist(),
        {
            "action": "evaluate_action",
            "_selected_action": [active.pk, canceled.pk],
            "index": "0",
        },
    )
    data = form_data(page)
    data["evaluation"] = ["positive"]
    data["apply"] = ["1"]

    response = log_keeper_client.post(changelist(), data, follow=True)

    evaluations = dict(InteractionLogEntry.objects.values_list("pk", "evaluation"))
    assert evaluations == {active.pk: "positive", canceled.pk: "positive", other.pk: ""}
    assert "2 interaction log entries were evaluated as “Positive”." in message_texts(
        response
    )
    event = AuditEvent.objects.latest("id")
    assert (event.count, event.actor, event.changes["evaluation"]) == (
        2,
        log_keeper,
        "positive",
    )


def test_evaluate_across_all_filtered_entries(admin_client):
    active = make_entry()
    canceled = make_entries(2, canceled=True)

    admin_client.post(
        changelist("?canceled__exact=1"),
        {
            "action": "evaluate_action",
            # The page's own rows stay ticked when "select all" is chosen.
            "_selected_action": [canceled[0].pk],
            "select_across": "1",
            "index": "0",
            "apply": "1",
            "evaluation": "negative",
        },
    )

    assert {
        e.pk for e in InteractionLogEntry.objects.filter(evaluation="negative")
    } == {e.pk for e in canceled}
    active.refresh_from_db()
    assert active.evaluation == ""


def test_evaluate_without_a_choice_shows_the_page_again(admin_client):
    entry = make_entry()

    response = admin_client.post(
        changelist(),
        {
            "action": "evaluate_action",
            "_selected_action": [entry.pk],
            "index": "0",
            "apply": "1",
            "evaluation": "wonderful",
        },
    )

    assert response.status_code == 200
    assert "evaluation" in response.context["form"].errors
    entry.refresh_from_db()
    assert entry.evaluation == ""


# --- the entry page: read-only, comments through add_comment -------------------


def test_entry_page_is_read_only_and_adds_comments(admin_client, admin_user):
    entry = make_entry(description="Called about the offer")
    page = admin_client.get(change_url(entry))
    data = form_data(page, "interactionlogentry_form")
    new_comment = next(
        name[: -len("-text")]
        for name in data
        if name.endswith("-text") and name.startswith("comments")
    )
    data[f"{new_comment}-text"] = ["Customer wants a call in May"]
    data[f"{new_comment}-code"] = ["FOLLOWUP"]
    data["description"] = ["Rewritten history"]
    data["canceled"] = ["on"]

    response = admin_client.post(change_url(entry), data)

    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.description, entry.canceled) == ("Called about the offer", False)
    comment = EntryComment.objects.get(entry=entry)
    assert (comment.text, comment.code, comment.author) == (
        "Customer wants a call in May",
        "FOLLOWUP",
        admin_user,
    )
    assert AuditEvent.objects.latest("id").changes["text"] == (
        "Customer wants a call in May"
    )


def test_comments_are_listed_read_only(admin_client, admin_user):
    entry = make_entry()
    add_comment(actor=admin_user, entry=entry, text="First call")

    response = admin_client.get(change_url(entry))

    content = response.content.decode()
    assert "First call" in content
    assert 'name="comments-0-text"' not in content


def test_entry_page_without_comment_permission_is_view_only(log_keeper_client):
    entry = make_entry()

    page = log_keeper_client.get(change_url(entry))
    post = log_keeper_client.post(change_url(entry), {})

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert post.status_code == 403


def test_comment_admin_adds_through_the_service(admin_client, admin_user):
    entry = make_entry()

    response = admin_client.post(
        reverse("admin:interactions_entrycomment_add"),
        {"entry": entry.pk, "date": "", "code": "", "text": "  Sent samples  "},
    )

    assert response.status_code == 302
    comment = EntryComment.objects.get()
    assert (comment.entry, comment.text, comment.author) == (
        entry,
        "Sent samples",
        admin_user,
    )


def test_comment_admin_shows_an_empty_text_on_the_field(admin_client):
    entry = make_entry()

    response = admin_client.post(
        reverse("admin:interactions_entrycomment_add"),
        {"entry": entry.pk, "date": "", "code": "X", "text": "   "},
    )

    assert response.status_code == 200
    assert "text" in response.context["adminform"].form.errors
    assert not EntryComment.objects.exists()

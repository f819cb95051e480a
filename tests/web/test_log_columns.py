"""The log as NAV users know it (issue #13 item 1): columns, sorts, views, checks."""

import datetime as dt
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from contacts.models import CorrespondenceType
from interactions.models import (
    DEFAULT_LOG_COLUMNS,
    InteractionLogEntry,
    LogColumn,
    LogViewPreference,
    SavedLogView,
)
from interactions.selectors.log_page import PAGE_SORTS
from interactions.services import (
    add_comment,
    choose_log_columns,
    delete_log_view,
    save_log_view,
)
from interactions.web.entries import log as views
from interactions_crm.platform.models import AuditEvent
from tests import factories
from tests.conftest import grant
from tests.factories import make_entry

pytestmark = pytest.mark.django_db

LIST = reverse("interactions:entry-list")
COLUMNS = reverse("interactions:entry-columns")
SAVE_VIEW = reverse("interactions:entry-view-save")
ALL_COLUMNS = list(LogColumn.values)


def delete_url(view: SavedLogView) -> str:
    return reverse("interactions:entry-view-delete", kwargs={"pk": view.pk})


@pytest.fixture
def colleague(db):
    user = factories.UserFactory(username="colleague")
    grant(user, "interactions.view_interactionlogentry")
    return user


def shown_columns(response) -> list[str]:
    return [column.key for column in response.context["columns"]]


def shown_entry_nos(response) -> list[int]:
    return [row.entry_no for row in response.context["page"].rows]


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- the column chooser ---------------------------------------------------------------


def test_default_columns_until_the_user_chooses(staff_client):
    response = staff_client.get(LIST)
    assert shown_columns(response) == list(DEFAULT_LOG_COLUMNS)


def test_chosen_columns_are_remembered_for_that_user_only(
    staff_client, staff_user, colleague, client
):
    response = staff_client.post(
        COLUMNS,
        {"columns": ["campaign", "information_flow", "date"], "next": LIST},
        follow=True,
    )

    # Shown in the chooser's (NAV's) order, whatever order they came in.
    assert shown_columns(response) == ["date", "campaign", "information_flow"]
    assert "Your columns have been saved." in messages_of(response)
    # Remembered: a new visit (another session of the same user) shows them.
    again = factories.UserFactory._meta.model.objects.get(pk=staff_user.pk)
    client.logout()
    client.force_login(again)
    assert shown_columns(client.get(LIST)) == ["date", "campaign", "information_flow"]
    # Per user: a colleague still sees the defaults.
    client.force_login(colleague)
    assert shown_columns(client.get(LIST)) == list(DEFAULT_LOG_COLUMNS)
    assert LogViewPreference.objects.get(user=staff_user).columns == [
        "campaign",
        "information_flow",
        "date",
    ]


def test_choosing_no_column_or_an_unknown_one_is_refused(staff_client, staff_user):
    nothing = staff_client.post(COLUMNS, {"next": LIST}, follow=True)
    unknown = staff_client.post(
        COLUMNS, {"columns": ["date", "password"], "next": LIST}, follow=True
    )

    assert "Columns: Choose at least one column." in messages_of(nothing)
    assert any(
        m.startswith("Columns: Select a valid choice.") for m in messages_of(unknown)
    )
    assert not LogViewPreference.objects.filter(user=staff_user).exists()


def test_service_refuses_unknown_columns_and_anonymous_users(staff_user):
    with pytest.raises(ValidationError) as unknown:
        choose_log_columns(actor=staff_user, columns=["date", "secret"])
    with pytest.raises(ValidationError):
        choose_log_columns(actor=None, columns=["date"])
    assert "Unknown column: secret." in unknown.value.messages
    assert not LogViewPreference.objects.exists()


def test_choosing_columns_is_audited(staff_user):
    choose_log_columns(actor=staff_user, columns=["date", "date", "cost"])
    event = AuditEvent.objects.get(action="log.choose_columns")
    assert event.changes == {"columns": ["date", "cost"]}


# --- the NAV columns: labels, never codes ---------------------------------------------


def test_every_column_shows_labels_not_codes(staff_client, staff_user, person):
    campaign = factories.CampaignFactory(no="CP-77", description="Spring fair")
    entry = make_entry(
        person,
        information_flow="outbound",
        initiated_by="us",
        correspondence_type=CorrespondenceType.EMAIL,
        campaign=campaign,
        evaluation="very_positive",
        attempt_failed=True,
        subject="About the fair",
    )
    # Set by segment logging and document recording in real life.
    InteractionLogEntry.objects.filter(pk=entry.pk).update(
        segment_no="SEG0042", document_type="sales_invoice", document_no="INV-9"
    )
    add_comment(actor=staff_user, entry=entry, text="Call back")
    choose_log_columns(actor=staff_user, columns=ALL_COLUMNS)

    response = staff_client.get(LIST)

    html = response.content.decode()
    row = html[html.index(f'value="{entry.entry_no}"') :]
    row = row[: row.index("</tr>")]
    for label in (
        "Outbound",
        "Us",
        "E-mail",
        "Spring fair",
        "Very positive",
        "SEG0042",
        "Sales invoice",
        "INV-9",
        person.company.name,
        "About the fair",
        entry.template.description,
        entry.salesperson.name,
    ):
        assert label in row, label
    for code in (">outbound<", ">us<", ">email<", ">sales_invoice<", ">CP-77<"):
        assert code not in row
    # Comment indicator links to the entry's comments.
    assert f"{entry.get_absolute_url()}#comments" in row


def test_canceled_and_attempt_failed_are_columns_and_filters(staff_client, staff_user):
    failed = make_entry(attempt_failed=True)
    canceled = make_entry(canceled=True)
    plain = make_entry()
    choose_log_columns(actor=staff_user, columns=["canceled", "attempt_failed"])

    response = staff_client.get(LIST)
    html = response.content.decode()
    headers = [h["column"].label for h in response.context["headers"]]

    assert headers == ["Attempt failed", "Canceled"]
    # As columns, not as badges in the description.
    assert "badge--warning" in html and "log-row__badges" not in html
    assert shown_entry_nos(staff_client.get(LIST, {"attempt_failed": "true"})) == [
        failed.pk
    ]
    assert set(shown_entry_nos(staff_client.get(LIST, {"canceled": "false"}))) == {
        failed.pk,
        plain.pk,
    }
    assert shown_entry_nos(staff_client.get(LIST, {"canceled": "true"})) == [
        canceled.pk
    ]


def test_row_links_to_the_attachment(staff_client, staff_user, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    with_file = make_entry(
        attachment_file=SimpleUploadedFile("offer.pdf", b"%PDF-1.4", "application/pdf")
    )
    without = make_entry()
    choose_log_columns(actor=staff_user, columns=["attachment"])

    html = staff_client.get(LIST).content.decode()

    url = reverse("interactions:entry-attachment", kwargs={"entry_no": with_file.pk})
    assert f'href="{url}"' in html
    assert (
        reverse("interactions:entry-attachment", kwargs={"entry_no": without.pk})
        not in html
    )
    assert staff_client.get(url).status_code == 200


# --- sorting --------------------------------------------------------------------------


@pytest.fixture
def sortable_entries(person, company):
    """Entries that differ (and tie) on every sortable column."""
    specs = [
        (dt.date(2026, 3, 2), "Bravo", Decimal("5"), Decimal("3"), "S2", "D2", person),
        (dt.date(2026, 3, 1), "alpha", Decimal("7"), Decimal("1"), "S1", "D9", company),
        (dt.date(2026, 3, 2), "Bravo", Decimal("5"), Decimal("3"), "S2", "D1", person),
        (dt.date(2026, 3, 3), "charlie", Decimal("1"), Decimal("9"), "", "", company),
    ]
    entries = []
    for i, (date, text, cost, minutes, seg, doc, contact) in enumerate(specs):
        entry = make_entry(
            contact,
            date=date,
            description=text,
            cost=cost,
            duration=minutes,
            attempt_failed=i % 2 == 0,
            canceled=i == 1,
        )
        InteractionLogEntry.objects.filter(pk=entry.pk).update(
            segment_no=seg, document_no=doc
        )
        entries.append(entry)
    return entries


def expected_order(sort: str) -> list[int]:
    """The entry numbers in ``sort``'s order, as the database orders them."""
    rows = InteractionLogEntry.objects.visible().order_by(*PAGE_SORTS[sort].ordering)
    return list(rows.values_list("entry_no", flat=True))


@pytest.mark.parametrize("sort", list(PAGE_SORTS))
def test_every_sort_pages_every_entry_once_in_order(
    staff_client, sortable_entries, monkeypatch, sort
):
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    seen, cursor = [], None
    for _ in range(len(sortable_entries) + 1):
        params = {"sort": sort, **({"cursor": cursor} if cursor else {})}
        page = staff_client.get(LIST, params).context["page"]
        seen += [row.entry_no for row in page.rows]
        cursor = page.next_cursor
        if not page.has_next:
            break
    assert seen == expected_order(sort)
    # The ordering ends with the entry no., so ties (same date, text, cost) are
    # in a defined order.
    assert PAGE_SORTS[sort].ordering[-1].lstrip("-") == "entry_no"


def test_sort_order_of_text_and_numbers(staff_client, sortable_entries):
    by_description = shown_entry_nos(
        staff_client.get(LIST, {"sort": "description_asc"})
    )
    by_cost = shown_entry_nos(staff_client.get(LIST, {"sort": "cost_asc"}))
    _bravo1, alpha, bravo2, charlie = sortable_entries
    assert by_cost[0] == charlie.pk and by_cost[-1] == alpha.pk
    assert by_description.index(bravo2.pk) > by_description.index(_bravo1.pk)


def test_header_links_toggle_the_sort_and_say_which_way(staff_client, staff_user):
    choose_log_columns(actor=staff_user, columns=["date", "cost", "description"])

    first = staff_client.get(LIST, {"cursor": "x", "contact": ""})
    headers = {h["column"].key: h for h in first.context["headers"]}
    date_link = parse_qs(urlsplit(headers["date"]["href"]).query)
    second = staff_client.get(LIST, {"sort": "description_asc"})
    toggled = {h["column"].key: h for h in second.context["headers"]}

    # Newest first is the default: the date header sorts oldest first next.
    assert headers["date"]["aria_sort"] == "descending"
    assert date_link["sort"] == ["oldest"] and "cursor" not in date_link
    assert toggled["description"]["aria_sort"] == "ascending"
    assert "sort=description_desc" in toggled["description"]["href"]
    assert toggled["date"]["aria_sort"] == ""
    assert 'aria-sort="ascending"' in second.content.decode()


def test_unknown_sort_is_a_message_on_the_sort_field(staff_client, sortable_entries):
    response = staff_client.get(LIST, {"sort": "password"})
    html = response.content.decode()
    assert "There is no sort order “password”" in html
    assert 'aria-describedby="id_sort_error"' in html
    assert shown_entry_nos(response) == expected_order("newest")


# --- filters that can match nothing by mistake ----------------------------------------


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        (
            {"template": "NOPE"},
            "template",
            "There is no interaction template with the code or description “NOPE”.",
        ),
        ({"group": "NOPE"}, "group", "There is no interaction group “NOPE”."),
        (
            {"campaign": "CP-0"},
            "campaign",
            "There is no campaign with the no. or description “CP-0”.",
        ),
        (
            {"salesperson": "ZZ"},
            "salesperson",
            "There is no salesperson with the code or name “ZZ”.",
        ),
        (
            {"contact": "CT999"},
            "contact",
            "There is no contact matching “CT999”.",
        ),
        ({"company": "CT999"}, "company", "There is no contact no. “CT999”."),
        (
            {"date_from": "2026-03-05", "date_to": "2026-03-01"},
            "date_to",
            "“Date to” must not be before “Date from”.",
        ),
        (
            {"entry_no_from": "9", "entry_no_to": "3"},
            "entry_no_to",
            "“Entry no. to” must not be below “Entry no. from”.",
        ),
    ],
)
def test_filter_that_cannot_match_says_why_on_its_field(
    staff_client, params, field, message
):
    make_entry()
    response = staff_client.get(LIST, params)
    form = response.context["filter_form"]
    assert form.errors[field] == [message]
    assert message.replace("“", "&ldquo;") in response.content.decode() or (
        message in response.content.decode()
    )
    assert shown_entry_nos(response) == []


def test_known_codes_in_any_case_and_a_one_day_range_are_fine(staff_client, person):
    entry = make_entry(person, date=dt.date(2026, 3, 2))
    response = staff_client.get(
        LIST,
        {
            "template": entry.template.code.lower(),
            "contact": person.no.lower(),
            "date_from": "2026-03-02",
            "date_to": "2026-03-02",
        },
    )
    assert not response.context["filter_form"].errors
    assert shown_entry_nos(response) == [entry.pk]


# --- saved views ----------------------------------------------------------------------


def test_save_list_apply_and_delete_a_view(staff_client, staff_user, person):
    mine = make_entry(person, canceled=True)
    make_entry()

    saved = staff_client.post(
        SAVE_VIEW,
        {
            "name": " Canceled for my contact ",
            "query": f"contact={person.no}&canceled=true&cursor=abc&view=9&sort=cost",
            "columns": ["date", "canceled"],
            "sort": "cost_asc",
            "next": LIST,
        },
        follow=True,
    )

    view = SavedLogView.objects.get(user=staff_user)
    assert (view.name, view.columns, view.sort) == (
        "Canceled for my contact",
        ["date", "canceled"],
        "cost_asc",
    )
    # Paging, sort and view parameters are not filters.
    assert parse_qs(view.query) == {"contact": [person.no], "canceled": ["true"]}
    # Saving applies it: its filters, sort and columns.
    assert "The view “Canceled for my contact” has been saved." in messages_of(saved)
    assert shown_entry_nos(saved) == [mine.pk]
    assert saved.context["sort"] == "cost_asc"
    assert shown_columns(saved) == ["date", "canceled"]
    assert saved.context["view"] == view
    # Listed, with a link that applies it.
    listed = staff_client.get(LIST)
    assert [v for v, _url in listed.context["saved_views"]] == [view]
    url = listed.context["saved_views"][0][1]
    assert f'href="{url.replace("&", "&amp;")}"' in listed.content.decode()
    # The user's own columns are untouched by applying a view.
    assert shown_columns(listed) == list(DEFAULT_LOG_COLUMNS)

    deleted = staff_client.post(delete_url(view), {"next": url}, follow=True)

    assert "The view “Canceled for my contact” has been deleted." in messages_of(
        deleted
    )
    assert not SavedLogView.objects.exists()
    assert "view" not in deleted.request["QUERY_STRING"]


def test_saved_views_are_private(staff_client, staff_user, colleague, client):
    theirs = save_log_view(
        actor=colleague, name="Theirs", query="canceled=true", columns=["date"]
    )

    listed = staff_client.get(LIST)
    applied = staff_client.get(LIST, {"view": theirs.pk})
    delete = staff_client.post(delete_url(theirs))

    assert listed.context["saved_views"] == []
    assert "Theirs" not in listed.content.decode()
    assert applied.context["view"] is None
    assert "does not exist" in applied.context["view_error"]
    assert shown_columns(applied) == list(DEFAULT_LOG_COLUMNS)
    assert delete.status_code == 404
    assert SavedLogView.objects.filter(pk=theirs.pk).exists()
    with pytest.raises(ValidationError):
        delete_log_view(actor=staff_user, view=theirs)


def test_same_name_twice_is_refused_but_another_user_may_use_it(
    staff_client, staff_user, colleague
):
    save_log_view(actor=staff_user, name="Mine", query="", columns=["date"])
    save_log_view(actor=colleague, name="Mine", query="", columns=["date"])

    response = staff_client.post(
        SAVE_VIEW, {"name": "Mine", "columns": ["cost"], "next": LIST}, follow=True
    )

    assert "You already have a view with this name." in " ".join(messages_of(response))
    assert SavedLogView.objects.filter(user=staff_user).get().columns == ["date"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "columns": ["date"]}, "View name: This field is required."),
        ({"name": "X", "columns": []}, "Columns: Choose at least one column."),
        ({"name": "X", "columns": ["date"], "sort": "pk"}, "Unknown sort order: pk."),
    ],
)
def test_bad_view_is_refused_with_a_message(staff_client, data, message):
    response = staff_client.post(SAVE_VIEW, {**data, "next": LIST}, follow=True)
    assert any(message in m for m in messages_of(response)), messages_of(response)
    assert not SavedLogView.objects.exists()


# --- queries --------------------------------------------------------------------------


def test_query_count_does_not_grow_with_columns_or_rows(
    staff_client, staff_user, django_assert_num_queries
):
    campaign = factories.CampaignFactory()
    for i in range(3):
        make_entry(campaign=campaign, description=f"entry {i}")
    # 1 session, 2 user, 3–4 permissions, 5 filter choices (groups; the rest
    # are lookups), 6 the user's columns, 7 the saved views, 8 the rows (entry,
    # contact, company; comments as EXISTS), 9 the code labels of the page.
    with django_assert_num_queries(9):
        staff_client.get(LIST)

    choose_log_columns(actor=staff_user, columns=ALL_COLUMNS)
    for _ in range(10):
        make_entry(
            factories.PersonFactory(),
            factories.TemplateFactory(),
            salesperson=factories.SalespersonFactory(),
            campaign=factories.CampaignFactory(),
        )
    with django_assert_num_queries(9) as queries:
        response = staff_client.get(LIST)
    assert len(shown_entry_nos(response)) == 13
    sql = " ".join(q["sql"].upper() for q in queries.captured_queries)
    assert "COUNT(" not in sql
    assert " OFFSET " not in sql


def test_saving_a_view_is_audited_with_its_filters(staff_user):
    view = save_log_view(
        actor=staff_user,
        name="Fjord",
        query="q=fjord&cursor=xyz&template=",
        columns=["date"],
        sort="oldest",
    )
    event = AuditEvent.objects.get(action="log.save_view")
    assert event.changes == {"name": "Fjord", "query": "q=fjord", "sort": "oldest"}
    assert event.object_id == str(view.pk)

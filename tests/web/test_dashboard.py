"""The dashboard: window-restricted figures, SVG charts with table fallbacks."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from interactions.selectors.dashboard import Window
from interactions.web.charts import _axis, horizontal_bars
from tests import factories
from tests.factories import make_entry

URL = reverse("interactions:dashboard")


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_user_without_permission_gets_403(client, staff_without_permission):
    client.force_login(staff_without_permission)
    assert client.get(URL).status_code == 403


def test_post_is_not_allowed(staff_client):
    assert staff_client.post(URL).status_code == 405


def test_figures_count_only_the_window_and_exclude_canceled(staff_client, today):
    seller = factories.SalespersonFactory(code="AN", name="Anne Berg")
    letter = factories.TemplateFactory(
        code="LETTER", group__code="LETTER", unit_cost="10", unit_duration="15"
    )
    call = factories.TemplateFactory(
        code="CALL", group__code="PHONE", unit_cost="2", unit_duration="5"
    )
    contact = factories.CompanyFactory()
    make_entry(contact, letter, date=today, salesperson=seller)
    make_entry(contact, letter, date=today - dt.timedelta(days=8), salesperson=seller)
    make_entry(contact, call, date=today - dt.timedelta(days=1), salesperson=seller)
    make_entry(contact, call, date=today, canceled=True, salesperson=seller)
    # Outside the 12-week window: in no figure (only in "recent entries").
    make_entry(contact, letter, date=today - dt.timedelta(weeks=20))

    response = staff_client.get(URL)

    assert response.status_code == 200
    context = response.context
    assert context["totals"]["count"] == 3
    assert context["totals"]["cost"] == Decimal("22")
    assert context["share"] == {"total": 4, "canceled": 1, "share": 25.0}
    assert context["cost_chart"].table_rows[0][0].startswith("LETTER")
    assert context["cost_chart"].table_rows[0][1] == "20.00"
    assert context["duration_chart"].table_rows[0][1] == "30"
    assert context["salespeople_chart"].table_rows == [["Anne Berg", "3"]]
    weekly = context["weekly_chart"]
    assert weekly.table_head == ["Week", "LETTER", "PHONE", "Total"]
    assert sum(int(row[-1]) for row in weekly.table_rows) == 3
    assert len(weekly.table_rows) == 12
    html = response.content.decode()
    assert html.count('<svg viewBox="0 0') == 4
    assert html.count("<table") == 5  # four chart fallbacks + recent entries


def test_window_can_be_widened(staff_client, today):
    make_entry(date=today - dt.timedelta(weeks=20))
    assert staff_client.get(URL).context["totals"]["count"] == 0
    response = staff_client.get(URL, {"weeks": "26"})
    assert response.context["totals"]["count"] == 1
    assert len(response.context["weekly_chart"].table_rows) == 26


def test_unknown_window_falls_back_to_twelve_weeks(staff_client):
    response = staff_client.get(URL, {"weeks": "1000"})
    assert response.context["window"].weeks == 12


def test_recent_entries_are_newest_first_and_mark_canceled(staff_client, today):
    older = make_entry(date=today - dt.timedelta(days=3), description="Older")
    newer = make_entry(date=today, description="Newer", canceled=True)
    response = staff_client.get(URL)
    assert [e.entry_no for e in response.context["recent"]] == [
        newer.entry_no,
        older.entry_no,
    ]
    assert "badge--canceled" in response.content.decode()


def test_empty_log_shows_empty_charts(staff_client):
    response = staff_client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "No interactions in this period." in html


@pytest.mark.parametrize("entries", [2, 8])
def test_query_count_does_not_grow_with_entries(
    staff_client, today, entries, django_assert_num_queries
):
    contact = factories.CompanyFactory()
    for i in range(entries):
        make_entry(
            contact,
            factories.TemplateFactory(),
            date=today - dt.timedelta(days=i * 5),
            salesperson=factories.SalespersonFactory(),
        )
    # 1 session, 2 user, 3–4 permissions (user, group), 5 template figures,
    # 6 top salespeople, 7 totals, 8 canceled share, 9 weekly by group,
    # 10 recent entries with contact, template, group, salesperson, campaign.
    with django_assert_num_queries(10):
        response = staff_client.get(URL)
    assert response.context["totals"]["count"] == entries


def test_window_is_whole_weeks_up_to_today():
    window = Window.last_weeks(12, dt.date(2026, 3, 5))  # a Thursday
    assert window.date_from == dt.date(2025, 12, 15)  # a Monday, 11 weeks before
    assert window.date_to == dt.date(2026, 3, 5)
    assert len(window.mondays()) == 12


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, (1, 1)), (3, (3, 1)), (7, (8, 2)), (37, (40, 10)), (180, (200, 50))],
)
def test_axis_uses_round_steps(value, expected):
    assert _axis(value) == expected


def test_horizontal_bars_scale_to_the_largest_value():
    chart = horizontal_bars(
        "Cost", [("A", Decimal("50")), ("B", Decimal("25"))], value_head="Cost"
    )
    widths = [rect.width for rect in chart.rects]
    assert widths[0] == 2 * widths[1]
    assert chart.table_rows == [["A", "50"], ["B", "25"]]

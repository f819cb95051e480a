"""The log's column chooser, sortable headers and saved views in Chromium (#13)."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from interactions.models import LogViewPreference, SavedLogView
from tests import factories
from tests.e2e.conftest import log_in, screenshot
from tests.e2e.test_seed_story import message
from tests.factories import make_entry

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def header_texts(page: Page) -> list[str]:
    return [
        text.strip() for text in page.locator(".log-table thead th").all_text_contents()
    ]


def first_column_after_no(page: Page) -> list[str]:
    """The entry numbers of the shown rows, top to bottom."""
    return [
        text.strip()
        for text in page.locator(
            ".log-table tbody tr.log-row td:nth-child(2)"
        ).all_text_contents()
    ]


def test_choose_columns_sort_and_save_a_view(page: Page, staff):
    campaign = factories.CampaignFactory(no="CP7", description="Spring fair")
    fjord = factories.CompanyFactory(no="CT100", name="Fjord Handel AS")
    kari = factories.PersonFactory(no="CT101", name="Kari Nordmann", company=fjord)
    cheap = make_entry(
        kari,
        date=dt.date(2026, 3, 1),
        cost=Decimal("5"),
        campaign=campaign,
        information_flow="outbound",
    )
    dear = make_entry(fjord, date=dt.date(2026, 3, 2), cost=Decimal("90"))
    failed = make_entry(
        kari, date=dt.date(2026, 3, 3), cost=Decimal("20"), attempt_failed=True
    )
    log_in(page, "staff")
    page.goto("/interactions/")

    # Choose NAV's columns: campaign, information flow, company, attempt failed.
    page.locator("summary", has_text="Columns").click()
    chooser = page.locator("[data-log-columns]")
    for label in ("Campaign", "Information flow", "Company name", "Attempt failed"):
        chooser.get_by_label(label, exact=True).check()
    chooser.get_by_label("Salesperson", exact=True).uncheck()
    screenshot(page, "log-column-chooser")
    chooser.get_by_role("button", name="Save columns").click()
    expect(message(page).first).to_contain_text("Your columns have been saved.")

    # Reload: still chosen (remembered for the user, not the tab).
    page.reload()
    headers = header_texts(page)
    for label in ("Campaign", "Information flow", "Company name", "Attempt failed"):
        assert label in headers, headers
    assert "Salesperson" not in headers
    row = page.locator("tr.log-row", has_text="Spring fair")
    expect(row).to_contain_text("Outbound")
    expect(row).to_contain_text("Fjord Handel AS")
    assert {"campaign", "information_flow", "company", "attempt_failed"} <= set(
        LogViewPreference.objects.get(user=staff).columns
    )

    # Sort by cost by clicking its header: highest first, then lowest first.
    page.locator(".log-table thead th", has_text="Cost").get_by_role("link").click()
    expect(page.locator(".log-table thead th[aria-sort=descending]")).to_contain_text(
        "Cost"
    )
    assert first_column_after_no(page) == [
        str(dear.entry_no),
        str(failed.entry_no),
        str(cheap.entry_no),
    ]
    page.locator(".log-table thead th", has_text="Cost").get_by_role("link").click()
    expect(page.locator(".log-table thead th[aria-sort=ascending]")).to_contain_text(
        "Cost"
    )
    assert first_column_after_no(page) == [
        str(cheap.entry_no),
        str(failed.entry_no),
        str(dear.entry_no),
    ]

    # Filter to Kari's entries and save that as a view.
    page.get_by_role("combobox", name="Contact", exact=True).fill(kari.no)
    page.get_by_role("button", name="Filter").click()
    page.locator("summary", has_text="Saved views").click()
    page.get_by_label("Save these filters, columns and sort as").fill(
        "Kari, cheap first"
    )
    page.get_by_role("button", name="Save view").click()
    expect(message(page).first).to_contain_text("has been saved")
    screenshot(page, "log-columns-saved-view")

    # Clear everything, then apply the view again from the list.
    page.goto("/interactions/")
    assert len(first_column_after_no(page)) == 3
    page.locator("summary", has_text="Saved views").click()
    page.get_by_role("link", name="Kari, cheap first").click()
    assert first_column_after_no(page) == [str(cheap.entry_no), str(failed.entry_no)]
    expect(page.locator(".log-table thead th[aria-sort=ascending]")).to_contain_text(
        "Cost"
    )
    view = SavedLogView.objects.get(user=staff)
    assert view.sort == "cost_asc"
    assert "contact=CT101" in view.query

    # Delete it.
    page.get_by_role("button", name="Delete Kari, cheap first").click()
    expect(message(page).first).to_contain_text("has been deleted")
    assert not SavedLogView.objects.exists()

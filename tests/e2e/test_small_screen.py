"""Any screen (issue #13 item 5): the pages at 390 px wide, a phone, and at 1280 px.

Nothing scrolls sideways (``document.documentElement.scrollWidth`` stays
within the window): the navigation folds behind a Menu button with the Log
out button inside, the log's table becomes stacked rows whose cells name
their column, and a long unbroken word wraps. Screenshots for the docs go to
``docs/screenshots/`` (``log-390.png``, ``contact-card-390.png``,
``entry-long-word-390.png``, ``menu-390.png``, ``log-1280.png``,
``contact-card-1280.png``).
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from interactions.services.comments import add_comment
from tests import factories
from tests.e2e.conftest import SCREENSHOTS, log_in
from tests.factories import make_entry

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
#: About 4,800 px of one unbroken word at the page's font size.
LONG_WORD = "Langtordsomikkeharmellomrom" * 18


@pytest.fixture
def entries(staff):
    company = factories.CompanyFactory(
        name="Fjord Handel og Import AS", email="post@fjord-handel.example"
    )
    template = factories.TemplateFactory(code="VISIT", description="Customer visit")
    return [
        make_entry(
            company,
            template,
            description=f"Visit about spring prices, round {number}",
            cost=Decimal("1250.50"),
            duration=45,
        )
        for number in range(1, 4)
    ]


def scroll_width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def keep_screenshot(page: Page, name: str, height: int = 1600, top: int = 0) -> None:
    """Save ``height`` px of the page from ``top`` unless the file exists."""
    target = SCREENSHOTS / f"{name}.png"
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size or PHONE
    full = page.evaluate("document.documentElement.scrollHeight")
    page.screenshot(
        path=str(target),
        full_page=True,
        clip={
            "x": 0,
            "y": top,
            "width": size["width"],
            "height": min(full - top, height),
        },
    )


def assert_within(page: Page, locator, width: int) -> None:
    box = locator.bounding_box()
    assert box is not None, locator
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, box


def test_the_log_at_390px_has_stacked_labelled_rows_and_no_sideways_scroll(
    page: Page, staff, entries
):
    page.set_viewport_size(PHONE)
    log_in(page, "staff")
    page.goto("/interactions/")

    assert scroll_width(page) <= PHONE["width"]
    row = page.locator("table.table tbody tr").first
    description = row.locator("td[data-label='Description']")
    cost = row.locator("td[data-label='Cost']")
    expect(description).to_contain_text("Visit about spring prices")
    expect(cost).to_contain_text(re.compile(r"1\D?250\D50"))
    # Description and cost are on screen, not hidden in a sideways scroll.
    assert_within(page, description, PHONE["width"])
    assert_within(page, cost, PHONE["width"])
    # The cell shows its column's name (the header row is only for screen readers).
    label = description.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"Description"'
    expect(page.locator("table.table thead")).to_have_count(1)
    keep_screenshot(page, "log-390")


def test_the_menu_folds_the_navigation_and_keeps_log_out_on_screen(
    page: Page, staff, entries
):
    page.set_viewport_size(PHONE)
    log_in(page, "staff")
    page.goto("/interactions/")
    menu = page.get_by_role("button", name="Menu")
    log_out = page.get_by_role("button", name="Log out")

    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_have_attribute("aria-controls", "site-menu")
    expect(log_out).to_be_hidden()

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(log_out).to_be_visible()
    assert_within(page, log_out, PHONE["width"])
    links = page.locator("nav.mainnav a")
    expect(links.first).to_have_text("Dashboard")
    expect(page.locator("nav.mainnav a[aria-current=page]")).to_have_text(
        "Interactions"
    )
    assert scroll_width(page) <= PHONE["width"]
    keep_screenshot(page, "menu-390", height=844)

    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    expect(log_out).to_be_hidden()

    menu.click()
    log_out.click()
    page.wait_for_load_state()
    # Signed out: no navigation, so no menu button either.
    expect(page.locator(".navtoggle")).to_have_count(0)


def test_on_a_desktop_the_navigation_is_inline_without_a_menu_button(
    page: Page, staff, entries
):
    log_in(page, "staff")
    page.goto("/interactions/")

    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(page.locator("nav.mainnav a").first).to_have_text("Dashboard")
    # The table is a table again: header row shown, cells side by side.
    expect(page.locator("table.table thead th").first).to_be_visible()
    assert scroll_width(page) <= DESKTOP["width"]
    keep_screenshot(page, "log-1280", height=1000)


def test_the_contact_card_at_390px_fits_the_screen(page: Page, staff, entries):
    contact = entries[0].contact
    page.set_viewport_size(PHONE)
    log_in(page, "staff")
    page.goto(f"/contacts/{contact.no}/")

    expect(page.get_by_role("heading", level=1)).to_contain_text(contact.name)
    assert scroll_width(page) <= PHONE["width"]
    assert_within(page, page.get_by_role("link", name=contact.email), PHONE["width"])
    keep_screenshot(page, "contact-card-390")
    # An action drop-down opens in place, inside the screen.
    summaries = page.locator("details.dropdown > summary")
    assert summaries.count() >= 2
    for index in range(summaries.count()):
        summaries.nth(index).click()
        panel = page.locator("details.dropdown[open] .dropdown__panel")
        expect(panel).to_be_visible()
        # Its form arrives as it opens (htmx): measure the panel with it.
        expect(panel.locator("form")).to_be_visible()
        assert_within(page, panel, PHONE["width"])
        assert scroll_width(page) <= PHONE["width"]
        page.keyboard.press("Escape")

    page.set_viewport_size(DESKTOP)
    page.reload()
    assert scroll_width(page) <= DESKTOP["width"]
    keep_screenshot(page, "contact-card-1280", height=1100)


def test_a_long_unbroken_word_wraps_instead_of_widening_the_entry_page(
    page: Page, staff, entries
):
    entry = entries[0]
    add_comment(actor=staff, entry=entry, text=LONG_WORD)
    log_in(page, "staff")
    page.goto(f"/interactions/{entry.entry_no}/")
    comment = page.get_by_text(LONG_WORD[:40], exact=False).first
    expect(comment).to_be_visible()
    # The word really is long: unwrapped it would be thousands of pixels wide.
    unwrapped = comment.evaluate(
        """node => {
            const probe = document.createElement("span");
            probe.style.whiteSpace = "nowrap";
            probe.style.position = "absolute";
            probe.style.width = "max-content";
            probe.textContent = node.textContent;
            document.body.appendChild(probe);
            const width = probe.getBoundingClientRect().width;
            probe.remove();
            return width;
        }"""
    )
    assert unwrapped > 4000, unwrapped

    assert scroll_width(page) <= DESKTOP["width"]
    page.set_viewport_size(PHONE)
    assert scroll_width(page) <= PHONE["width"]
    assert_within(page, comment, PHONE["width"])
    comment_top = comment.evaluate(
        "node => node.getBoundingClientRect().top + window.scrollY"
    )
    keep_screenshot(page, "entry-long-word-390", 900, max(0, int(comment_top) - 300))

"""Lookups in the browser (issue #13 item 3): the contact combobox of the wizard.

Type part of a name two contacts share → the list box offers both → choose
one with the keyboard → the wizard goes on with that contact and creates the
entry for it. Type the shared part without choosing → the field says it is
ambiguous at once (htmx refresh) and again when the step is submitted.
"""

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from interactions.models import InteractionLogEntry
from tests import factories
from tests.e2e.conftest import log_in, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(db):
    template = factories.TemplateFactory(
        code="VISIT", description="Customer visit", group__code="MEET"
    )
    lund = factories.CompanyFactory(no="CT010", name="Lund AS", city="Bergen")
    lundberg = factories.CompanyFactory(no="CT020", name="Lundberg Bygg", city="Oslo")
    factories.CompanyFactory(no="CT030", name="Fjord Handel")
    return {"template": template, "lund": lund, "lundberg": lundberg}


def csp_violations(page: Page) -> list[str]:
    found: list[str] = []

    def watch(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            found.append(message.text)

    page.on("console", watch)
    return found


def test_choose_a_contact_from_the_list_by_keyboard(page: Page, staff, world):
    violations = csp_violations(page)
    log_in(page, "staff")
    page.goto("/interactions/new/")

    contact = page.get_by_role("combobox", name="Contact")
    expect(contact).to_have_attribute("aria-expanded", "false")
    contact.press_sequentially("lund", delay=30)

    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible()
    options = listbox.get_by_role("option")
    expect(options).to_have_count(2)
    expect(options.nth(0)).to_contain_text("Lund AS")
    expect(options.nth(1)).to_contain_text("Lundberg Bygg")
    expect(contact).to_have_attribute("aria-expanded", "true")
    expect(contact).to_have_attribute("aria-controls", "id_contact_listbox")
    screenshot(page, "lookup-contact-combobox")

    contact.press("ArrowDown")
    expect(contact).to_have_attribute("aria-activedescendant", "id_contact_listbox_0")
    contact.press("ArrowDown")
    expect(contact).to_have_attribute("aria-activedescendant", "id_contact_listbox_1")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    contact.press("Enter")

    expect(contact).to_have_value("CT020")
    expect(listbox).to_be_hidden()
    expect(contact).to_have_attribute("aria-expanded", "false")
    assert page.url.endswith("/interactions/new/")  # Enter chose, did not submit

    page.get_by_label("Interaction template").select_option("VISIT")
    expect(page.locator("#wizard-details")).to_contain_text("Lundberg Bygg")
    page.get_by_role("button", name="Next").click()
    expect(page.locator(".wizard-summary")).to_contain_text("Lundberg Bygg")
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Finish", exact=True).click()
    expect(page.locator("main")).to_contain_text("has been created")

    entry = InteractionLogEntry.objects.get()
    assert entry.contact == world["lundberg"]
    assert violations == []


def test_an_ambiguous_name_without_choosing_is_a_field_message(
    page: Page,
    staff,
    world,
):
    log_in(page, "staff")
    page.goto("/interactions/new/")
    page.get_by_label("Interaction template").select_option("VISIT")

    contact = page.get_by_role("combobox", name="Contact")
    contact.press_sequentially("Lund", delay=30)
    expect(page.get_by_role("listbox")).to_be_visible()
    contact.press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()
    contact.press("Tab")  # leaving the field refreshes the defaults (htmx)

    errors = page.locator("#wizard-contact-errors")
    expect(errors).to_contain_text("“Lund” matches several contacts")
    expect(errors).to_contain_text("Lund AS (CT010)")
    expect(errors).to_contain_text("Lundberg Bygg (CT020)")
    expect(contact).to_have_attribute("aria-invalid", "true")

    page.get_by_role("button", name="Next").click()
    expect(page.locator("#wizard-contact-errors")).to_contain_text(
        "matches several contacts"
    )
    assert not InteractionLogEntry.objects.exists()

    # Fixing it clears the message at once.
    contact = page.get_by_role("combobox", name="Contact")
    contact.fill("CT010")
    contact.press("Tab")
    expect(page.locator("#wizard-contact-errors")).to_be_empty()
    expect(contact).not_to_have_attribute("aria-invalid", "true")

"""The contact card's action drop-downs in a browser (issue #12): the card is
sent without their forms; opening one fetches its form (htmx, no inline
script under the CSP), puts the focus in its first field, and the form posts
as before."""

import pytest
from playwright.sync_api import Page, expect

from interactions.models import DocumentType, InteractionLogEntry
from interactions.services.setup import set_document_template
from tests import factories
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def call_template(db):
    template = factories.TemplateFactory(code="CALL", group__code="EVENTS")
    set_document_template(
        actor=None, document_type=DocumentType.OUTGOING_CALL, template=template
    )
    return template


def test_opening_an_action_fetches_its_form_focuses_it_and_it_records(
    page: Page, staff, call_template
):
    person = factories.PersonFactory(name="Kari Nordmann", phone="+47 22 00 00 00")
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    log_in(page, "staff")
    page.goto(f"/contacts/{person.no}/")

    drop_down = page.locator("details.dropdown", has_text="Make phone call")
    expect(drop_down.locator("form")).to_have_count(0)  # not sent with the card
    drop_down.locator("summary").click()
    expect(drop_down.get_by_label("Description")).to_be_visible()
    expect(drop_down.get_by_label("Yes")).to_be_focused()
    page.screenshot(path="/tmp/card-call-open.png", full_page=False)

    # Closing and opening again does not fetch it twice (the text stays).
    drop_down.locator("summary").click()
    drop_down.locator("summary").click()
    drop_down.get_by_label("Description").fill("Asked about the offer")
    drop_down.get_by_role("button", name="Record call").click()
    expect(page.locator(".messages, [role=status]").first).to_contain_text(
        "was recorded"
    )
    entry = InteractionLogEntry.objects.get()
    assert entry.description == "Asked about the offer"
    assert not refused, refused

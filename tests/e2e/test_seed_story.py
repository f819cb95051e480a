"""The seed story of issue #4 in a real browser (chromium via Playwright).

Each step is its own test with its own data, so a failure points at one page.
Every test checks what the user sees and what the database holds afterwards.
"""

import re
import signal

import pytest
from django.core.management import call_command
from django.utils import translation
from playwright.sync_api import Page, expect

from interactions.models import (
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
    LoggedSegment,
    Segment,
)
from interactions_crm.platform.models import BackgroundJob
from tests import factories
from tests.conftest import grant
from tests.e2e.conftest import log_in, screenshot
from tests.factories import make_entry

# live_server runs in another thread: it needs committed data.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DELETE_CANCELED = "interactions.delete_canceled_interactionlogentry"


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def crm_admin(db):
    """Reads the log and runs the batch delete; not a Django superuser."""
    user = factories.UserFactory(username="crm-admin")
    grant(user, "interactions.view_interactionlogentry", DELETE_CANCELED)
    return user


def run_worker() -> None:
    """Execute the queued tasks like ``manage.py db_worker --batch``."""
    # The worker installs its own SIGINT/SIGTERM handlers; give pytest its own back.
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command(
            "db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0
        )
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def pick_autocomplete(page: Page, field: str, text: str) -> None:
    """Choose ``text`` in a Django admin autocomplete (select2) field."""
    page.locator(f"#id_{field} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def message(page: Page):
    """The flash messages shown after an action."""
    return page.locator(".messages, .messagelist, [role=status], [role=alert]")


# --- 1. Administrator: interaction group and template in Django admin ----------------


def test_admin_creates_interaction_group_and_template(page: Page, superuser):
    log_in(page, "admin")

    page.goto("/admin/interactions/interactiongroup/add/")
    page.locator("#id_code").fill("MEETING")
    page.locator("#id_description").fill("Meetings with customers")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    group = InteractionGroup.objects.get(code="MEETING")
    assert group.description == "Meetings with customers"

    page.goto("/admin/interactions/interactiontemplate/add/")
    page.locator("#id_code").fill("VISIT")
    page.locator("#id_description").fill("Customer visit")
    pick_autocomplete(page, "group", "MEETING")
    page.locator("#id_unit_cost").fill("250")
    page.locator("#id_unit_duration").fill("60")
    screenshot(page, "admin-interaction-template")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    expect(page.locator("#result_list")).to_contain_text("VISIT")

    template = InteractionTemplate.objects.get(code="VISIT")
    assert template.group == group
    assert template.description == "Customer visit"
    assert template.unit_cost == 250
    assert template.unit_duration == 60


# --- 2. Staff: create an interaction through the wizard, see it on the timeline ------


def test_staff_create_interaction_in_wizard_and_see_it_on_the_timeline(
    page: Page, staff
):
    company = factories.CompanyFactory(name="Fjord Handel AS")
    factories.TemplateFactory(
        code="VISIT", description="Customer visit", group__code="MEETING"
    )
    log_in(page, "staff")

    page.goto(f"/interactions/new/?contact={company.no}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Create interaction")
    page.get_by_label("Interaction template").select_option("VISIT")
    # htmx fills the template's defaults as soon as it is chosen.
    expect(page.locator(".wizard-details__info")).to_contain_text("MEETING")
    page.get_by_label("Description").fill("Visit about spring prices")
    screenshot(page, "create-interaction-wizard")

    for step in ("Content", "Related to", "Result"):
        page.get_by_role("button", name="Next", exact=True).click()
        expect(page.locator("[aria-current=step]")).to_contain_text(step)
    page.get_by_role("button", name="Finish", exact=True).click()

    expect(message(page).first).to_contain_text("has been created")
    entry = InteractionLogEntry.objects.get(contact=company)
    assert entry.description == "Visit about spring prices"
    assert entry.template.code == "VISIT"
    assert entry.salesperson.code == "JO"
    assert not entry.canceled
    assert not entry.postponed

    page.goto(f"/contacts/{company.no}/")
    timeline = page.locator("section[aria-labelledby=timeline-heading]")
    expect(timeline).to_contain_text("Visit about spring prices")
    screenshot(page, "contact-card")


# --- 3. Staff: build a segment with add/refine, log it, one entry per contact ---------


def test_staff_build_a_segment_with_add_and_refine_and_log_it(page: Page, staff):
    letter = factories.TemplateFactory(
        code="LETTER", description="Spring letter", group__code="LETTER"
    )
    fisk = factories.CompanyFactory(name="Bergen Fisk AS", city="Bergen")
    bryggen = factories.CompanyFactory(name="Bryggen Handel AS", city="Bergen")
    oslo = factories.CompanyFactory(name="Oslo Data AS", city="Oslo")
    factories.PersonFactory(name="Ola Bergensen", city="Bergen", company=oslo)
    log_in(page, "staff")

    page.goto("/segments/new/")
    page.get_by_label("Description").fill("Spring letter to Bergen")
    page.get_by_label("Interaction template").fill(letter.code)
    page.get_by_role("button", name="Create segment").click()
    expect(message(page).first).to_contain_text("has been created")
    segment = Segment.objects.get(description="Spring letter to Bergen")
    assert segment.template.code == "LETTER"
    expect(page).to_have_url(re.compile(rf"/segments/{segment.no}/$"))

    # Add every contact in Bergen: the two companies and the person.
    page.get_by_role("link", name="Add contacts").click()
    page.locator("#id_city").fill("Bergen")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".criteria-preview")).to_contain_text(
        "3 contacts have been added."
    )
    assert not segment.lines.exists()  # a preview changes nothing
    page.get_by_role("button", name="Add contacts").click()
    expect(message(page).first).to_contain_text("3 contacts have been added.")
    assert segment.lines.count() == 3

    # Refine to the companies: the person's line goes.
    page.get_by_role("link", name="Refine contacts").click()
    page.get_by_label("Contact type").select_option("company")
    page.get_by_role("button", name="Refine contacts").click()
    expect(message(page).first).to_contain_text("1 line has been removed.")
    worksheet = page.locator("main")
    expect(worksheet).to_contain_text("Bergen Fisk AS")
    expect(worksheet).to_contain_text("Bryggen Handel AS")
    expect(worksheet).not_to_contain_text("Ola Bergensen")
    screenshot(page, "segment-worksheet")
    assert set(segment.lines.values_list("contact__no", flat=True)) == {
        fisk.no,
        bryggen.no,
    }

    page.get_by_role("link", name="Log segment").click()
    page.get_by_role("button", name="Log", exact=True).click()
    expect(message(page).first).to_contain_text(
        f"Segment {segment.no} has been logged: 2 interaction log entries created."
    )
    logged = LoggedSegment.objects.get(segment_no=segment.no)
    entries = InteractionLogEntry.objects.filter(logged_segment=logged)
    assert sorted(entries.values_list("contact__no", flat=True)) == sorted(
        [fisk.no, bryggen.no]
    )
    assert {entry.template.code for entry in entries} == {"LETTER"}
    assert not Segment.objects.filter(pk=segment.pk).exists()

    # The user lands on the logged segments; its count leads to the entries,
    # one per contact of the segment.
    expect(page).to_have_url(re.compile(r"/logged-segments/$"))
    logged_row = page.locator(".log-row", has_text=segment.no)
    logged_row.get_by_role("link", name="2", exact=True).click()
    expect(page).to_have_url(re.compile(rf"logged_segment={logged.pk}"))
    rows = page.locator(".log-row")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Bergen Fisk AS")).to_have_count(1)
    expect(rows.filter(has_text="Bryggen Handel AS")).to_have_count(1)


# --- 4. Staff: switch an entry to canceled on the log page ---------------------------


def test_staff_switch_an_entry_to_canceled_on_the_log(page: Page, staff):
    company = factories.CompanyFactory(name="Fjord Handel AS")
    template = factories.TemplateFactory(code="CALL")
    keep = make_entry(company, template, description="Call that happened")
    mistake = make_entry(company, template, description="Call logged by mistake")
    log_in(page, "staff")

    page.goto("/interactions/")
    expect(page.locator(".log-table")).to_contain_text("Call logged by mistake")
    screenshot(page, "interaction-log")
    page.get_by_label(f"Select entry {mistake.entry_no}", exact=True).check()
    page.get_by_role("button", name="Switch checkmark in Canceled").click()

    expect(page.locator("#confirm-question")).to_have_text(
        f"Do you wish to mark Interaction Log Entry {mistake.entry_no} as Canceled?"
    )
    screenshot(page, "switch-canceled-confirm")
    page.get_by_role("button", name="Yes").click()

    expect(message(page).first).to_contain_text(
        "1 interaction log entry has been canceled."
    )
    row = page.locator(".log-row", has_text="Call logged by mistake")
    expect(row.locator(".badge--canceled")).to_have_text("Canceled")
    mistake.refresh_from_db()
    keep.refresh_from_db()
    assert mistake.canceled
    assert not keep.canceled


# --- 5. Administrator: delete canceled entries with the batch page -------------------


def test_admin_deletes_canceled_entries_in_the_background(
    page: Page, crm_admin, settings
):
    settings.CRM_BACKGROUND_THRESHOLD = 0  # even three entries go to the worker
    company = factories.CompanyFactory(name="Fjord Handel AS")
    template = factories.TemplateFactory(code="CALL")
    active = make_entry(company, template, description="Still valid")
    canceled = [
        make_entry(company, template, canceled=True, description=f"Mistake {n}")
        for n in range(3)
    ]
    log_in(page, "crm-admin")

    page.goto("/interactions/delete-canceled/")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".delete-preview__count")).to_have_text(
        "3 entries will be deleted."
    )
    screenshot(page, "delete-canceled-preview")
    page.get_by_role("button", name="Delete 3 canceled entries").click()

    expect(message(page).first).to_contain_text(
        "Deleting canceled interaction log entries has started."
    )
    job = BackgroundJob.objects.get()
    assert page.url.endswith(f"/jobs/{job.pk}/")
    assert InteractionLogEntry.objects.count() == 4  # nothing deleted until it runs

    run_worker()

    # The progress block polls itself over htmx until the job has finished.
    expect(page.locator("#job-progress .alert--success")).to_be_visible()
    expect(page.locator("#job-progress-bar")).to_have_attribute("value", "100")
    screenshot(page, "delete-canceled-progress")
    job.refresh_from_db()
    assert job.status == "succeeded"
    remaining = list(InteractionLogEntry.objects.values_list("entry_no", flat=True))
    assert remaining == [active.entry_no]
    assert not InteractionLogEntry.objects.filter(
        entry_no__in=[entry.entry_no for entry in canceled]
    ).exists()

    page.goto("/interactions/")
    expect(page.locator(".log-table")).to_contain_text("Still valid")
    expect(page.locator(".log-table")).not_to_contain_text("Mistake")


# --- 6. The same pages in Norwegian ---------------------------------------------------


def norwegian(text: str) -> str:
    """What the site shows for ``text`` in Norwegian (English if untranslated)."""
    with translation.override("nb"):
        return translation.gettext(text)


def switch_to_norwegian(page: Page) -> None:
    page.locator("#language-select").select_option("nb")
    page.locator("form.langswitch button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "nb")


def test_pages_render_in_norwegian(page: Page, superuser, staff):
    company = factories.CompanyFactory(name="Fjord Handel AS")
    make_entry(company, factories.TemplateFactory(code="CALL"), description="Samtale")

    log_in(page, "admin")
    page.goto("/")
    switch_to_norwegian(page)
    assert page.url.endswith("/"), "the switch returns to the page it was used on"

    pages = [
        "/",
        "/contacts/",
        f"/contacts/{company.no}/",
        "/interactions/",
        f"/interactions/new/?contact={company.no}",
        "/interactions/delete-canceled/",
        "/segments/",
        "/segments/new/",
        "/logged-segments/",
    ]
    for path in pages:
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", "nb")
        nav = page.locator("nav.mainnav")
        expect(nav).to_contain_text(norwegian("Contacts"))
        expect(nav).to_contain_text(norwegian("Interactions"))
        expect(nav).to_contain_text(norwegian("Segments"))
    page.goto("/interactions/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        norwegian("Interaction log entries")
    )
    expect(page.locator(".log-table")).to_contain_text("Samtale")
    screenshot(page, "interaction-log-nb")

    page.goto("/admin/")
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    expect(page.locator("#content h1")).to_have_text(
        norwegian("Configuration and interaction log")
    )
    # Django's own admin strings.
    expect(page.locator("#user-tools")).to_contain_text("Velkommen,")
    expect(page.locator("#user-tools")).to_contain_text("Logg ut")
    # The language sticks in the session and cookie: nothing reverted to English.
    cookies = {cookie["name"]: cookie["value"] for cookie in page.context.cookies()}
    assert cookies.get("django_language") == "nb"

    # Logged out, the login form speaks Norwegian too (Django's auth strings).
    page.goto("/")
    page.locator("form.logout button[type=submit]").click()
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    expect(page.get_by_label("Brukernavn")).to_be_visible()
    expect(page.get_by_label("Passord")).to_be_visible()

"""Accessibility checked by a machine (issue #13 item 6): axe-core on every staff page.

axe-core comes from npm (``package.json``/``package-lock.json``, ``npm ci``;
never a CDN) and is injected by Playwright into each page. Every staff page —
every named GET page of the ``contacts`` and ``interactions`` URLconf (found
like the permission matrix does, so a new page is checked without being
listed here), the steps of the create-interaction wizard and the login page —
is opened as a superuser on the demo data, in English and in Norwegian, on a
desktop (1280 px) and a phone (390 px, with the navigation menu opened), and
must have no *serious* or *critical* violation — nor scroll sideways.

A failure lists each violation as ``page [language, width]: rule (impact) —
what is wrong — the elements``.

Run: ``make a11y`` (or ``npm ci``, then
``pytest -m e2e tests/e2e/test_accessibility.py``).
"""

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import Browser, Page

from tests.e2e.conftest import PASSWORD, TIMEOUT_MS
from tests.security import test_permission_matrix as matrix
from tests.security.test_permission_matrix import page_kwargs, staff_pages

# The permission matrix's ``world`` fixture, here named ``demo_world``: the
# demo data, the personas' users and a sample key for every URL.
demo_world = matrix.world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")
VIEWPORTS = {
    "desktop": {"width": 1280, "height": 900},
    "phone": {"width": 390, "height": 844},
}
LANGUAGES = ("en", "nb")
#: Named staff pages that answer GET with something else than a whole page,
#: and why they are not checked on their own.
NOT_PAGES = {
    "interactions:entry-create": "the wizard: its steps are walked one by one",
}


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations of the page as shown now."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (package-lock.json) first")
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        """async () => await axe.run(document, {resultTypes: ["violations"]})"""
    )
    return [
        violation
        for violation in results["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


def describe(where: str, violations: list[dict[str, Any]]) -> list[str]:
    """One readable line per violation: rule, impact, help, the elements."""
    lines = []
    for violation in violations:
        targets = ", ".join(
            " ".join(str(part) for part in node["target"])
            for node in violation["nodes"][:5]
        )
        more = len(violation["nodes"]) - 5
        lines.append(
            f"{where}: {violation['id']} ({violation['impact']}) — "
            f"{violation['help']} — {targets}"
            + (f" (+{more} more)" if more > 0 else "")
        )
    return lines


def html_pages(world: dict[str, Any]) -> list[tuple[str, str]]:
    """``(name, path)`` of every named staff page that answers GET with a page.

    Asked with Django's test client as the superuser: a POST-only action (405),
    a download (CSV, attachment) and an htmx fragment are not pages.
    """
    client = Client()
    client.force_login(world["users"]["admin"])
    pages = []
    for name, kwarg_names in sorted(staff_pages()):
        if name in NOT_PAGES:
            continue
        try:
            path = reverse(name, kwargs=page_kwargs(world, name, kwarg_names))
        except NoReverseMatch:
            continue
        response = client.get(path)
        if (
            response.status_code == 200
            and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and b"<!doctype html" in response.content[:200].lower()
        ):
            pages.append((name, path))
    return pages


def open_menu(page: Page) -> None:
    """On a phone, open the navigation so that its links are checked too."""
    toggle = page.locator(".navtoggle")
    if toggle.count() and toggle.is_visible():
        toggle.click()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_no_serious_or_critical_axe_violation_on_any_staff_page(
    browser: Browser, live_server, demo_world, language: str, viewport: str
):
    world = demo_world
    pages = html_pages(world)
    # The pages people use most must be among them (the walk found the URLconf).
    found = {name for name, _path in pages}
    assert {
        "interactions:dashboard",
        "interactions:entry-list",
        "interactions:entry-detail",
        "contacts:contact-list",
        "contacts:contact-detail",
        "contacts:contact-create",
        "interactions:segment-detail",
        "interactions:segment-add-contacts",
        "interactions:segment-update-line",
        "interactions:segment-log",
        "interactions:loggedsegment-list",
        "interactions:postponed-list",
        "interactions:campaign-list",
        "interactions:outbox",
        "interactions:job-detail",
        "interactions:entry-delete-canceled",
        "interactions:contact-personal-data",
    } <= found, found

    # add_script_tag inserts axe as an inline script, which the site's CSP
    # forbids; only this context lets it in (the other browser tests keep it).
    context = browser.new_context(
        base_url=live_server.url,
        viewport=VIEWPORTS[viewport],
        locale="en-US",
        bypass_csp=True,
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.add_cookies(
        [
            {
                "name": settings.LANGUAGE_COOKIE_NAME,
                "value": language,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    problems: list[str] = []
    checked: list[str] = []

    def check(where: str) -> None:
        open_menu(page)
        assert page.locator("html").get_attribute("lang") == language, where
        problems.extend(
            describe(f"{where} [{language}, {viewport}]", axe_violations(page))
        )
        # Any screen: no page scrolls sideways, at 390 px neither.
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > VIEWPORTS[viewport]["width"]:
            problems.append(
                f"{where} [{language}, {viewport}]: the page is {width} px wide "
                f"(window: {VIEWPORTS[viewport]['width']} px)"
            )
        checked.append(where)

    try:
        page.goto("/accounts/login/")
        check("login")
        page.locator("#id_username").fill(world["users"]["admin"].username)
        page.locator("#id_password").fill(PASSWORD)
        page.locator("#id_password").press("Enter")
        page.wait_for_load_state()
        assert "/accounts/login/" not in page.url

        for name, path in pages:
            response = page.goto(path)
            assert response is not None and response.ok, f"{name} {path}"
            check(name)

        # The wizard, step by step (contact, content, related to, result).
        page.goto(f"/interactions/new/?contact={world['entry'].contact.no}")
        template = page.locator("select[name$=template]")
        if template.count():
            template.first.select_option(world["entry"].template.code)
            page.wait_for_load_state("networkidle")
        description = page.locator("[name$=description]")
        if description.count() and not description.first.input_value():
            description.first.fill("Checked by axe-core")
        for step in range(1, 5):
            check(f"interactions:entry-create (step {step})")
            next_button = page.locator("button[name=nav][value=next]")
            if step < 4:
                assert next_button.count(), f"wizard step {step} has no Next button"
                next_button.click()
                page.wait_for_load_state()
                current = page.locator("[aria-current=step] .wizard-steps__number")
                assert current.inner_text().strip() == str(step + 1), page.url
    finally:
        context.close()

    assert len(checked) > 30, checked
    assert not problems, "axe-core found serious/critical violations:\n" + "\n".join(
        problems
    )


def test_the_check_reports_a_violation_with_rule_impact_and_element(page: Page):
    """The checker itself: an unnamed button is a critical violation, listed."""
    page.set_content(
        '<!doctype html><html lang="en"><head><title>Bad</title></head>'
        '<body><main><button id="nameless"></button></main></body></html>'
    )
    violations = axe_violations(page)
    lines = describe("bad page", violations)
    assert any(
        "button-name (critical)" in line and "#nameless" in line for line in lines
    ), lines

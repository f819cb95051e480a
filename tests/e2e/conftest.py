"""Browser fixtures: Playwright driving Debian's chromium against ``live_server``.

Playwright's own browser download does not work on the build machines, so the
tests launch the system ``chromium``. Playwright's sync API runs an asyncio
event loop in the test thread; Django refuses ORM calls from such a thread
unless ``DJANGO_ALLOW_ASYNC_UNSAFE`` says it is safe, which it is here (one
thread per test, no coroutines).
"""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, sync_playwright

from tests import factories
from tests.conftest import STAFF_PERMISSIONS, grant

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PASSWORD = "secret-pass-123"  # tests.factories.UserFactory's password
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One chromium for the whole run; each test gets a fresh context.

    While Playwright's loop runs, the ORM must be allowed in this thread; the
    switch is set only for the browser tests, not for the rest of the suite.
    """
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.fail(f"chromium not found at {CHROMIUM} (apt-get install chromium)")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    """A clean browser tab (own cookies) pointed at the live server."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        locale="en-US",
    )
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def staff(db) -> User:
    """Sales staff as in tests/conftest.py, with a salesperson of their own."""
    user = factories.UserFactory(username="staff", first_name="Jo")
    grant(user, *STAFF_PERMISSIONS)
    factories.SalespersonFactory(code="JO", name="Jo Nordmann", user=user)
    return user


def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the login form, as a person would."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.locator("form.stack").get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, page.content()[:2000]


def screenshot(page: Page, name: str) -> None:
    """Keep a screenshot for the docs, unless one of that name exists already.

    Other work also writes screenshots into ``docs/screenshots/``; the first
    one wins so reruns do not churn the repository.
    """
    target = SCREENSHOTS / f"{name}.png"
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target), full_page=True)

"""Browser tests: Debian's chromium driven by Playwright against the live test server on PostgreSQL."""

import os
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def policy_violations(page) -> list[str]:
    """The Content-Security-Policy refusals Chromium reports on the page's console, as they come."""
    violations: list[str] = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    return violations


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    violations = policy_violations(page)
    yield page
    context.close()
    # Every interaction of every browser test ran under the policy.
    assert not violations, violations


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": 375, "height": 740}, is_mobile=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    violations = policy_violations(page)
    yield page
    context.close()
    assert not violations, violations


def sign_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").last.click()


# The zone's reference data and travellers, as the crossings tests use them.
from tests.crossings.conftest import at, chinese, kazakh, zone  # noqa: E402, F401

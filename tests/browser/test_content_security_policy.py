"""Every page under the Content-Security-Policy in Chromium: each role's pages (found by tests/site_pages.py), the API
documents and the admin load with no policy violation, no script error and no other console error; and the policy
really refuses what is inline (so a clean console means something).

test_every_page.py walks the pages in every language and width for layout; this walk waits for each page's scripts
(charts drawn, htmx loaded) and reads the `securitypolicyviolation` events the page saw, which a console listener
alone could miss. The interactive browser tests (desk, charts, htmx refreshes, the phone menu) run under the same
policy, and their `page` fixture fails on a violation too (tests/browser/conftest.py).
"""

import pytest
from django.conf import settings

from tests.browser.test_every_page import pages_by_role
from tests.site_pages import client_for, discover_pages, site_data

pytestmark = pytest.mark.django_db(transaction=True)

# Every securitypolicyviolation event of the document, kept where the test can read it after the page has loaded.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} refused ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || "the document"}:${event.lineNumber}`);
});
"""
EXTRA_PAGES = {"anonymous": ["/api/docs/"], "administrator": ["/admin/", "/admin/horgos/user/", "/admin/auth/group/"]}


def watched_context(browser, live_server, **options):
    """A browser context whose pages record policy violations, console errors and uncaught script errors."""
    context = browser.new_context(base_url=live_server.url, locale="en-US", **options)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on(
        "console", lambda message: message.type == "error" and not _favicon(message) and errors.append(message.text)
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    return context, page, errors


def _favicon(message) -> bool:
    # Django's admin names no icon, so Chromium asks for /favicon.ico, which the site does not have (a 404).
    return message.location.get("url", "").endswith("/favicon.ico")


def problems_on(page, path: str, errors: list[str]) -> list[str]:
    del errors[:]
    response = page.goto(path)
    page.wait_for_load_state("networkidle")
    if response is None or response.status != 200:
        return [f"{path}: status {response and response.status}"]
    violations = page.evaluate("window.__cspViolations")
    return [f"{path}: {violation}" for violation in violations] + [f"{path}: console {error}" for error in errors]


def test_every_page_of_every_role_loads_with_no_violation_and_a_clean_console(browser, live_server):
    data = site_data()
    walk = pages_by_role(discover_pages(data))
    for role, paths in EXTRA_PAGES.items():
        walk[role] = [*walk[role], *paths]
    context, page, errors = watched_context(browser, live_server)
    problems: list[str] = []
    for role, paths in walk.items():
        context.clear_cookies()
        user = data.users[role]
        if user is not None:
            session = client_for(user).cookies[settings.SESSION_COOKIE_NAME].value
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
        for path in paths:
            problems += [f"{problem} (as {role})" for problem in problems_on(page, path, errors)]
    context.close()
    assert not problems, "\n" + "\n".join(problems)


def test_swagger_ui_renders_the_api_under_the_policy(browser, live_server):
    context, page, errors = watched_context(browser, live_server)
    assert not problems_on(page, "/api/docs/", errors)
    assert page.locator(".swagger-ui .info .title").first.is_visible()
    assert page.locator(".opblock").count() > 10  # the operations of the schema, fetched by the page's script
    context.close()


def test_charts_draw_under_the_policy(browser, live_server):
    # The public traffic page draws its chart with Chart.js, which sizes the canvas through the DOM (allowed)
    from crossings.tasks import fill_statistics

    site_data()
    fill_statistics()
    context, page, errors = watched_context(browser, live_server)
    assert not problems_on(page, "/crossings/traffic/", errors)
    canvas = page.locator("canvas#monthly-chart")
    assert canvas.is_visible() and canvas.bounding_box()["height"] > 50
    assert page.evaluate("Chart.getChart(document.getElementById('monthly-chart')) !== undefined")
    context.close()


def test_the_policy_refuses_inline_scripts_styles_and_handlers(browser, live_server):
    # Given a page of the site
    context, page, _errors = watched_context(browser, live_server)
    page.goto("/")
    # When markup with an inline script, a style attribute and an event handler is put into it
    page.evaluate(
        """() => {
        const script = document.createElement("script");
        script.textContent = "window.inlineRan = true";
        document.body.append(script);
        document.body.insertAdjacentHTML("beforeend", '<p id="styled" style="color: rgb(255, 0, 0)">x</p>'
          + '<img id="handled" src="data:," onerror="window.handlerRan = true">');
        }"""
    )
    page.wait_for_timeout(200)
    # Then none of it ran or applied, and each refusal was reported
    assert page.evaluate("window.inlineRan") is None and page.evaluate("window.handlerRan") is None
    assert page.evaluate("getComputedStyle(document.getElementById('styled')).color") != "rgb(255, 0, 0)"
    violations = " ".join(page.evaluate("window.__cspViolations"))
    assert "script-src-elem" in violations and "style-src-attr" in violations and "script-src-attr" in violations
    context.close()

"""Every page of every role (found by tests/site_pages.py), in the four languages, on a 1280 px screen and a 375 px
phone: nothing scrolls sideways (the document is no wider than the window) and the browser logs no error.

One browser context per language and width; each role's session is made once (Django's test client) and handed to
the contexts as a cookie, so the walk never types a password. Every page is walked at both widths in Russian (long
words, and the language whose badges overflowed); in each other language a quarter of the pages at both widths, a
different quarter in each, which keeps the walk within about a minute and a half.
"""

import pytest
from django.conf import settings

from tests.site_pages import LANGUAGES, client_for, discover_pages, site_data

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 740}}
FULL_LANGUAGE = "ru"
# In the other languages, every SAMPLE_EVERY-th page of each role, starting from the language's place in LANGUAGES.
SAMPLE_EVERY = 4
ROLE_ORDER = ("officer", "administrator", "merchant", "anonymous")
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


def pages_by_role(pages: dict[str, list[str]]) -> dict[str, list[str]]:
    """Each page once, as the first role (in ROLE_ORDER) that opens it."""
    seen: set[str] = set()
    walk = {}
    for role in ROLE_ORDER:
        walk[role] = [path for path in pages[role] if path not in seen]
        seen.update(walk[role])
    return walk


def test_every_page_fits_and_logs_no_error_in_every_language(browser, live_server):
    data = site_data()
    walk = pages_by_role(discover_pages(data))
    sessions = {}
    for role, user in data.users.items():
        if user is not None:
            sessions[role] = client_for(user).cookies[settings.SESSION_COOKIE_NAME].value
    problems: list[str] = []
    for language in LANGUAGES:
        for width_name, viewport in WIDTHS.items():
            context = browser.new_context(
                base_url=live_server.url, locale="en-US", viewport=viewport, is_mobile=width_name == "phone"
            )
            page = context.new_page()
            page.set_default_timeout(10_000)
            errors: list[str] = []
            page.on("console", lambda message, errors=errors: message.type == "error" and errors.append(message.text))
            page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
            for role in ROLE_ORDER:
                context.clear_cookies()
                cookies = [{"name": "django_language", "value": language, "url": live_server.url + "/"}]
                if role in sessions:
                    cookies.append(
                        {"name": settings.SESSION_COOKIE_NAME, "value": sessions[role], "url": live_server.url + "/"}
                    )
                context.add_cookies(cookies)
                paths = walk[role]
                if language != FULL_LANGUAGE:
                    paths = paths[LANGUAGES.index(language) % SAMPLE_EVERY :: SAMPLE_EVERY]
                for path in paths:
                    del errors[:]
                    response = page.goto(path)
                    where = f"{path} as {role} in {language} at {viewport['width']} px"
                    if response is None or response.status != 200:
                        problems.append(f"{where}: status {response and response.status}")
                        continue
                    overflow = page.evaluate(OVERFLOW)
                    if overflow > 0:
                        problems.append(f"{where}: scrolls sideways by {overflow} px")
                    problems += [f"{where}: console error {error}" for error in errors]
            context.close()
    assert not problems, "\n" + "\n".join(problems)


def test_a_long_russian_state_wraps_on_a_phone(phone_page, live_server):
    # Given a listing waiting for review, whose Russian state ("Отправлен на проверку") is the longest badge
    from merchants.choices import ListingState
    from tests.merchants.factories import ListingFactory, OwnerFactory, ShopFactory, load_some_hs

    load_some_hs()
    owner = OwnerFactory()
    listing = ListingFactory(shop=ShopFactory(merchant=owner.merchant), state=ListingState.SUBMITTED)
    session = client_for(owner.user).cookies[settings.SESSION_COOKIE_NAME].value
    phone_page.context.add_cookies(
        [
            {"name": name, "value": value, "url": live_server.url + "/"}
            for name, value in ((settings.SESSION_COOKIE_NAME, session), ("django_language", "ru"))
        ]
    )
    # When its page opens on a 375 px phone, then the badge wraps inside the screen
    assert phone_page.goto(f"/portal/listings/{listing.pk}/").status == 200
    assert phone_page.get_by_text("Отправлен на проверку").is_visible()
    assert phone_page.evaluate(OVERFLOW) <= 0

"""No page shows English in Chinese, Kazakh or Russian: every page of every role (tests/site_pages.py), rendered in
each language, is compared with the same page in English. A word of Latin letters that the English page shows too
is a leak, unless it is the site's data (names of people, shops, products as written: every text stored in the
database), a code (CN, E-F01, HS, CSV) or one of the few words that stay as they are (ALLOWED). Django's empty choice
"---------" is a leak as well: a filter says "any" or "all" in words."""

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.db import models

from tests.site_pages import LANGUAGES, client_for, discover_pages, site_data

pytestmark = pytest.mark.django_db

# Words that are the same in every language of the site (any case), and the column names and values of the files
# the site reads, written in lower case as the files have them.
ALLOWED = {"horgos", "api", "csv", "xlsx", "excel", "pdf", "json", "url", "id", "mrz", "ok", "utc"}
FILE_WORDS = {
    *("year", "month", "checkpoint", "direction", "entry", "exit", "crossings", "travellers"),
    *("currency", "day", "yes", "no"),
}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z_'’-]*")
DASHES = re.compile(r"-{3,}")
# Attributes whose text a person reads or hears.
READ_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}


# Elements whose text is not the page's words: code, and whatever is marked as written in another language.
UNREAD_TAGS = {"script", "style", "template", "code", "kbd", "samp"}


class _Texts(HTMLParser):
    """The texts of a page a person reads in its language: text and READ_ATTRIBUTES outside UNREAD_TAGS and outside
    elements marked with another `lang` (a language's own name in the switcher, a product's title as written)."""

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self.language = ""
        self._skipped_tag = ""
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.language = attributes.get("lang", "")
        if self._skipped_tag:
            self._depth += tag == self._skipped_tag
            return
        if tag in UNREAD_TAGS or attributes.get("lang", self.language) != self.language:
            self._skipped_tag, self._depth = tag, 1
            return
        for name, value in attrs:
            shown_value = name == "value" and tag == "input" and attributes.get("type") == "submit"
            if value and (name in READ_ATTRIBUTES or shown_value):
                self.texts.append(value.strip())

    def handle_endtag(self, tag):
        if tag == self._skipped_tag:
            self._depth -= 1
            if not self._depth:
                self._skipped_tag = ""

    def handle_data(self, data):
        if not self._skipped_tag and data.strip():
            self.texts.append(" ".join(data.split()))


def texts_of(html: str) -> list[str]:
    parser = _Texts()
    parser.feed(html)
    return parser.texts


def data_words() -> set[str]:
    """Every word written in the database's text columns (not choice values): the site's data, in any language."""
    words: set[str] = set()
    for model in apps.get_models():
        fields = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField) and not field.choices
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            for value in row:
                if value:
                    words.update(word.lower() for word in LATIN_WORD.findall(str(value)))
    return words


def is_code(word: str) -> bool:
    """CN, E-F01, rate_to_cny, and the lower-case words of the files the site reads."""
    return word.isupper() or "_" in word or any(char.isdigit() for char in word) or word in FILE_WORDS


def leaks(english: list[str], other: list[str], known: set[str]) -> list[str]:
    """The texts of `other` with a Latin word the English page shows too and that is neither data nor a code."""
    english_words = {word.lower() for text in english for word in LATIN_WORD.findall(text)}
    found = []
    for text in other:
        words = [
            word
            for word in LATIN_WORD.findall(text)
            if word.lower() in english_words
            and word.lower() not in known
            and word.lower() not in ALLOWED
            and not is_code(word)
        ]
        if words or DASHES.fullmatch(text):
            found.append(text)
    return found


def test_texts_leave_out_code_and_other_languages():
    html = '<html lang="ru"><p title="Подсказка">Текст <code>Token</code></p><option lang="en">English</option></html>'
    assert texts_of(html) == ["Подсказка", "Текст"]


def test_leaks_finds_english_but_not_data_or_codes():
    english = ["Direction", "Any", "Abenova Aigul", "E-F01", "---------", "29 Nov 2026, 2:30 p.m."]
    other = ["Direction", "Кез келген", "Abenova Aigul", "E-F01", "---------", "29.11.2026 14:30", "Nov 29"]
    assert leaks(english, other, {"abenova", "aigul"}) == ["Direction", "---------", "Nov 29"]


@pytest.fixture(scope="module")
def walked(django_db_setup, django_db_blocker):
    """The site's data and pages, built once for the module and removed afterwards."""
    from django.db import connection

    with django_db_blocker.unblock():
        connection.set_autocommit(False)
        try:
            data = site_data()
            yield data, discover_pages(data), data_words()
        finally:
            connection.rollback()
            connection.set_autocommit(True)


# Signed-in roles first: the public pages are checked with a signed-in user's navigation, and again as anonymous
# only where a page is theirs alone.
ROLE_ORDER = ("officer", "administrator", "merchant", "anonymous")


@pytest.mark.parametrize("role", ROLE_ORDER)
def test_no_page_shows_english_in_another_language(walked, role):
    # Each page is checked once, as the first role (in this order) that opens it: what differs by role on a page
    # (the navigation) is on every page of that role anyway.
    data, pages, known = walked
    assert pages[role], f"no page found for {role}"
    checked_before = {path for earlier in ROLE_ORDER[: ROLE_ORDER.index(role)] for path in pages[earlier]}
    client = client_for(data.users[role])
    problems = []
    for path, english_html in pages[role].items():
        if path in checked_before:
            continue
        english = texts_of(english_html)
        for language in LANGUAGES[1:]:
            client.cookies["django_language"] = language
            response = client.get(path)
            assert response.status_code == 200, (path, language)
            texts = texts_of(response.content.decode())
            problems += [f"{path} [{language}]: {text!r}" for text in leaks(english, texts, known)]
    assert not problems, "\n" + "\n".join(problems)

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
SIGN_IN = {"zh-hans": "登录", "kk": "Кіру", "ru": "Войти", "en": "Sign in"}


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "sign_in"), SIGN_IN.items())
def test_language_switch_renders_the_page_in_that_language(client, language, sign_in):
    # Given a visitor who picks a language in the switcher
    response = client.post("/i18n/setlang/", {"language": language, "next": "/"}, follow=True)
    # Then the page comes back in that language, and says so in its lang attribute
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    assert sign_in in page


def test_every_language_has_a_catalogue():
    codes = {code for code, _ in settings.LANGUAGES}
    assert codes == set(SIGN_IN)
    for code in ("zh_Hans", "kk", "ru", "en"):
        assert (ROOT / "locale" / code / "LC_MESSAGES" / "django.po").exists(), code


@pytest.mark.parametrize("code", ["zh_Hans", "kk", "ru"])
def test_every_string_is_translated(code):
    with (ROOT / "locale" / code / "LC_MESSAGES" / "django.po").open("rb") as po_file:
        catalog = read_po(po_file)
    untranslated = [message.id for message in catalog if message.id and not message.string]
    fuzzy = [message.id for message in catalog if message.id and message.fuzzy]
    assert not untranslated, untranslated
    assert not fuzzy, fuzzy

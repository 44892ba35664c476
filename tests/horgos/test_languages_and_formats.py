"""Languages beyond the page walk: one date and time format per language (Kazakh day.month.year, 24-hour), words
that agree with what they qualify (Russian), the names and rules other packages show, translated where they lack
a language, and the charts' series named in the reader's language."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.password_validation import password_validators_help_texts
from django.utils import formats, translation
from django_countries import countries
from django_countries.data import COUNTRIES

from horgos import borrowed_messages
from merchants.choices import ShopState
from tests.crossings.conftest import zone  # noqa: F401  (the fixture)
from tests.merchants.factories import OwnerFactory

MOMENT = datetime(2026, 11, 29, 14, 30, tzinfo=ZoneInfo("Asia/Almaty"))


@pytest.mark.parametrize(
    ("language", "short_datetime", "date_words", "time"),
    [
        ("kk", "29.11.2026 14:30", "29.11.2026", "14:30"),
        ("ru", "29.11.2026 14:30", "29 ноября 2026", "14:30"),
        ("zh-hans", "2026/11/29 14:30", "2026年11月29日", "14:30"),
        ("en", "2026-11-29 14:30", "29 Nov 2026", "14:30"),
    ],
)
def test_each_language_has_one_24_hour_format(language, short_datetime, date_words, time):
    with translation.override(language):
        assert formats.date_format(MOMENT, "SHORT_DATETIME_FORMAT") == short_datetime
        assert formats.date_format(MOMENT.date(), "DATE_FORMAT") == date_words
        assert formats.time_format(MOMENT.time()) == time
        assert "m." not in formats.date_format(MOMENT, "DATETIME_FORMAT")  # no a.m./p.m.


def test_russian_words_agree_with_what_they_qualify():
    with translation.override("ru"):
        assert (str(ShopState.OPEN.label), str(ShopState.CLOSED.label)) == ("Открыт", "Закрыт")  # магазин
        assert translation.pgettext("licence", "Valid until") == "Действительна до"  # лицензия
        assert translation.gettext("Valid until") == "Действителен до"  # документ
        assert translation.pgettext("count of crossings", "Admitted") == "Пропущено"


@pytest.mark.django_db
def test_the_live_panel_and_the_portal_use_those_forms(zone, signed_in):  # noqa: F811
    officer_client = signed_in(zone.cn_officer)
    officer_client.cookies["django_language"] = "ru"
    panel = officer_client.get("/crossings/desk/live/").content.decode()
    assert "Пропущено" in panel
    assert "Пропущен<" not in panel
    owner = OwnerFactory(merchant__licence_valid_until=date(2030, 1, 1))
    portal = signed_in(owner.user)
    portal.cookies["django_language"] = "ru"
    assert "Действительна до" in portal.get("/portal/").content.decode()


def test_every_country_is_named_in_kazakh():
    with translation.override("kk"):
        names = {code: str(countries.name(code)) for code in COUNTRIES}
    with translation.override("en"):
        english = {code: str(countries.name(code)) for code in COUNTRIES}
    untranslated = [code for code in COUNTRIES if names[code] == english[code]]
    assert not untranslated
    assert (names["KZ"], names["CN"], names["RU"], names["DE"], names["US"]) == (
        "Қазақстан",
        "Қытай",
        "Ресей",
        "Германия",
        "Америка Құрама Штаттары",
    )


@pytest.mark.parametrize("language", ["zh-hans", "ru"])
def test_countries_keep_their_names_in_chinese_and_russian(language):
    with translation.override(language):
        assert all(str(countries.name(code)) != code for code in COUNTRIES)
        assert str(countries.name("DE")) == {"zh-hans": "德国", "ru": "Германия"}[language]


def test_the_borrowed_messages_list_every_country_django_countries_shows():
    # Kept in step with django-countries, so that `make messages` keeps every Kazakh name
    with translation.override("en"):
        shown = [str(countries.name(code)) for code in COUNTRIES]
    assert [str(name) for name in borrowed_messages.COUNTRY_NAMES] == shown


def test_password_rules_are_in_kazakh():
    with translation.override("kk"):
        rules = password_validators_help_texts()
    assert rules
    assert not [rule for rule in rules if rule.isascii()], rules
    assert "Құпия сөзде кемінде 8 таңба болуы керек." in rules


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "last_week"), [("ru", "Тот же день недели"), ("kk", "Өткен аптаның"), ("zh-hans", "上周同日")]
)
def test_chart_series_are_named_in_the_readers_language(zone, signed_in, language, last_week):  # noqa: F811
    client = signed_in(zone.cn_officer)
    client.cookies["django_language"] = language
    labels = [
        dataset["label"]
        for item in client.get("/crossings/charts/data/").json()["checkpoints"]
        for dataset in item["datasets"]
    ]
    assert labels
    assert any(label.startswith(last_week) for label in labels), labels
    assert not [label for label in labels if "week" in label]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "any_word"), [("ru", "Все"), ("kk", "Кез келген"), ("zh-hans", "不限"), ("en", "Any")]
)
def test_a_filter_left_empty_says_so_in_words(language, any_word):
    # A FilterSet that names no empty label of its own (the shared default, settings.FILTERS_EMPTY_CHOICE_LABEL)
    from crossings.filtersets import LaneFilterSet

    with translation.override(language):
        html = str(LaneFilterSet().form["direction"])
    assert f'<option value="" selected>{any_word}</option>' in html
    assert "---------" not in html


@pytest.mark.parametrize(("language", "choose"), [("ru", "Выберите…"), ("kk", "Таңдаңыз…"), ("en", "Choose…")])
def test_a_forms_empty_choice_says_so_in_words(language, choose):
    from django import forms

    class Form(forms.Form):
        side = forms.ChoiceField(choices=[("", "---------"), ("CN", "CN")])

    with translation.override(language):
        html = str(Form()["side"])
    assert f'<option value="" selected>{choose}</option>' in html


@pytest.mark.django_db
def test_todays_filters_are_translated_after_the_api_built_its_fields(zone, signed_in):  # noqa: F811
    # Given the API's crossing filters built in English (as the schema does), shared with the Today page's parent
    from crossings.filtersets import CrossingFilterSet

    with translation.override("en"):
        for name in ("direction", "outcome", "refusal_reason"):
            CrossingFilterSet.base_filters[name].field  # noqa: B018
    # Then the Today page still labels its filters in the reader's language
    client = signed_in(zone.cn_officer)
    client.cookies["django_language"] = "ru"
    page = client.get("/crossings/today/").content.decode()
    for label in ("Направление", "Результат", "Причина отказа"):
        assert f">{label}</label>" in page
    assert ">Outcome<" not in page
    assert ">Refusal reason<" not in page

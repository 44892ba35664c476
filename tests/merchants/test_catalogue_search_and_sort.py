"""The public catalogue finds words typed without ё or the Kazakh letters, through the same indexes; it sorts by
price, newest or name, on the page and in the API alike."""

from decimal import Decimal

import pytest
from django.db import connection

from horgos.search import FOLDED_FROM, FOLDED_TO, cjk_grams, fold, is_short_cjk_query
from merchants.choices import ListingState
from merchants.models import Listing
from tests.merchants.factories import ListingFactory
from tests.merchants.test_catalogue_pages import card_links

pytestmark = pytest.mark.django_db

APPROVED = ListingState.APPROVED


@pytest.fixture
def honey_and_sugar(market):
    return {
        "honey": ListingFactory(
            shop=market.shop_a, state=APPROVED, title_en="", title_ru="Горный мёд", price=Decimal("50.00")
        ),
        "sugar": ListingFactory(
            shop=market.shop_a, state=APPROVED, title_en="", title_kk="Ақ қант", price=Decimal("12.00")
        ),
        "milk": ListingFactory(
            shop=market.shop_a,
            state=APPROVED,
            title_en="Camel milk",
            description_kk="Түйе сүті, өнім",
            price=Decimal("30.00"),
        ),
    }


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("мед", "honey"),  # ё typed as е, a whole word (full-text)
        ("мёд", "honey"),
        ("МЕД", "honey"),
        ("горный мед", "honey"),
        ("кант", "sugar"),  # қ typed as к, a whole word
        ("ак кант", "sugar"),
        ("қант", "sugar"),
        ("кан", "sugar"),  # part of a word (trigram substring on titles)
        ("туйе", "milk"),  # ү typed as у, in the Kazakh description
        ("оним", "milk"),  # ө as о, і as и
    ],
)
def test_catalogue_finds_words_typed_without_the_letters(signed_in, honey_and_sugar, typed, expected):
    # Given honey written with ё and sugar and milk in Kazakh; when someone searches as they typed it
    page = signed_in(None).get("/catalogue/", {"q": typed}).content.decode()
    # Then they find the product they meant, and only it
    assert card_links(page) == [honey_and_sugar[expected].pk]


def test_the_api_folds_the_query_the_same_way(api_client, honey_and_sugar):
    answer = api_client.get("/api/v1/catalogue/", {"q": "мед"}).json()
    assert [row["id"] for row in answer["results"]] == [honey_and_sugar["honey"].pk]


def test_python_and_database_fold_alike():
    # The migration's function and horgos.search.fold map the same letters
    with connection.cursor() as cursor:
        cursor.execute("SELECT horgos_fold(%s)", [FOLDED_FROM])
        assert cursor.fetchone()[0] == FOLDED_TO == fold(FOLDED_FROM)
        cursor.execute("SELECT provolatile FROM pg_proc WHERE proname = 'horgos_fold'")
        assert cursor.fetchone()[0] == "i"  # immutable: usable in an index


def test_folded_searches_use_the_indexes(honey_and_sugar):
    # Given the planner told to avoid scanning the table when it can
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    words = Listing.objects.matching("мед")
    plan = words.explain()
    # Then the word query and the substring query both run on the folded indexes, the titles' one trigram index
    assert "listing_search_idx" in plan
    assert "listing_folded_titles_trgm_idx" in plan


def test_a_substring_is_found_within_one_title_never_across_two(market):
    # Given a listing whose English title ends "zor" and whose Kazakh title begins "bulak"
    listing = ListingFactory(shop=market.shop_a, state=APPROVED, title_en="Plush zor", title_kk="bulak")
    listing.refresh_from_db()
    assert listing.folded_titles == "PLUSH ZOR\x1f\x1fBULAK\x1f"  # en, zh-Hans, kk, ru: joined, folded, capitals

    def found(words: str) -> bool:
        return Listing.objects.matching(words).filter(pk=listing.pk).exists()

    # Then "zorbulak" is not found (it lies across two titles), "lush" and "bula" are (within one)
    assert not found("zorbulak")
    assert found("lush") and found("bula")
    # And a query holding the joiner is matched by its words alone
    assert found("plush\x1fzor")
    assert not found("lush\x1fzor")


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("price", ["sugar", "milk", "honey"]),
        ("-price", ["honey", "milk", "sugar"]),
        ("newest", ["milk", "sugar", "honey"]),
        ("name", ["milk", "sugar", "honey"]),  # Camel milk, Ақ қант, Горный мёд (as shown in English)
    ],
)
def test_catalogue_sorts_on_the_page_and_in_the_api(signed_in, api_client, honey_and_sugar, sort, expected):
    ids = [honey_and_sugar[name].pk for name in expected]
    page = signed_in(None).get("/catalogue/", {"sort": sort}).content.decode()
    assert card_links(page) == ids
    answer = api_client.get("/api/v1/catalogue/", {"sort": sort}).json()
    assert [row["id"] for row in answer["results"]] == ids


def test_name_order_follows_the_visitors_language(signed_in, honey_and_sugar):
    # Given milk titled in Russian too; in Russian its Russian title is the one read, and sorted by
    honey_and_sugar["milk"].title_ru = "Верблюжье молоко"
    honey_and_sugar["milk"].save()
    client = signed_in(None)
    client.cookies["django_language"] = "ru"
    page = client.get("/catalogue/", {"sort": "name"}).content.decode()
    assert card_links(page) == [honey_and_sugar[name].pk for name in ("sugar", "milk", "honey")]
    assert 'name="sort"' in page


def test_an_unknown_sort_is_refused_by_the_api(api_client, honey_and_sugar):
    assert api_client.get("/api/v1/catalogue/", {"sort": "cheapest"}).status_code == 400


@pytest.fixture
def teas(market):
    return {
        "green": ListingFactory(shop=market.shop_a, state=APPROVED, title_en="", title_zh_hans="优质绿茶"),
        "black": ListingFactory(shop=market.shop_a, state=APPROVED, title_en="Black tea", title_kk="红茶 қара шай"),
        "honey": ListingFactory(shop=market.shop_a, state=APPROVED, title_en="", title_zh_hans="蜂蜜"),
        # "绿" ends one title and "茶" starts the next: not "绿茶"
        "apart": ListingFactory(shop=market.shop_a, state=APPROVED, title_en="Tea 绿", title_ru="茶 чай"),
        # the words alone in a description: a full-text match
        "described": ListingFactory(shop=market.shop_a, state=APPROVED, title_en="Cup", description_zh_hans="绿茶 杯"),
    }


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("茶", {"green", "black", "apart"}),
        ("绿茶", {"green", "described"}),
        ("红茶", {"black"}),
        ("蜂", {"honey"}),
        ("质绿", {"green"}),
        ("优质绿", {"green"}),  # three characters: trigrams, as before
        ("茶杯", set()),
    ],
)
def test_one_and_two_chinese_characters_find_what_a_substring_match_finds(teas, typed, expected):
    # When a visitor searches for one or two Chinese characters
    found = {name for name, listing in teas.items() if Listing.objects.matching(typed).filter(pk=listing.pk).exists()}
    # Then the listings whose titles hold them side by side (or whose description has them as a word) are found
    assert found == expected


def test_the_titles_cjk_grams_are_kept_by_the_database(teas):
    # Given a listing whose Chinese title is changed
    listing = teas["honey"]
    Listing.objects.filter(pk=listing.pk).update(title_zh_hans="蜂蜜 绿茶")
    listing.refresh_from_db()
    # Then its grams are those of its titles now, the same as horgos.search.cjk_grams computes
    assert set(listing.title_cjk_grams) == cjk_grams("蜂蜜 绿茶") == {"蜂", "蜜", "蜂蜜", "绿", "茶", "绿茶"}
    assert set(teas["apart"].title_cjk_grams) == {"绿", "茶"}  # never a pair across two titles
    assert Listing.objects.matching("蜂蜜").filter(pk=listing.pk).exists()


def test_short_chinese_searches_use_the_grams_index(teas):
    # Given the planner told to avoid scanning the table when it can
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    # Then a one-character query runs on the grams index, not through every title
    plan = Listing.objects.matching("茶").explain()
    assert "listing_title_cjk_grams_idx" in plan
    assert "trgm" not in plan


@pytest.mark.parametrize(
    ("text", "short"), [("茶", True), ("绿茶", True), ("优质绿", False), ("t茶", False), ("", False), ("ab", False)]
)
def test_only_one_or_two_cjk_characters_are_a_short_cjk_query(text, short):
    assert is_short_cjk_query(text) is short

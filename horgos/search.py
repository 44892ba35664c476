"""Search text folded the same way in the index and in the query, so that a visitor finds what they mean whichever
way they type it.

People type Russian without "ё" ("мед" for "мёд") and Kazakh without its own letters on a Russian keyboard ("кант"
for "қант", "онiм" for "өнім"). `Fold` applies the database function `horgos_fold` (created by
`horgos/migrations/0005_search_fold_function.py`): it maps ё→е and ә→а, ғ→г, қ→к, ң→н, ө→о, ұ→у, ү→у, һ→х, і→и, in
both cases; the function is IMMUTABLE so that expression indexes (GIN, trigram) can be built on it. Index and query
both go through it: the folded query is matched against the folded text.
"""

from django.contrib.postgres.fields import ArrayField
from django.db.models import Func, TextField

FOLD_FUNCTION = "horgos_fold"
# The letters folded, and what each becomes; the migration writes the same pairs into the SQL function.
FOLDED_FROM = "ЁёӘәҒғҚқҢңӨөҰұҮүҺһІі"
FOLDED_TO = "ЕеАаГгКкНнОоУуУуХхИи"


class Fold(Func):
    """`horgos_fold(expression)`: text with ё and the Kazakh letters folded to the letters people type instead."""

    function = FOLD_FUNCTION
    arity = 1
    output_field = TextField()


def fold(text: str) -> str:
    """The same folding in Python, for code that compares outside the database."""
    return text.translate(str.maketrans(FOLDED_FROM, FOLDED_TO))


# Short Chinese queries. Trigram indexes cannot answer a query of one or two characters, and Chinese puts no spaces
# between words, so "茶" or "绿茶" would read every title. `CjkGrams` applies the database function
# `horgos_cjk_grams` (created by `merchants/migrations/0008_listing_cjk_title_grams.py`, IMMUTABLE so that a GIN
# index is built on it): the distinct single CJK characters of a text and every two CJK characters side by side.
# A query of one or two CJK characters is in a text exactly when it is one of those grams, so `grams @> [query]`
# finds the same rows as a substring match, through the index.
CJK_GRAMS_FUNCTION = "horgos_cjk_grams"
# Han ideographs (extension A, the unified block, compatibility, extensions B and on), kana and Hangul syllables;
# the migration writes the same ranges into the SQL function.
CJK_RANGES = (
    (0x3040, 0x30FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7AF),
    (0xF900, 0xFAFF),
    (0x20000, 0x2FFFF),
)
CJK_GRAM_LENGTH = 2  # the longest query the grams answer; longer ones have trigrams


def is_cjk(character: str) -> bool:
    return any(first <= ord(character) <= last for first, last in CJK_RANGES)


def is_short_cjk_query(text: str) -> bool:
    """Whether `text` is one or two CJK characters: a query the grams answer (and trigrams cannot)."""
    return 0 < len(text) <= CJK_GRAM_LENGTH and all(is_cjk(character) for character in text)


def cjk_grams(text: str) -> set[str]:
    """The same grams as `horgos_cjk_grams`, in Python (for tests and code outside the database)."""
    grams = {character for character in text if is_cjk(character)}
    grams |= {text[i : i + 2] for i in range(len(text) - 1) if is_cjk(text[i]) and is_cjk(text[i + 1])}
    return grams


class CjkGrams(Func):
    """`horgos_cjk_grams(a || ' ' || b ...)`: the CJK grams of the texts joined by spaces (so no gram spans two of
    them)."""

    function = CJK_GRAMS_FUNCTION
    arg_joiner = " || ' ' || "

    def __init__(self, *expressions, **extra):
        super().__init__(*expressions, output_field=ArrayField(TextField()), **extra)


# Substring search on titles in any language. One trigram index over the titles joined into one text answers it
# (four indexes, one per title, made the planner OR four scans and recompute four folded titles for every row it
# checked). The texts are joined by a control character that titles are not written with: a query without it
# lies within one title wherever it is found, as when each title was searched on its own.
TEXT_JOINER = "\x1f"


class JoinedTexts(Func):
    """`(a || chr(31) || b ...)`: texts joined by TEXT_JOINER (chr is IMMUTABLE: a generated column may use it)."""

    template = "(%(expressions)s)"
    arg_joiner = f" || chr({ord(TEXT_JOINER)}) || "
    output_field = TextField()

"""Search text folded the same way in the index and in the query, so that a visitor finds what they mean whichever
way they type it.

People type Russian without "ё" ("мед" for "мёд") and Kazakh without its own letters on a Russian keyboard ("кант"
for "қант", "онiм" for "өнім"). `Fold` applies the database function `horgos_fold` (created by
`horgos/migrations/0005_search_fold_function.py`): it maps ё→е and ә→а, ғ→г, қ→к, ң→н, ө→о, ұ→у, ү→у, һ→х, і→и, in
both cases; the function is IMMUTABLE so that expression indexes (GIN, trigram) can be built on it. Index and query
both go through it: the folded query is matched against the folded text.
"""

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

"""One- and two-character Chinese queries through an index: the database function `horgos_cjk_grams` behind
`horgos.search.CjkGrams` (the distinct CJK characters of a text and every two side by side; IMMUTABLE, so that a
generated column may use it), the listing's stored column of its titles' grams and its GIN index. Adding the
column fills it for every existing listing; PostgreSQL keeps it up to date on every later write."""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
from django.db import migrations, models

import horgos.search

# The ranges of horgos.search.CJK_RANGES, as a regular expression class.
CJK_CLASS = "".join(
    f"\\u{first:04x}-\\u{last:04x}" if last <= 0xFFFF else f"\\U{first:08x}-\\U{last:08x}"
    for first, last in horgos.search.CJK_RANGES
)

CREATE = f"""
CREATE OR REPLACE FUNCTION horgos_cjk_grams(text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
SELECT coalesce(array_agg(DISTINCT gram), '{{}}')
FROM (
    SELECT substr($1, position, size) AS gram
    FROM generate_series(1, char_length($1)) AS position, (VALUES (1), (2)) AS sizes (size)
    WHERE position + size - 1 <= char_length($1)
) AS grams
WHERE gram ~ '^[{CJK_CLASS}]+$'
$$;
"""
DROP = "DROP FUNCTION IF EXISTS horgos_cjk_grams(text);"


class Migration(migrations.Migration):
    dependencies = [
        ("merchants", "0007_search_folds_letters"),
    ]

    operations = [
        migrations.RunSQL(CREATE, DROP),
        migrations.AddField(
            model_name="listing",
            name="title_cjk_grams",
            field=models.GeneratedField(
                db_persist=True,
                expression=horgos.search.CjkGrams("title_en", "title_zh_hans", "title_kk", "title_ru"),
                output_field=django.contrib.postgres.fields.ArrayField(base_field=models.TextField(), size=None),
                verbose_name="CJK characters of the titles",
            ),
        ),
        migrations.AddIndex(
            model_name="listing",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["title_cjk_grams"], name="listing_title_cjk_grams_idx"
            ),
        ),
    ]

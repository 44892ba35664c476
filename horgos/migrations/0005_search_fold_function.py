"""The database function `horgos_fold` behind `horgos.search.Fold`: search text with ё and the Kazakh letters
folded. IMMUTABLE (translate() of its argument only), so that expression indexes may use it."""

from django.db import migrations

FOLDED_FROM = "ЁёӘәҒғҚқҢңӨөҰұҮүҺһІі"
FOLDED_TO = "ЕеАаГгКкНнОоУуУуХхИи"

CREATE = f"""
CREATE OR REPLACE FUNCTION horgos_fold(text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT translate($1, '{FOLDED_FROM}', '{FOLDED_TO}') $$;
"""
DROP = "DROP FUNCTION IF EXISTS horgos_fold(text);"


class Migration(migrations.Migration):
    dependencies = [
        ("horgos", "0004_auditentry_reason"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]

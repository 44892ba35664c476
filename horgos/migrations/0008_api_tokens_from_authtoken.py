"""The earlier tokens (rest_framework.authtoken, keys stored in clear) move into ApiToken, hashed: the programs
that use them keep working until the new tokens' expiry (PERSONAL_API_TOKEN_DAYS from this migration), then their
people issue new ones. The key was 160 random bits, so its SHA-256 digest protects it as well as a new token's.
The old table, with the keys in clear, is then dropped; rest_framework.authtoken is no longer installed."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone

OLD_TABLE = "authtoken_token"
PREFIX_LENGTH = 12  # horgos.tokens.PREFIX_LENGTH when this was written


def hash_old_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("horgos", "ApiToken")
    days = settings.PERSONAL_API_TOKEN_DAYS
    expires_at = timezone.now() + timedelta(days=days) if days else None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, user_id, created FROM {OLD_TABLE}")
        rows = cursor.fetchall()
    ApiToken.objects.bulk_create(
        ApiToken(
            kind="personal",
            user_id=user_id,
            prefix=key[:PREFIX_LENGTH],
            digest=hashlib.sha256(key.encode()).hexdigest(),
            expires_at=expires_at,
        )
        for key, user_id, _created in rows
    )
    # The keys in clear go with their table.
    schema_editor.execute(f"DROP TABLE {OLD_TABLE}")


class Migration(migrations.Migration):
    dependencies = [
        ("horgos", "0007_api_tokens_hashed"),
    ]

    # Irreversible on purpose: going back cannot bring the keys in clear back (the tokens stay hashed in ApiToken).
    operations = [migrations.RunPython(hash_old_tokens, migrations.RunPython.noop)]

"""Personal data encrypted at rest, with blind indexes for lookups (horgos/encryption.py).

The columns become `text` (a Fernet token is longer than the value), every existing row is encrypted with the first
key of FIELD_ENCRYPTION_KEYS and indexed with BLIND_INDEX_KEY, then the indexes and constraints on the blind indexes
are built. On an empty database the data step does nothing. Going back decrypts the values again (with the keys of
FIELD_ENCRYPTION_KEYS), as the columns were before.
"""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
from django.conf import settings
from django.db import migrations, models
from psycopg2.extras import execute_values

import horgos.encryption
from crossings.models.travellers import document_number_index, person_index
from horgos.encryption import decrypt_text, encrypt_text, trigram_hashes

BATCH = 2000
TRAVELLER_NAMES = ("family_name", "given_names", "family_name_native", "given_names_native")


def _batches(cursor, sql):
    """Rows of `sql` (which selects id first and takes the last id seen as its parameter), BATCH at a time."""
    last = 0
    while True:
        cursor.execute(sql, [last, BATCH])
        rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _text(value):
    return None if value is None else encrypt_text(value)


def _plain(value):
    return None if value is None else decrypt_text(value)


ENCRYPTED = {
    "crossings_traveller": (*TRAVELLER_NAMES, "birth_date"),
    "crossings_traveldocument": ("number",),
    "crossings_watchlistentry": ("document_number", "family_name", "given_names", "birth_date"),
}


def decrypt_rows(apps, schema_editor):
    """Back to plain text, before the columns take their old types again."""
    with schema_editor.connection.cursor() as cursor:
        for table, columns in ENCRYPTED.items():
            listed = ", ".join(columns)
            sql = f"SELECT id, {listed} FROM {table} WHERE id > %s ORDER BY id LIMIT %s"
            for rows in _batches(cursor, sql):
                assignments = ", ".join(f"{column} = v.{column}" for column in columns)
                execute_values(
                    cursor.cursor,
                    f"UPDATE {table} AS t SET {assignments} FROM (VALUES %s) AS v (id, {listed}) WHERE t.id = v.id",
                    [(pk, *(_plain(value) for value in values)) for pk, *values in rows],
                )
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def encrypt_existing_rows(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        columns = ", ".join(TRAVELLER_NAMES)
        for rows in _batches(
            cursor, f"SELECT id, {columns}, birth_date FROM crossings_traveller WHERE id > %s ORDER BY id LIMIT %s"
        ):
            values = []
            for pk, family, given, family_native, given_native, birth in rows:
                names = " ".join((family, given, family_native, given_native))
                values.append(
                    (
                        pk,
                        *(encrypt_text(name) for name in (family, given, family_native, given_native)),
                        encrypt_text(birth),
                        person_index(family, birth),
                        person_index(family_native, birth),
                        trigram_hashes(names),
                    )
                )
            execute_values(
                cursor.cursor,
                "UPDATE crossings_traveller AS t SET family_name = v.f, given_names = v.g, family_name_native = v.fn,"
                " given_names_native = v.gn, birth_date = v.b, person_index_latin = v.pl, person_index_native = v.pn,"
                " name_trigrams = v.tri::integer[] FROM (VALUES %s) AS v (id, f, g, fn, gn, b, pl, pn, tri)"
                " WHERE t.id = v.id",
                values,
            )
        for rows in _batches(
            cursor, "SELECT id, number FROM crossings_traveldocument WHERE id > %s ORDER BY id LIMIT %s"
        ):
            execute_values(
                cursor.cursor,
                "UPDATE crossings_traveldocument AS d SET number = v.n, number_index = v.i"
                " FROM (VALUES %s) AS v (id, n, i) WHERE d.id = v.id",
                [(pk, encrypt_text(number), document_number_index(number)) for pk, number in rows],
            )
        for rows in _batches(
            cursor,
            "SELECT id, document_number, family_name, given_names, birth_date FROM crossings_watchlistentry"
            " WHERE id > %s ORDER BY id LIMIT %s",
        ):
            execute_values(
                cursor.cursor,
                "UPDATE crossings_watchlistentry AS w SET document_number = v.n, family_name = v.f,"
                " given_names = v.g, birth_date = v.b, document_index = v.di, person_index = v.pi"
                " FROM (VALUES %s) AS v (id, n, f, g, b, di, pi) WHERE w.id = v.id",
                [
                    (
                        pk,
                        _text(number),
                        _text(family),
                        _text(given),
                        _text(birth),
                        document_number_index(number or ""),
                        person_index(family or "", birth),
                    )
                    for pk, number, family, given, birth in rows
                ],
            )
        # The updates queued the deferred foreign key checks; run them now, before the indexes alter the tables.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("crossings", "0006_annual_reports"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="traveller",
            options={"ordering": ["id"], "verbose_name": "traveller", "verbose_name_plural": "travellers"},
        ),
        migrations.RemoveConstraint(
            model_name="traveldocument",
            name="document_unique_type_country_number",
        ),
        migrations.RemoveConstraint(
            model_name="watchlistentry",
            name="watchlist_entry_identifies_someone",
        ),
        migrations.RemoveIndex(
            model_name="traveller",
            name="traveller_latin_name_idx",
        ),
        migrations.RemoveIndex(
            model_name="traveller",
            name="traveller_native_name_idx",
        ),
        migrations.RemoveField(
            model_name="traveldocument",
            name="number_normalised",
        ),
        migrations.AddField(
            model_name="traveldocument",
            name="number_index",
            field=models.CharField(default="", editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="traveller",
            name="anonymised_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="anonymised at"),
        ),
        migrations.AddField(
            model_name="traveller",
            name="name_trigrams",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.IntegerField(), blank=True, default=list, editable=False, size=None
            ),
        ),
        migrations.AddField(
            model_name="traveller",
            name="person_index_latin",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="traveller",
            name="person_index_native",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="watchlistentry",
            name="document_index",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="watchlistentry",
            name="person_index",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="traveldocument",
            name="number",
            field=horgos.encryption.EncryptedCharField(max_length=30, verbose_name="number"),
        ),
        migrations.AlterField(
            model_name="traveller",
            name="birth_date",
            field=horgos.encryption.EncryptedDateField(verbose_name="birth date"),
        ),
        migrations.AlterField(
            model_name="traveller",
            name="family_name",
            field=horgos.encryption.EncryptedCharField(max_length=100, verbose_name="family name (Latin)"),
        ),
        migrations.AlterField(
            model_name="traveller",
            name="family_name_native",
            field=horgos.encryption.EncryptedCharField(
                blank=True, max_length=100, verbose_name="family name (native script)"
            ),
        ),
        migrations.AlterField(
            model_name="traveller",
            name="given_names",
            field=horgos.encryption.EncryptedCharField(blank=True, max_length=100, verbose_name="given names (Latin)"),
        ),
        migrations.AlterField(
            model_name="traveller",
            name="given_names_native",
            field=horgos.encryption.EncryptedCharField(
                blank=True, max_length=100, verbose_name="given names (native script)"
            ),
        ),
        migrations.AlterField(
            model_name="watchlistentry",
            name="birth_date",
            field=horgos.encryption.EncryptedDateField(blank=True, null=True, verbose_name="birth date"),
        ),
        migrations.AlterField(
            model_name="watchlistentry",
            name="document_number",
            field=horgos.encryption.EncryptedCharField(blank=True, max_length=30, verbose_name="document number"),
        ),
        migrations.AlterField(
            model_name="watchlistentry",
            name="family_name",
            field=horgos.encryption.EncryptedCharField(blank=True, max_length=100, verbose_name="family name (Latin)"),
        ),
        migrations.AlterField(
            model_name="watchlistentry",
            name="given_names",
            field=horgos.encryption.EncryptedCharField(blank=True, max_length=100, verbose_name="given names (Latin)"),
        ),
        migrations.RunPython(encrypt_existing_rows, decrypt_rows, elidable=False),
        migrations.AlterField(
            model_name="traveldocument",
            name="number_index",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddIndex(
            model_name="traveldocument",
            index=models.Index(fields=["number_index"], name="document_number_index_idx"),
        ),
        migrations.AddIndex(
            model_name="traveller",
            index=models.Index(fields=["person_index_latin"], name="traveller_person_latin_idx"),
        ),
        migrations.AddIndex(
            model_name="traveller",
            index=models.Index(fields=["person_index_native"], name="traveller_person_native_idx"),
        ),
        migrations.AddIndex(
            model_name="traveller",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["name_trigrams"], name="traveller_name_trigrams_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="traveldocument",
            constraint=models.UniqueConstraint(
                condition=models.Q(("number_index", ""), _negated=True),
                fields=("document_type", "issuing_country", "number_index"),
                name="document_unique_type_country_number",
                violation_error_message="This document is already registered.",
            ),
        ),
        migrations.AddConstraint(
            model_name="watchlistentry",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("match", "document"),
                        models.Q(("document_type", ""), _negated=True),
                        models.Q(("document_issuing_country", ""), _negated=True),
                        models.Q(("document_index", ""), _negated=True),
                    ),
                    models.Q(("match", "person"), models.Q(("person_index", ""), _negated=True)),
                    _connector="OR",
                ),
                name="watchlist_entry_identifies_someone",
                violation_error_message="A document entry needs type, issuing country and number; a person entry needs a family name and a birth date.",
            ),
        ),
    ]

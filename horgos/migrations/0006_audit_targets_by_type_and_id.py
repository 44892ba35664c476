"""Audit rows written before this migration named travellers, documents, watchlist entries, crossings, visits and
alerts by their text (names, document numbers). They now name them by type and id ("Traveller #123"), as
`horgos.audit.audit_target_repr` does for new rows, and personal values in `changes` are masked.

Audit rows are append-only: the trigger of migration 0002 refuses UPDATE to everyone who uses the application. This
migration is the one sanctioned rewrite, a redaction that removes personal data and changes nothing else (who, what,
when, which row, why). It runs as the database owner, which alone may disable a table's trigger, inside one
transaction: ALTER TABLE takes an ACCESS EXCLUSIVE lock on the audit table, so no other session writes or reads it
while the trigger is off, and the trigger is enabled again before the transaction commits (or is left untouched if
anything fails, since the whole migration then rolls back). The application's own database role never needs, and
should not be given, the right to do this.

The list of models is frozen here (a migration must not change with later code): the models that
`names_a_person` selected when it was written.
"""

from django.db import migrations

# target_type -> how the row names the target now (the model's English verbose name, as audit_target_repr writes).
TARGETS_NAMED_BY_ID = {
    "crossings.traveller": "Traveller",
    "crossings.traveldocument": "Travel document",
    "crossings.watchlistentry": "Watchlist entry",
    "crossings.visit": "Visit",
    "crossings.crossing": "Crossing",
    "crossings.alert": "Alert",
    "crossings.yearlytravellerseen": "Traveller seen in a year",
    "trade.shuttletraderflag": "Shuttle-trader flag",
    "trade.allowanceledger": "Allowance ledger",
    "trade.sale": "Sale",
    "trade.saleline": "Sale line",
}
NUMBER_FIELDS = {"number", "document_number", "number_normalised"}
PERSONAL_FIELDS = NUMBER_FIELDS | {
    "family_name",
    "given_names",
    "family_name_native",
    "given_names_native",
    "birth_date",
}
MASK = "••••"
PERSONAL_KEY_PATTERN = '"(' + "|".join(sorted(PERSONAL_FIELDS)) + ')":'


def masked(key, value):
    """A number keeps its last 4 characters, as pages show it; a name or a birth date keeps only that it was there."""
    if key in NUMBER_FIELDS and isinstance(value, str) and len(value) > 4:
        return MASK + value[-4:]
    return MASK if value not in (None, "") else value


def without_personal_values(value):
    """`value` (a row's changes) with every personal key's value masked, at any depth; {"before", "after"} pairs
    masked side by side."""
    if isinstance(value, list):
        return [without_personal_values(item) for item in value]
    if not isinstance(value, dict):
        return value
    cleaned = {}
    for key, item in value.items():
        if key not in PERSONAL_FIELDS:
            cleaned[key] = without_personal_values(item)
        elif isinstance(item, dict):
            cleaned[key] = {side: masked(key, side_value) for side, side_value in item.items()}
        else:
            cleaned[key] = masked(key, item)
    return cleaned


def redact(apps, schema_editor):
    AuditEntry = apps.get_model("horgos", "AuditEntry")
    # Deferred foreign-key checks of rows written earlier in this transaction would forbid ALTER TABLE: run them now.
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    schema_editor.execute("ALTER TABLE horgos_auditentry DISABLE TRIGGER horgos_auditentry_append_only")
    for target_type, name in TARGETS_NAMED_BY_ID.items():
        schema_editor.execute(
            "UPDATE horgos_auditentry SET target_repr = %s || ' #' || target_id "
            "WHERE target_type = %s AND target_repr <> %s || ' #' || target_id",
            [name, target_type, name],
        )
    # Personal keys in `changes`, at any depth, of any row (the services never wrote them, but nothing stopped it).
    candidates = AuditEntry.objects.extra(where=["changes::text ~ %s"], params=[PERSONAL_KEY_PATTERN])
    for entry in candidates.only("id", "changes").iterator():
        cleaned = without_personal_values(entry.changes)
        if cleaned != entry.changes:
            AuditEntry.objects.filter(pk=entry.pk).update(changes=cleaned)
    schema_editor.execute("ALTER TABLE horgos_auditentry ENABLE TRIGGER horgos_auditentry_append_only")


class Migration(migrations.Migration):
    dependencies = [("horgos", "0005_search_fold_function")]

    # Redacted text cannot be brought back: going backwards leaves the rows as they are.
    operations = [migrations.RunPython(redact, migrations.RunPython.noop)]

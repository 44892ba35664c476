"""Audit rows are append-only: PostgreSQL refuses UPDATE and DELETE on them, whoever asks."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION horgos_audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER horgos_auditentry_append_only
    BEFORE UPDATE OR DELETE ON horgos_auditentry
    FOR EACH ROW EXECUTE FUNCTION horgos_audit_entry_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS horgos_auditentry_append_only ON horgos_auditentry;
DROP FUNCTION IF EXISTS horgos_audit_entry_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("horgos", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]

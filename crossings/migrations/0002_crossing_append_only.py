"""Crossings are append-only history: PostgreSQL refuses UPDATE and DELETE on them.

A mistaken record is corrected by a reversal record (crossings.services.crossing_correct).
"""

from django.db import migrations

FORWARD = """
CREATE FUNCTION crossings_crossing_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'crossings are append-only: % is not allowed; record a reversal instead', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER crossings_crossing_append_only
    BEFORE UPDATE OR DELETE ON crossings_crossing
    FOR EACH ROW EXECUTE FUNCTION crossings_crossing_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS crossings_crossing_append_only ON crossings_crossing;
DROP FUNCTION IF EXISTS crossings_crossing_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("crossings", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]

"""Writing: COPY in chunks, ids taken from the sequences first."""

import io
from datetime import UTC, datetime

from crossings.generation.clock import DAY
from crossings.models.travellers import document_number_index, person_index
from horgos.copy import take_ids
from horgos.encryption import encrypt_text, trigram_hashes

# COPY: rows per statement, and the columns written per table, parents first (the foreign keys are
# deferred to the commit anyway). Names, birth dates and numbers are written encrypted, with their blind indexes,
# exactly as the models' `save` would write them.
COPY_CHUNK_ROWS = 50_000
TABLE_COLUMNS = {
    "crossings_traveller": "id, family_name, given_names, family_name_native, given_names_native, nationality, "
    "birth_date, sex, registered_at, person_index_latin, person_index_native, name_trigrams",
    "crossings_traveller_guardians": "from_traveller_id, to_traveller_id",
    "crossings_traveldocument": "id, traveller_id, document_type, number, issuing_country, valid_until, registered_at, "
    "number_index",
    "crossings_crossing": "id, kind, direction, occurred_at, local_date, recorded_at, outcome, refusal_reason, "
    "correction_reason, corrects_id, officer_id, lane_id, document_id, traveller_id",
    "crossings_visit": "id, traveller_id, checkpoint_id, entry_crossing_id, entered_at, must_leave_by, "
    "exit_crossing_id, exited_at, state, overstay_flagged_at",
}


class CopyWriter:
    """Buffers tab-separated rows per table and sends each table's rows with COPY whenever a chunk is full."""

    def __init__(self, cursor):
        self.cursor = cursor
        self.buffers: dict[str, list[str]] = {table: [] for table in TABLE_COLUMNS}
        self.stats = dict.fromkeys(
            ("travellers", "documents", "visits_open", "visits_closed", "admitted", "refused"), 0
        )
        # Formatting timestamps is the hot spot: each day's text is made once, each time of day once.
        self._day_text: dict[int, str] = {}
        self._time_of_day = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+00" for s in range(DAY)]

    def timestamp(self, moment: int) -> str:
        """An epoch second as PostgreSQL reads it, in UTC."""
        day, second = divmod(moment, DAY)
        prefix = self._day_text.get(day)
        if prefix is None:
            prefix = self._day_text[day] = datetime.fromtimestamp(day * DAY, tz=UTC).strftime("%Y-%m-%d ")
        return prefix + self._time_of_day[second]

    def take_ids(self, table: str, count: int) -> list[int]:
        """`count` ids from the table's sequence, ascending (horgos.copy.take_ids: a million take a fraction of a
        second)."""
        return take_ids(table, count)

    def add_traveller(self, traveller_id: int, names: tuple[str, str, str, str], nationality, born, sex, registered_at):
        """A traveller row: names and birth date encrypted, the person and trigram blind indexes beside them."""
        family, _, family_native, _ = names
        encrypted = "\t".join(encrypt_text(value) for value in (*names, born.isoformat()))
        # Fernet tokens are URL-safe base64: nothing in them needs escaping for COPY.
        encrypted_names, encrypted_born = encrypted.rsplit("\t", 1)
        trigrams = ",".join(map(str, trigram_hashes(" ".join(names))))
        self.add(
            "crossings_traveller",
            f"{traveller_id}\t{encrypted_names}\t{nationality}\t{encrypted_born}\t{sex}\t{registered_at}\t"
            f"{person_index(family, born)}\t{person_index(family_native, born)}\t{{{trigrams}}}\n",
        )

    def add_document(self, document_id: int, traveller_id: int, kind: str, number: str, country, valid_until, at):
        """A document row: the number encrypted, its blind index beside it."""
        self.add(
            "crossings_traveldocument",
            f"{document_id}\t{traveller_id}\t{kind}\t{encrypt_text(number)}\t{country}\t{valid_until}\t{at}\t"
            f"{document_number_index(number)}\n",
        )

    def add(self, table: str, line: str) -> None:
        buffer = self.buffers[table]
        buffer.append(line)
        if len(buffer) >= COPY_CHUNK_ROWS:
            self._copy(table)

    def _copy(self, table: str) -> None:
        lines = self.buffers[table]
        if lines:
            data = io.StringIO("".join(lines))
            self.cursor.copy_expert(f"COPY {table} ({TABLE_COLUMNS[table]}) FROM STDIN", data)
            lines.clear()

    def flush(self) -> None:
        for table in TABLE_COLUMNS:
            self._copy(table)
        # Fresh statistics, so that the demo and the benchmarks query the new rows with sensible plans.
        for table in TABLE_COLUMNS:
            self.cursor.execute(f"ANALYZE {table}")

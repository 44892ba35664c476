"""Re-encrypt personal data with the first key of FIELD_ENCRYPTION_KEYS, or rebuild the blind indexes.

Key rotation: put the new Fernet key first in FIELD_ENCRYPTION_KEYS, keep the old ones after it, deploy, run this
command, then remove the old keys. Blind index key: set the new BLIND_INDEX_KEY, deploy, run it with
`--blind-indexes` (until it finishes, lookups by number and name miss the rows not yet rebuilt).
"""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from crossings.services.personal_data import ROTATION_BATCH, blind_indexes_rebuild, field_keys_rotate


class Command(BaseCommand):
    help = "Re-encrypt every encrypted value with the first key of FIELD_ENCRYPTION_KEYS (in batches; idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--blind-indexes",
            action="store_true",
            help="recompute every blind index with the current BLIND_INDEX_KEY instead (after changing that key)",
        )
        parser.add_argument("--batch-size", type=int, default=ROTATION_BATCH, help="rows per transaction")

    def handle(self, *args, blind_indexes: bool, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            counts = (blind_indexes_rebuild if blind_indexes else field_keys_rotate)(batch_size=batch_size)
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        for table, numbers in counts.items():
            described = ", ".join(f"{count} {what}" for what, count in numbers.items())
            self.stdout.write(f"{table}: {described}")

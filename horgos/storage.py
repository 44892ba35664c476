"""Files that services store (uploads, photos) follow the database transaction of the change they belong to.

Storage knows nothing of transactions: a file saved in a transaction that then rolls back would stay on
disk (or in the object store), named by no row. `atomic_with_stored_files` removes the files its block
stored when the block does not commit; `delete_stored_files_on_commit` removes files a change replaced
only once the change has committed, so a refused change keeps the old ones.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.db.models.fields.files import FieldFile

logger = logging.getLogger(__name__)


class StoredFiles:
    """The files a block stored: `add(field_file)` after each `field_file.save(...)`."""

    def __init__(self) -> None:
        self.files: list[tuple] = []

    def add(self, field_file: FieldFile) -> None:
        self.files.append((field_file.storage, field_file.name))

    def delete(self) -> None:
        _delete(self.files)


def _delete(files: list[tuple]) -> None:
    for storage, name in files:
        try:
            storage.delete(name)
        except OSError:
            # Never hide why a change failed, nor fail a committed one, over a file left behind.
            logger.warning("Could not delete the stored file %s", name, exc_info=True)


@contextmanager
def atomic_with_stored_files() -> Iterator[StoredFiles]:
    """`transaction.atomic()`, yielding a StoredFiles the block notes every file it stores in.

    If the block raises, or its commit fails, nothing it wrote is saved: the files it stored are deleted
    again. (A caller's outer transaction that rolls back after this block succeeded is not seen here.)
    """
    stored = StoredFiles()
    try:
        with transaction.atomic():
            yield stored
    except BaseException:
        stored.delete()
        raise


def delete_stored_files_on_commit(*field_files: FieldFile) -> None:
    """Delete these (replaced) files once the current transaction commits; never if it rolls back."""
    files = [(field_file.storage, field_file.name) for field_file in field_files if field_file]
    if files:
        transaction.on_commit(lambda: _delete(files), robust=True)

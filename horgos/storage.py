"""Uploads: where they live, and how they follow the transaction of the change they belong to.

Where: everything under MEDIA_ROOT is served to anyone who knows the path (by runserver with DEBUG on, by the
compose stack's proxy in production). Files that only the application may read, such as the spreadsheets
merchants upload for a bulk import, go to the "private" storage instead: a folder outside MEDIA_ROOT that no
URL reaches.

When: storage knows nothing of transactions: a file saved in a transaction that then rolls back would stay on
disk (or in the object store), named by no row. `atomic_with_stored_files` removes the files its block
stored when the block does not commit; `delete_stored_files_on_commit` removes files a change replaced
only once the change has committed, so a refused change keeps the old ones.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils.functional import cached_property

logger = logging.getLogger(__name__)

PRIVATE_FILES_HAVE_NO_URL = "Private files are not served: read them through the storage instead."


class PrivateFileSystemStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT, with no URL (url() raises, unlike FileSystemStorage's MEDIA_URL)."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise ValueError(PRIVATE_FILES_HAVE_NO_URL)


def private_storage() -> Storage:
    """The "private" storage of settings.STORAGES; a callable, so FileFields follow the settings at run time."""
    return storages["private"]


# --- files follow the transaction ---------------------------------------------------------------
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

"""Where uploads live: public ones (listing photos) in the default storage, private ones apart.

Everything under MEDIA_ROOT is served to anyone who knows the path (by runserver with DEBUG on, by
the compose stack's proxy in production). Files that only the application may read, such as the
spreadsheets merchants upload for a bulk import, go to the "private" storage instead: a folder
outside MEDIA_ROOT that no URL reaches.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.functional import cached_property

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

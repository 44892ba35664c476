"""Personal data at rest: encrypted model fields and the keyed hashes (blind indexes) that lookups go through.

Encryption: `django-fernet-encrypted-fields` fields with the keys of `settings.FIELD_ENCRYPTION_KEYS` (Fernet:
AES-128-CBC with an HMAC-SHA256 tag, a fresh IV per value, so equal values never look equal). The first key
encrypts, every key decrypts (`MultiFernet`); `manage.py rotate_field_keys` re-encrypts with the first. The library
itself derives its keys from SECRET_KEY; ours come from their own setting, so that SECRET_KEY can be rotated on its
own, and a value that no key opens is an error rather than ciphertext shown as if it were the value.

An encrypted column holds random-looking text: SQL can neither compare nor order it. Exact lookups therefore go
through blind indexes, HMAC-SHA256 of the normalised value under `settings.BLIND_INDEX_KEY` (a key of its own:
knowing the encryption keys does not let one test guesses against the indexes, and the other way round). Fuzzy
name search goes through `trigram_hashes`: each trigram of the folded name, HMAC'd and cut to 32 bits.
"""

import hashlib
import hmac
import re
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from encrypted_fields import fields as encrypted

from horgos.search import fold

KEYS_MISSING = "FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEY must both be set."
UNREADABLE = "An encrypted value opens with none of FIELD_ENCRYPTION_KEYS: a key that encrypted it is missing."


def require_keys() -> None:
    """Raise ImproperlyConfigured unless FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEY are both set: the web process
    (horgos.wsgi), the Celery workers and the system checks call it, so nothing that reads personal data starts
    without them."""
    if not [key for key in settings.FIELD_ENCRYPTION_KEYS if key.strip()] or not settings.BLIND_INDEX_KEY:
        raise ImproperlyConfigured(KEYS_MISSING)


@lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured(KEYS_MISSING)
    return MultiFernet([Fernet(key.encode()) for key in keys])


def field_fernet() -> MultiFernet:
    """The keys of FIELD_ENCRYPTION_KEYS, read each time (tests and rotation change them), built once per list."""
    return _fernet(tuple(key.strip() for key in settings.FIELD_ENCRYPTION_KEYS if key.strip()))


def encrypt_text(text: str) -> str:
    """A Fernet token of `text` under the first key, as the encrypted columns store it."""
    return field_fernet().encrypt(text.encode()).decode()


def decrypt_text(token: str) -> str:
    try:
        return field_fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(UNREADABLE) from None


class KeyedFernetMixin(encrypted.EncryptedFieldMixin):
    """The library's field with our keys; the empty string is encrypted too (the library would store NULL), and
    SQL lookups other than `isnull` are refused: a comparison with a fresh ciphertext would silently match nothing.
    """

    @property
    def f(self) -> MultiFernet:
        return field_fernet()

    def get_prep_value(self, value):
        if value is None:
            return None
        value = super(encrypted.EncryptedFieldMixin, self).get_prep_value(value)
        return None if value is None else encrypt_text(str(value))

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return super(encrypted.EncryptedFieldMixin, self).to_python(decrypt_text(value))

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)


class EncryptedCharField(KeyedFernetMixin, models.CharField):
    """Text encrypted at rest; max_length is checked on the plain text, the column is `text`."""


class EncryptedDateField(KeyedFernetMixin, models.DateField):
    """A date encrypted at rest (its ISO form)."""


# --- Blind indexes ---------------------------------------------------------------------------------------


def _blind_key(key: str | None) -> bytes:
    key = settings.BLIND_INDEX_KEY if key is None else key
    if not key:
        raise ImproperlyConfigured(KEYS_MISSING)
    return key.encode()


def blind_index(purpose: str, value: str, *, key: str | None = None) -> str:
    """HMAC-SHA256 (hex) of `value` under BLIND_INDEX_KEY, separated by `purpose` so that equal text of different
    meaning (a number, a name) never shares a hash. Empty values index to the empty string."""
    if not value:
        return ""
    message = f"{purpose}\x1f{value}".encode()
    return hmac.new(_blind_key(key), message, hashlib.sha256).hexdigest()


WORD = re.compile(r"\w+")


def normalise_name(name: str) -> str:
    """Names compare folded (ё→е, қ→к…), in capitals, with single spaces: 'нұрланов ' is 'НУРЛАНОВ'."""
    return " ".join(fold(name).upper().split())


def trigrams(text: str) -> set[str]:
    """The trigrams of `text` as pg_trgm makes them: per word, lower case, two spaces before and one after."""
    grams = set()
    for word in WORD.findall(fold(text).lower()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def trigram_hashes(text: str, *, key: str | None = None) -> list[int]:
    """Each trigram of `text` HMAC'd and cut to a signed 32-bit integer, sorted. The cut makes unrelated trigrams
    share a hash now and then (a few spurious candidates, which the exact comparison on decrypted names drops) and
    keeps the array small."""
    secret = _blind_key(key)
    return sorted({_trigram_hash(secret, gram) for gram in trigrams(text)})


@lru_cache(maxsize=65536)
def _trigram_hash(secret: bytes, gram: str) -> int:
    # Cached: names share most of their trigrams, and the generator hashes hundreds of thousands of names.
    return int.from_bytes(hmac.new(secret, b"trigram\x1f" + gram.encode(), hashlib.sha256).digest()[:4], signed=True)

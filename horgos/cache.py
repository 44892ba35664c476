"""The cache in Redis, failing open: Redis out of reach is a cache miss and a warning, never an error.

The cache only spares work or counts requests (the anonymous API throttle); nothing in it is the only
copy of anything. So when Redis cannot be reached, a read misses and returns the caller's default, a
write is skipped, and the request goes on: the public catalogue stays up, unthrottled until Redis is
back. Each skipped call is logged as a warning. Short socket timeouts (settings.CACHES) keep a Redis
that does not answer from holding requests up. incr/decr still raise: a caller counting on an exact
count must decide itself what an outage means.
"""

import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class FailOpenRedisCache(RedisCache):
    """Django's Redis cache; every call that Redis fails behaves as a miss or as a write not done."""

    def _unavailable(self, operation: str, error: RedisError) -> None:
        logger.warning("Redis cache unavailable, %s skipped (failing open): %s", operation, error)

    # --- reads: a miss -------------------------------------------------------------------------

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as error:
            self._unavailable("get", error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except RedisError as error:
            self._unavailable("get_many", error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except RedisError as error:
            self._unavailable("has_key", error)
            return False

    # --- writes: not done, as each method reports it ---------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except RedisError as error:
            self._unavailable("add", error)
            return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except RedisError as error:
            self._unavailable("set", error)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except RedisError as error:
            self._unavailable("set_many", error)
            return list(data)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except RedisError as error:
            self._unavailable("touch", error)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except RedisError as error:
            self._unavailable("delete", error)
            return False

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except RedisError as error:
            self._unavailable("delete_many", error)

    def clear(self):
        try:
            return super().clear()
        except RedisError as error:
            self._unavailable("clear", error)
            return False

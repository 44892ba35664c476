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
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class ReusedRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client, keeping one redis-py client per connection pool. Django makes a new one for
    every cache call, and redis-py's constructor fills a table of some 170 reply handlers each time: a third of a
    millisecond of CPU per call, several calls per request (throttle, reference data version, idempotency). A
    redis-py client is safe to share between threads: it takes a connection from the pool for each command."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None or client.connection_pool is not pool:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FailOpenRedisCache(RedisCache):
    """Django's Redis cache; every call that Redis fails behaves as a miss or as a write not done."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedRedisCacheClient

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

"""The Redis cache keeps one redis-py client per connection pool, shared by every call and thread."""

import threading

from django.core.cache import cache


def test_every_call_uses_the_same_client_of_the_same_pool():
    # Given the cache's client for reads and for writes (one server: one pool)
    first = cache._cache.get_client("a")
    # Then each later call gets that client back, on the same pool
    assert cache._cache.get_client("b", write=True) is first
    assert first.connection_pool is cache._cache._get_connection_pool(write=False)


def test_threads_sharing_the_client_each_read_their_own_values():
    # Given 8 threads each writing and reading back keys of their own through the one client
    errors = []

    def work(number: int) -> None:
        for round_number in range(50):
            key = f"thread-{number}-{round_number}"
            cache.set(key, (number, round_number), 30)
            if cache.get(key) != (number, round_number):
                errors.append(key)

    threads = [threading.Thread(target=work, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then every read found what its own thread wrote
    assert errors == []

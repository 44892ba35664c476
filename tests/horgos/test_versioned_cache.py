"""Figures kept in the shared cache under versions: read again while the versions stand, computed afresh once one of
them is renamed, and computed each time when Redis is out of reach."""

import itertools

from horgos.versioned_cache import kept_under_versions, version_rename


class Counter:
    """A computation that returns how many times it has run."""

    def __init__(self):
        self.runs = itertools.count(1)

    def __call__(self) -> int:
        return next(self.runs)


def keep(compute: Counter) -> int:
    return kept_under_versions(["test:figures", "test:names"], "test:kept", compute, seconds=60)


def test_a_figure_is_computed_once_until_one_of_its_versions_is_renamed():
    compute = Counter()
    # Given a figure computed and kept
    assert keep(compute) == 1
    # Then later readers get it from the cache
    assert keep(compute) == keep(compute) == 1
    # When either version it is kept under is renamed, it is computed afresh, once
    version_rename("test:figures")
    assert keep(compute) == keep(compute) == 2
    version_rename("test:names")
    assert keep(compute) == 3
    # And a version nothing is kept under changes nothing
    version_rename("test:elsewhere")
    assert keep(compute) == 3


def test_with_redis_out_of_reach_every_reader_computes_the_figure(redis_down):
    compute = Counter()
    assert [keep(compute) for _ in range(3)] == [1, 2, 3]

"""Weighted random draws from cumulative weights."""

import random
from bisect import bisect_right


def draw_cumulative(rng: random.Random, items: list, cumulative_weights: list[float]):
    return items[bisect_right(cumulative_weights, rng.random() * cumulative_weights[-1])]

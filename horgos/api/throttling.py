"""Throttles by scope for the actions of a viewset that reach personal data."""

from rest_framework.throttling import ScopedRateThrottle


class ScopedThrottles:
    """A viewset mixin: the actions named in `throttle_scopes` are throttled by ScopedRateThrottle with that scope
    (rates in settings `DEFAULT_THROTTLE_RATES`, counted per user), on top of the project's default throttles. Too
    many requests are answered 429 with `Retry-After` (horgos.api.exceptions keeps DRF's header)."""

    throttle_scopes: dict[str, str] = {}

    @property
    def throttle_scope(self) -> str | None:
        return self.throttle_scopes.get(self.action)

    def get_throttles(self):
        throttles = super().get_throttles()
        return [*throttles, ScopedRateThrottle()] if self.throttle_scope else throttles

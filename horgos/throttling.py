"""Rate limits counted per client address in Redis (the cache), for the API and for pages alike, answering 429
with Retry-After. DRF's throttle does the counting; `throttle_posts` puts it in front of a page's form."""

import math
from collections.abc import Callable
from functools import wraps

from django.utils.translation import gettext_lazy as _
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from horgos.lockout import client_address
from horgos.pages import too_many_requests

TOO_MANY_SUBMISSIONS = _(
    "Too many forms were sent from your address in a short time. Please wait %(minutes)s minutes and try again."
)


class ClientAddressRateThrottle(SimpleRateThrottle):
    """Counts requests per client address, signed in or not, at the rate DEFAULT_THROTTLE_RATES gives `scope`."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}


class TokenEndpointThrottle(ClientAddressRateThrottle):
    scope = "auth_token"


def throttle_posts(scope: str) -> Callable:
    """Page decorator: POSTs from one client address beyond the `scope` rate get a 429 page with Retry-After
    (a GET, which only shows the form, is not counted)."""

    page_throttle = type("PageThrottle", (ClientAddressRateThrottle,), {"scope": scope})

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST":
                throttle = page_throttle()
                if not throttle.allow_request(request, None):
                    seconds = math.ceil(throttle.wait() or 1)
                    message = TOO_MANY_SUBMISSIONS % {"minutes": math.ceil(seconds / 60)}
                    return too_many_requests(request, message=message, retry_after=seconds)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator

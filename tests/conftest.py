import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client, override_settings
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from tests.factories import AdministratorFactory, MerchantUserFactory, OfficerFactory

# Property-based tests (hypothesis, schemathesis) draw the same examples on every run, so that `make test` passes or
# fails alike each time and on every machine; no example database is written; the database makes timing vary too
# much for a per-example deadline.
hypothesis_settings.register_profile("horgos", derandomize=True, database=None, deadline=None, print_blob=True)
hypothesis_settings.load_profile("horgos")


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: counts cached by one test never show in the next."""
    cache.clear()


# Nothing listens on port 1: every connection is refused at once.
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_down():
    """The shared cache (Redis) refusing every connection."""
    default = settings.CACHES["default"]
    options = {**default.get("OPTIONS", {}), "socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    with override_settings(CACHES={"default": {**default, "LOCATION": UNREACHABLE_REDIS, "OPTIONS": options}}):
        yield


@pytest.fixture
def officer(db):
    return OfficerFactory()


@pytest.fixture
def merchant_user(db):
    return MerchantUserFactory()


@pytest.fixture
def administrator(db):
    return AdministratorFactory()


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def api_client_for():
    """An API client signed in as the given user (token authentication, as programs use it)."""

    from horgos.services import api_token_issue_personal

    # One token per user, as a program keeps one: a second client for the same user must not revoke the first's.
    secrets: dict[int, str] = {}

    def make(user):
        if user.pk not in secrets:
            secrets[user.pk] = api_token_issue_personal(user=user, acting_user=user).secret
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {secrets[user.pk]}")
        return client

    return make


@pytest.fixture
def signed_in():
    """A page test client signed in as the given user (None: anonymous): `signed_in(user).get(url)`."""

    def sign_in(user):
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return sign_in


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A page request in another language leaves that language active in the thread (LocaleMiddleware activates it
    and nothing deactivates it); the next test starts in the default language again."""
    yield
    from django.utils import translation

    translation.deactivate()

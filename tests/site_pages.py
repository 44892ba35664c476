"""Every page of the site, for each role, found from the URL conf: the tests that walk all pages (the translations
check in tests/horgos/test_page_languages.py, the browser walk in tests/browser/test_every_page.py) read them here.

A pattern without parameters is a page when a GET as the role answers 200 with an HTML document (not an htmx
fragment, not a download). A pattern with parameters needs a sample (`SAMPLES`: its URL arguments from the site's
data); one whose GET answers 405 is a button's address (POST only) and is left out by itself; downloads and
fragments are named in `NOT_PAGES`. Any other pattern with parameters makes `discover_pages` fail with its name, so
that a new page is walked from the day it is added.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

ROLES = ("anonymous", "officer", "administrator", "merchant")
LANGUAGES = ("en", "zh-hans", "kk", "ru")
# Not pages of the product: Django's admin, the API and its documents, the language switch, probes.
SKIPPED_PREFIXES = ("admin/", "api/", "i18n/", "healthz", "media/", "static/")
# Addresses with parameters that answer something other than a page: files and htmx fragments.
NOT_PAGES = {
    "crossings:report-download",
    "merchants:listing-import-failing-rows",
    "merchants:listing-import-progress",
    "trade:shipment-declaration",
}
# A value for each kind of parameter, to ask an unknown address whether it only takes POSTs.
PROBE_VALUES = {"int": 999999, "str": "X"}


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    route: str  # the pattern as written, e.g. "crossings/travellers/<int:pk>/"
    parameters: dict[str, str]  # name → converter ("int", "str", ...)
    view: Callable | None = field(default=None, compare=False, repr=False)  # what the pattern calls


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            converters = {name: type(converter).__name__ for name, converter in pattern.pattern.converters.items()}
            parameters = {name: kind.removesuffix("Converter").lower() for name, kind in converters.items()}
            # A regular expression's named groups (the API's router) are parameters too, taken as strings.
            parameters |= {name: "str" for name in pattern.pattern.regex.groupindex if name not in parameters}
            yield Route(f"{namespace}{pattern.name}", prefix + str(pattern.pattern), parameters, pattern.callback)


def all_routes() -> list[Route]:
    """Every named URL pattern of the site, each once (the first of a name: the API router's `.json` suffix
    variants share their pattern's name): pages, the API, Django's admin, the language switch, probes."""
    seen: dict[str, Route] = {}
    for route in _walk(get_resolver().url_patterns):
        seen.setdefault(route.name, route)
    return list(seen.values())


def routes() -> list[Route]:
    """Every named URL pattern of the site but those under SKIPPED_PREFIXES, each once."""
    return [route for route in all_routes() if not route.route.startswith(SKIPPED_PREFIXES)]


def site_data() -> SimpleNamespace:
    """The demo data `make run` loads (a smaller crossing history), and a user of each role on it."""
    from crossings.models import Checkpoint, Closure, Lane, OfficerAssignment, Traveller, WatchlistEntry
    from horgos.services import api_token_issue_machine
    from merchants.models import Listing, ListingImport, Merchant, MerchantMember, Shop
    from tests.factories import TEST_PASSWORD, AdministratorFactory, OfficerFactory
    from trade.models import Sale, Shipment

    quiet = io.StringIO()
    call_command("load_demo_users", stdout=quiet)
    call_command("crossings_load_reference", verbosity=0)
    call_command("crossings_generate", "--travellers", "60", "--days", "10", "--seed", "7", stdout=quiet)
    call_command("merchants_demo", stdout=quiet)
    call_command("trade_load_reference", stdout=quiet)
    call_command("trade_demo", stdout=quiet)
    officer = OfficerFactory(username="walk.officer")
    OfficerAssignment.objects.create(officer=officer, checkpoint=Checkpoint.objects.get(code="CN"))
    owner = MerchantMember.objects.filter(role="owner").order_by("merchant_id").first()
    owner.user.set_password(TEST_PASSWORD)
    owner.user.save()
    merchant = owner.merchant
    traveller = Traveller.objects.order_by("id").first()
    administrator = AdministratorFactory(username="walk.admin")
    machine_token = api_token_issue_machine(user=officer, name="CN e-gate 1", acting_user=administrator).token
    return SimpleNamespace(
        users={
            "anonymous": None,
            "officer": officer,
            "administrator": administrator,
            "merchant": owner.user,
        },
        machine_token=machine_token,
        traveller=traveller,
        watchlist_entry=WatchlistEntry.objects.order_by("id").first(),
        merchant=merchant,
        # One waiting for review: its state's label is the longest (Russian "Отправлен на проверку").
        listing=Listing.objects.filter(shop__merchant=merchant).order_by("-state", "id").first(),
        catalogue_listing=Listing.objects.in_catalogue().order_by("id").first(),
        catalogue_shop=Shop.objects.in_catalogue().order_by("unit_code").first(),
        approved_merchant=Merchant.objects.approved().order_by("id").first(),
        listing_import=ListingImport.objects.filter(merchant=merchant).order_by("id").first(),
        sale=Sale.objects.filter(shop__merchant=merchant).order_by("id").first(),
        shipment=Shipment.objects.filter(merchant=merchant).order_by("id").first(),
        year=timezone.localdate().year,
        open_lane=Lane.objects.filter(is_open=True).order_by("id").first(),
        closure=Closure.objects.order_by("id").first(),
        merchants_by_state={
            state: Merchant.objects.filter(state=state).order_by("id").first()
            for state in ("pending", "approved", "suspended")
        },
        submitted_listing=Listing.objects.filter(state="submitted").order_by("id").first(),
    )


# The URL arguments of each page with parameters, from `site_data()`; None (no such row in the data) skips it.
SAMPLES: dict[str, Callable[[SimpleNamespace], dict | None]] = {
    "crossings:traveller": lambda data: {"pk": data.traveller.pk},
    "crossings:report": lambda data: {"year": data.year},
    "crossings:operations-watchlist-entry": lambda data: data.watchlist_entry and {"pk": data.watchlist_entry.pk},
    "merchants:catalogue-listing": lambda data: {"pk": data.catalogue_listing.pk},
    "merchants:catalogue-shop": lambda data: {"unit_code": data.catalogue_shop.unit_code},
    "merchants:catalogue-merchant": lambda data: {"pk": data.approved_merchant.pk},
    "merchants:portal-listing-edit": lambda data: {"pk": data.listing.pk},
    "merchants:listing-import-detail": lambda data: data.listing_import and {"pk": data.listing_import.pk},
    "merchants:registry-merchant": lambda data: {"pk": data.merchant.pk},
    "trade:sale": lambda data: data.sale and {"pk": data.sale.pk},
    "trade:shipment": lambda data: data.shipment and {"pk": data.shipment.pk},
    "crossings:operations-lane-close": lambda data: data.open_lane and {"pk": data.open_lane.pk},
    "crossings:operations-closure-remove": lambda data: data.closure and {"pk": data.closure.pk},
    "merchants:registry-merchant-approve": lambda data: _merchant_in(data, "pending"),
    "merchants:registry-merchant-reject": lambda data: _merchant_in(data, "pending"),
    "merchants:registry-merchant-suspend": lambda data: _merchant_in(data, "approved"),
    "merchants:registry-merchant-reinstate": lambda data: _merchant_in(data, "suspended"),
    "access-machine-token-revoke": lambda data: {"pk": data.machine_token.pk},
    "merchants:registry-listing": lambda data: data.submitted_listing and {"pk": data.submitted_listing.pk},
}


def _merchant_in(data: SimpleNamespace, state: str) -> dict | None:
    """A merchant whose state allows the move (its confirmation page), if the data has one."""
    merchant = data.merchants_by_state[state]
    return merchant and {"pk": merchant.pk}


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def is_page(response) -> bool:
    """A whole HTML page (not a fragment, a download or a redirect)."""
    return (
        response.status_code == 200
        and response.get("Content-Type", "").startswith("text/html")
        and b"<html" in response.content[:2000]
    )


def _only_takes_posts(route: Route, clients: dict[str, Client]) -> bool:
    probe = reverse(route.name, kwargs={name: PROBE_VALUES.get(kind, "X") for name, kind in route.parameters.items()})
    return any(client.get(probe).status_code == 405 for client in clients.values())


def discover_pages(data: SimpleNamespace) -> dict[str, dict[str, str]]:
    """The pages each role can open: their paths, each with its English HTML; fails on a pattern with parameters it
    cannot fill."""
    clients = {role: client_for(user) for role, user in data.users.items()}
    for client in clients.values():
        client.cookies["django_language"] = "en"
    paths: list[str] = []
    unknown: list[str] = []
    for route in routes():
        if route.name in NOT_PAGES:
            continue
        if not route.parameters:
            paths.append(reverse(route.name))
        elif route.name in SAMPLES:
            kwargs = SAMPLES[route.name](data)
            if kwargs:
                paths.append(reverse(route.name, kwargs=kwargs))
        elif not _only_takes_posts(route, clients):
            unknown.append(f"{route.name} ({route.route})")
    assert not unknown, f"add a sample (tests/site_pages.py SAMPLES) or list in NOT_PAGES: {unknown}"
    pages: dict[str, dict[str, str]] = {}
    for role, client in clients.items():
        responses = ((path, client.get(path)) for path in paths)
        pages[role] = {path: response.content.decode() for path, response in responses if is_page(response)}
    return pages

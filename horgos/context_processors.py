from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from horgos.choices import Role


@dataclass
class NavLink:
    """One page in the navigation."""

    url: str
    label: str | Promise


@dataclass
class NavGroup:
    """Pages of one task under one menu (a <details> in base.html); `current` when one of them is the page shown."""

    label: str | Promise
    links: list[NavLink] = field(default_factory=list)
    current: bool = False


def _link(url_name: str, label: str | Promise) -> NavLink:
    return NavLink(reverse(url_name), label)


def _navigation_items(user) -> list[NavLink | NavGroup]:
    """The navigation of `user`'s role: a few pages on their own, the others grouped by task."""
    catalogue = _link("merchants:catalogue", _("Catalogue"))
    api = _link("api-docs", _("API"))
    if user is None or not user.is_authenticated:
        return [_link("landing", _("About the zone")), _link("crossings:traffic", _("Traffic")), catalogue, api]
    traffic = NavGroup(
        pgettext_lazy("navigation menu", "Traffic"),
        [
            _link("crossings:traveller-search", _("Find a traveller")),
            _link("crossings:today", _("Today")),
            _link("crossings:inside", _("Inside the zone")),
            _link("crossings:overstays", _("Overstays")),
            _link("crossings:charts", _("Charts")),
            _link("crossings:statistics", _("Statistics")),
            _link("crossings:reports", _("Reports")),
        ],
    )
    account = _link("account", _("Account"))
    if user.role == Role.OFFICER:
        alerts = _link("crossings:operations-alerts", _("Alerts"))
        return [_link("crossings:desk", _("Lane desk")), traffic, alerts, catalogue, api, account]
    if user.role == Role.ADMINISTRATOR:
        return [
            _link("home", _("Home")),
            traffic,
            NavGroup(
                pgettext_lazy("navigation menu", "Checkpoints"),
                [
                    _link("crossings:operations", _("Operations")),
                    _link("crossings:desk", _("Lane desk")),
                    _link("crossings:operations-lanes", _("Lanes")),
                    _link("crossings:operations-hours", _("Opening hours and closures")),
                    _link("crossings:operations-watchlist", _("Watchlist")),
                    _link("crossings:operations-alerts", _("Alerts")),
                    _link("crossings:operations-users", _("Officers and users")),
                ],
            ),
            NavGroup(
                pgettext_lazy("navigation menu", "Registry"),
                [
                    _link("merchants:registry-applications", _("Merchants")),
                    _link("merchants:registry-moderation", _("Moderation")),
                    _link("merchants:registry-shops", _("Shops")),
                ],
            ),
            NavGroup(
                pgettext_lazy("navigation menu", "Trade"),
                [
                    _link("trade:sales", _("Sales")),
                    _link("trade:rates", _("Exchange rates")),
                    _link("trade:policies", _("Allowances")),
                    _link("trade:flags", _("Shuttle traders")),
                    _link("trade:statistics", _("Trade statistics")),
                    _link("trade:all-shipments", _("Shipments")),
                ],
            ),
            NavGroup(
                pgettext_lazy("navigation menu", "System"),
                [
                    _link("admin:horgos_auditentry_changelist", _("Audit log")),
                    _link("access-lockouts", _("Sign-in lockouts")),
                    _link("access-machine-tokens", _("Machine tokens")),
                    _link("admin:index", _("Administration")),
                    api,
                ],
            ),
            catalogue,
            account,
        ]
    return [
        _link("merchants:portal", _("My merchant")),
        _link("merchants:portal-shops", _("Shops")),
        _link("merchants:portal-listings", _("Listings")),
        _link("merchants:portal-members", _("Staff")),
        _link("merchants:portal-notifications", _("Notifications")),
        NavGroup(
            pgettext_lazy("navigation menu", "Trade"),
            [
                _link("trade:sale-new", _("New sale")),
                _link("trade:sales", _("Sales")),
                _link("trade:shipments", _("Shipments")),
            ],
        ),
        catalogue,
        api,
        account,
    ]


def navigation(request):
    """The navigation of the signed-in user's role, for base.html.

    `nav_items` holds links and NavGroups (a menu each); `nav_links` is every link of them, flat. The apps' pages
    are reversed by URL name, so this package imports none of the apps.
    """
    items = _navigation_items(getattr(request, "user", None))
    links: list[NavLink] = []
    for item in items:
        if isinstance(item, NavGroup):
            item.current = any(link.url == request.path for link in item.links)
            links.extend(item.links)
        else:
            links.append(item)
    return {"nav_items": items, "nav_links": [(link.url, link.label) for link in links]}

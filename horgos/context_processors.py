from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from horgos.choices import Role


def navigation(request):
    """The navigation links of the signed-in user's role, for base.html.

    The apps' pages are reversed by URL name, so this package imports none of the apps.
    """
    user = getattr(request, "user", None)
    catalogue = (reverse("merchants:catalogue"), _("Catalogue"))
    if user is None or not user.is_authenticated:
        traffic = (reverse("crossings:traffic"), _("Traffic"))
        return {
            "nav_links": [
                (reverse("landing"), _("About the zone")),
                traffic,
                catalogue,
                (reverse("api-docs"), _("API")),
            ]
        }
    zone_pages = [
        (reverse("crossings:inside"), _("Inside the zone")),
        (reverse("crossings:overstays"), _("Overstays")),
        (reverse("crossings:today"), _("Today")),
        (reverse("crossings:charts"), _("Charts")),
        (reverse("crossings:statistics"), _("Statistics")),
        (reverse("crossings:reports"), _("Reports")),
    ]
    if user.role == Role.OFFICER:
        links = [(reverse("crossings:desk"), _("Lane desk")), *zone_pages]
    elif user.role == Role.ADMINISTRATOR:
        links = [
            (reverse("home"), _("Home")),
            (reverse("crossings:desk"), _("Lane desk")),
            *zone_pages,
            (reverse("crossings:operations"), _("Operations")),
            (reverse("merchants:registry-applications"), _("Merchants")),
            (reverse("merchants:registry-moderation"), _("Moderation")),
            (reverse("merchants:registry-shops"), _("Shops")),
            (reverse("trade:sales"), _("Sales")),
            (reverse("trade:rates"), _("Exchange rates")),
            (reverse("trade:policies"), _("Allowances")),
            (reverse("trade:flags"), _("Shuttle traders")),
            (reverse("trade:statistics"), _("Trade statistics")),
            (reverse("trade:all-shipments"), _("Shipments")),
            (reverse("admin:horgos_auditentry_changelist"), _("Audit log")),
            (reverse("admin:index"), _("Administration")),
        ]
    else:
        links = [
            (reverse("merchants:portal"), _("My merchant")),
            (reverse("merchants:portal-shops"), _("Shops")),
            (reverse("merchants:portal-listings"), _("Listings")),
            (reverse("merchants:portal-members"), _("Staff")),
            (reverse("merchants:portal-notifications"), _("Notifications")),
            (reverse("trade:sale-new"), _("New sale")),
            (reverse("trade:sales"), _("Sales")),
            (reverse("trade:shipments"), _("Shipments")),
        ]
    links += [catalogue, (reverse("api-docs"), _("API")), (reverse("account"), _("Account"))]
    return {"nav_links": links}

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from horgos.choices import Role


def navigation(request):
    """The navigation links of the signed-in user's role, for base.html."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": [(reverse("landing"), _("About the zone")), (reverse("api-docs"), _("API"))]}
    # URL names of the apps' pages, reversed by name so this package imports none of the apps.
    zone_pages = [
        (reverse("crossings:inside"), _("Inside the zone")),
        (reverse("crossings:overstays"), _("Overstays")),
        (reverse("crossings:today"), _("Today")),
        (reverse("crossings:charts"), _("Charts")),
    ]
    if user.role == Role.OFFICER:
        links = [(reverse("crossings:desk"), _("Lane desk")), *zone_pages]
    elif user.role == Role.ADMINISTRATOR:
        links = [
            (reverse("home"), _("Home")),
            (reverse("crossings:desk"), _("Lane desk")),
            *zone_pages,
            (reverse("crossings:operations"), _("Operations")),
            (reverse("admin:horgos_auditentry_changelist"), _("Audit log")),
            (reverse("admin:index"), _("Administration")),
        ]
    else:
        links = [(reverse("home"), _("Home"))]
    links += [(reverse("api-docs"), _("API")), (reverse("account"), _("Account"))]
    return {"nav_links": links}

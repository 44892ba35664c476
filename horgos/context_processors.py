from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from horgos.choices import Role


def navigation(request):
    """The navigation links of the signed-in user's role, for base.html."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": [(reverse("landing"), _("About the zone")), (reverse("api-docs"), _("API"))]}
    links = [(reverse("home"), _("Home"))]
    if user.role == Role.ADMINISTRATOR:
        links += [
            (reverse("admin:horgos_user_changelist"), _("Users")),
            (reverse("admin:horgos_auditentry_changelist"), _("Audit log")),
            (reverse("admin:index"), _("Administration")),
        ]
    links += [(reverse("api-docs"), _("API")), (reverse("password_change"), _("Password"))]
    return {"nav_links": links}

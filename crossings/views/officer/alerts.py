"""Alert review: the watchlist alerts a user sees (an officer their checkpoint's, an administrator every one), open
ones first, filtered by state (and checkpoint, for administrators); each open one acknowledged from its row."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from crossings.forms import AlertFilterForm
from crossings.models import Alert
from crossings.selectors import operations as operations_selectors
from crossings.services.watchlist import alert_acknowledge
from horgos.choices import Role
from horgos.pages import paginate, redirect_back, show_error
from horgos.roles import role_required

staff_page = role_required(Role.OFFICER, Role.ADMINISTRATOR)


@staff_page
@require_GET
def alerts(request: HttpRequest) -> HttpResponse:
    """The alerts the user sees, open first, filtered by state and (administrators) checkpoint."""
    is_administrator = request.user.role == Role.ADMINISTRATOR
    filter_form = AlertFilterForm(request.GET, choose_checkpoint=is_administrator)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    rows = operations_selectors.alerts_for_review(
        user=request.user, state=filters.get("state", ""), checkpoint=filters.get("checkpoint")
    )
    context = {
        "filter_form": filter_form,
        "page": paginate(request, rows),
        "open_count": operations_selectors.open_alert_count(user=request.user),
        "is_administrator": is_administrator,
    }
    return render(request, "crossings/operations/alerts.html", context)


@staff_page
@require_POST
def alert_acknowledge_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Acknowledge one alert; another checkpoint's is not found (404), as on the list, which shows it to nobody
    but its checkpoint's officers and administrators."""
    alert = get_object_or_404(Alert.objects.visible_to(request.user), pk=pk)
    try:
        alert_acknowledge(alert=alert, acting_user=request.user)
    except ValidationError as error:
        show_error(request, error)
    else:
        messages.success(request, _("Alert acknowledged."))
    return redirect_back(request, "crossings:operations-alerts")

"""Alert review: every watchlist alert, open ones first, filtered by state and checkpoint."""

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

administrators_only = role_required(Role.ADMINISTRATOR)


@administrators_only
@require_GET
def alerts(request: HttpRequest) -> HttpResponse:
    """Every watchlist alert, open first, filtered by state and checkpoint."""
    filter_form = AlertFilterForm(request.GET)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    rows = operations_selectors.alerts_for_review(state=filters.get("state", ""), checkpoint=filters.get("checkpoint"))
    context = {
        "filter_form": filter_form,
        "page": paginate(request, rows),
        "open_count": operations_selectors.open_alert_count(),
    }
    return render(request, "crossings/operations/alerts.html", context)


@administrators_only
@require_POST
def alert_acknowledge_view(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_object_or_404(Alert, pk=pk)
    try:
        alert_acknowledge(alert=alert, acting_user=request.user)
    except ValidationError as error:
        show_error(request, error)
    else:
        messages.success(request, _("Alert acknowledged."))
    return redirect_back(request, "crossings:operations-alerts")

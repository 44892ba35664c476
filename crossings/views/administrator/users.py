"""Users: every user filtered by role and status, a form to create a border officer at a checkpoint, moving an
officer to another checkpoint, and deactivating or reactivating an account."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from crossings.forms import OfficerCheckpointForm, OfficerCreateForm, UserFilterForm
from crossings.selectors import operations as operations_selectors
from crossings.services.reference import officer_assign, officer_create
from horgos.choices import Role
from horgos.forms import show_service_error
from horgos.models import User
from horgos.pages import paginate, posted, redirect_back, show_error
from horgos.roles import role_required
from horgos.services import user_deactivate, user_reactivate

administrators_only = role_required(Role.ADMINISTRATOR)


def _checkpoint_form(user: User) -> OfficerCheckpointForm | None:
    """An officer's row has a form to move them to another checkpoint; other users' rows have none."""
    if user.role != Role.OFFICER:
        return None
    assignment = getattr(user, "officer_assignment", None)
    initial = {"checkpoint": assignment.checkpoint.code} if assignment else None
    return OfficerCheckpointForm(prefix=f"user-{user.pk}", initial=initial)


@administrators_only
@require_http_methods(["GET", "POST"])
def users(request: HttpRequest) -> HttpResponse:
    """Every user, filtered by role and status; POST creates a border officer at a checkpoint."""
    create_form = OfficerCreateForm(posted(request), prefix="officer")
    if request.method == "POST" and create_form.is_valid():
        data = create_form.cleaned_data
        try:
            officer = officer_create(
                username=data["username"],
                password=data["password1"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                checkpoint=data["checkpoint"],
                acting_user=request.user,
            )
        except ValidationError as error:
            show_service_error(create_form, error, field_map={"password": "password1"})
        else:
            messages.success(
                request,
                _("Officer %(username)s created at %(checkpoint)s.")
                % {"username": officer.username, "checkpoint": data["checkpoint"].code},
            )
            return redirect("crossings:operations-users")
    filter_form = UserFilterForm(request.GET)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    page = paginate(
        request, operations_selectors.users_list(role=filters.get("role", ""), status=filters.get("active", ""))
    )
    rows = [{"user": user, "checkpoint_form": _checkpoint_form(user)} for user in page]
    context = {"filter_form": filter_form, "create_form": create_form, "page": page, "rows": rows}
    return render(request, "crossings/operations/users.html", context)


@administrators_only
@require_POST
def user_checkpoint(request: HttpRequest, pk: int) -> HttpResponse:
    """Move an officer to another checkpoint (their next crossing is recorded there)."""
    officer = get_object_or_404(User, pk=pk)
    form = OfficerCheckpointForm(request.POST, prefix=f"user-{officer.pk}")
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("checkpoint", [_("Choose a checkpoint.")])))
        return redirect_back(request, "crossings:operations-users")
    try:
        officer_assign(officer=officer, checkpoint=form.cleaned_data["checkpoint"], acting_user=request.user)
    except ValidationError as error:
        show_error(request, error)
    else:
        messages.success(
            request,
            _("%(username)s now works at %(checkpoint)s.")
            % {"username": officer.username, "checkpoint": form.cleaned_data["checkpoint"].code},
        )
    return redirect_back(request, "crossings:operations-users")


def _set_user_active(request: HttpRequest, pk: int, service, success: str) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    try:
        service(user=user, acting_user=request.user)
    except ValidationError as error:
        show_error(request, error)
    else:
        messages.success(request, success % {"username": user.username})
    return redirect_back(request, "crossings:operations-users")


@administrators_only
@require_POST
def user_deactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_user_active(request, pk, user_deactivate, _("%(username)s can no longer sign in."))


@administrators_only
@require_POST
def user_reactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_user_active(request, pk, user_reactivate, _("%(username)s can sign in again."))

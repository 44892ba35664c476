"""The merchant portal: a merchant's staff keep their profile, shops and staff up to date and read their
notifications (listings are in `listings`, bulk files in `imports`).

Every page and every POST is for merchant users (anonymous visitors go to the login page, other roles
get 403) who belong to a merchant; a merchant user without a membership is told so. Rows are always
fetched through `visible_to`, so another merchant's shop is a 404. Views parse the input, call one service
and render; a service's ValidationError is shown on the form (or as a message for a button), its
PermissionDenied is a 403.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from horgos.choices import Role
from horgos.forms import show_service_error
from horgos.pages import paged_table, paginate, posted, redirect_back, show_error
from horgos.roles import role_required
from merchants.forms import MemberInviteForm, MerchantProfileForm, ShopOpenForm
from merchants.models import MerchantMember
from merchants.pages import NO_MEMBERSHIP_TEMPLATE, merchant_staff_only, render_page
from merchants.selectors import membership_of, staff_of
from merchants.selectors import portal as selectors
from merchants.services.notifications import notification_mark_read
from merchants.services.registry import (
    member_invite,
    member_remove,
    merchant_update_profile,
    shop_close,
    shop_open,
    shop_reopen,
)
from merchants.tables import MemberTable, ShopTable

LATEST_NOTIFICATIONS = 5


def require_owner(membership: MerchantMember) -> None:
    """Owners only (the services check again): a clerk's POST is refused before any input is read."""
    if not membership.is_owner:
        raise PermissionDenied


def owners_columns(membership: MerchantMember) -> tuple[str, ...]:
    """The columns a clerk does not see in a table: its buttons, which are for owners."""
    return () if membership.is_owner else ("actions",)


def _owners_form(
    request: HttpRequest, membership: MerchantMember, form_class: type[forms.Form], **kwargs
) -> forms.Form | None:
    """The page's form, for owners only (a clerk sees the page without it and may not POST)."""
    if request.method == "POST":
        require_owner(membership)
    return form_class(posted(request), **kwargs) if membership.is_owner else None


# --- Home ----------------------------------------------------------------------------------------------


@role_required(Role.MERCHANT)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The merchant at a glance: state and reason, licence, shops and listings by state, latest notifications."""
    membership = membership_of(request.user)
    if membership is None:
        return render_page(request, NO_MEMBERSHIP_TEMPLATE)
    merchant = membership.merchant
    context = {
        "membership": membership,
        "merchant": merchant,
        "licence": selectors.licence_status(merchant),
        "shop_counts": selectors.own_shops(membership).counts_by_state(),
        "listing_counts": selectors.own_listings(membership).counts_by_state(),
        "notifications": selectors.notifications_of(merchant)[:LATEST_NOTIFICATIONS],
        "unread_count": selectors.unread_count(merchant),
    }
    return render_page(request, "merchants/merchant/home.html", context)


# --- Profile -------------------------------------------------------------------------------------------


@merchant_staff_only
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest, membership: MerchantMember) -> HttpResponse:
    """The merchant's registration and contact details; owners edit the contact details and the licence."""
    merchant = membership.merchant
    initial = {name: getattr(merchant, name) for name in MerchantProfileForm.base_fields}
    form = _owners_form(request, membership, MerchantProfileForm, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        if not changed:
            messages.info(request, _("Nothing changed."))
            return redirect("merchants:portal-profile")
        try:
            merchant_update_profile(merchant=merchant, acting_user=request.user, **changed)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("The profile is saved."))
            return redirect("merchants:portal-profile")
    context = {
        "membership": membership,
        "merchant": merchant,
        "form": form,
        "licence": selectors.licence_status(merchant),
    }
    return render_page(request, "merchants/merchant/profile.html", context)


# --- Shops ---------------------------------------------------------------------------------------------


@merchant_staff_only
@require_http_methods(["GET", "POST"])
def shops(request: HttpRequest, membership: MerchantMember) -> HttpResponse:
    """The merchant's shops with close/reopen buttons for owners; POST (owners) opens a shop."""
    form = _owners_form(request, membership, ShopOpenForm, prefix="shop")
    if request.method == "POST" and form.is_valid():
        try:
            shop = shop_open(merchant=membership.merchant, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("Shop %(shop)s opened.") % {"shop": shop})
            return redirect("merchants:portal-shops")
    table = ShopTable(
        selectors.own_shops_with_listing_counts(membership),
        caption=_("Shops"),
        exclude=owners_columns(membership),
    )
    context = {
        "membership": membership,
        "merchant": membership.merchant,
        "is_owner": membership.is_owner,
        "table": paged_table(request, table, paginate=False),
        "form": form,
    }
    return render_page(request, "merchants/merchant/shops.html", context)


def _shop_state(request: HttpRequest, membership: MerchantMember, pk: int, *, close: bool) -> HttpResponse:
    shop = get_object_or_404(selectors.own_shops(membership), pk=pk)
    require_owner(membership)
    try:
        shop = (shop_close if close else shop_reopen)(shop=shop, acting_user=request.user)
    except ValidationError as error:
        show_error(request, error)
    else:
        message = _("Shop %(shop)s is closed.") if close else _("Shop %(shop)s is open again.")
        messages.success(request, message % {"shop": shop})
    return redirect(reverse("merchants:portal-shops") + f"#shop-{shop.pk}")


@merchant_staff_only
@require_POST
def shop_close_view(request: HttpRequest, membership: MerchantMember, pk: int) -> HttpResponse:
    return _shop_state(request, membership, pk, close=True)


@merchant_staff_only
@require_POST
def shop_reopen_view(request: HttpRequest, membership: MerchantMember, pk: int) -> HttpResponse:
    return _shop_state(request, membership, pk, close=False)


# --- Members -------------------------------------------------------------------------------------------


@merchant_staff_only
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest, membership: MerchantMember) -> HttpResponse:
    """The merchant's staff; owners invite (POST) and remove members."""
    form = _owners_form(request, membership, MemberInviteForm, prefix="member")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = member_invite(
                merchant=membership.merchant,
                acting_user=request.user,
                username=data["username"],
                password=data["password1"],
                role=data["role"],
                email=data["email"],
            )
        except ValidationError as error:
            show_service_error(form, error, field_map={"password": "password1"})
        else:
            messages.success(
                request,
                _("%(username)s joined the staff as %(role)s.")
                % {"username": member.user.username, "role": member.get_role_display().lower()},
            )
            return redirect("merchants:portal-members")
    table = MemberTable(
        staff_of(membership.merchant, owners_first=True),
        user=request.user,
        caption=_("Staff"),
        exclude=owners_columns(membership),
    )
    context = {
        "membership": membership,
        "merchant": membership.merchant,
        "is_owner": membership.is_owner,
        "table": paged_table(request, table, paginate=False),
        "form": form,
    }
    return render_page(request, "merchants/merchant/members.html", context)


@merchant_staff_only
@require_POST
def member_remove_view(request: HttpRequest, membership: MerchantMember, pk: int) -> HttpResponse:
    member = get_object_or_404(staff_of(membership.merchant), pk=pk)
    require_owner(membership)
    try:
        member_remove(member=member, acting_user=request.user)
    except ValidationError as error:
        show_error(request, error)
    else:
        messages.success(
            request,
            _("%(username)s is no longer on the staff and can no longer sign in.") % {"username": member.user.username},
        )
    return redirect("merchants:portal-members")


# --- Notifications -------------------------------------------------------------------------------------


@merchant_staff_only
@require_GET
def notifications(request: HttpRequest, membership: MerchantMember) -> HttpResponse:
    """Every notification of the merchant, newest first."""
    context = {
        "membership": membership,
        "merchant": membership.merchant,
        "page": paginate(request, selectors.notifications_of(membership.merchant)),
        "unread_count": selectors.unread_count(membership.merchant),
    }
    return render_page(request, "merchants/merchant/notifications.html", context)


@merchant_staff_only
@require_POST
def notifications_read(request: HttpRequest, membership: MerchantMember) -> HttpResponse:
    marked = notification_mark_read(merchant=membership.merchant, acting_user=request.user)
    if marked:
        messages.success(
            request,
            ngettext("%(count)d notification marked as read.", "%(count)d notifications marked as read.", marked)
            % {"count": marked},
        )
    else:
        messages.info(request, _("There were no unread notifications."))
    return redirect_back(request, "merchants:portal-notifications")

"""The merchant portal: a merchant's staff keep their profile, shops, listings and staff up to date.

Every page and every POST is for merchant users (anonymous visitors go to the login page, other roles
get 403) who belong to a merchant; a merchant user without a membership is told so. Rows are always
fetched through the selectors' scoped querysets, so another merchant's shop or listing is a 404.
Views parse the input, call one service and render; a service's ValidationError is shown on the form
(or as a message for a button), its PermissionDenied is a 403. The reads only these pages need sit
under "Reads".
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from horgos.choices import Role
from horgos.forms import show_service_error
from horgos.pages import paginate, posted, redirect_back, show_error
from horgos.roles import role_required
from merchants.choices import ListingState, MemberRole, ShopState
from merchants.forms import (
    ListingFilterForm,
    ListingForm,
    MemberInviteForm,
    MerchantProfileForm,
    ShopOpenForm,
)
from merchants.models import Listing, MerchantMember, Shop
from merchants.selectors import listings_visible_to, membership_of, notifications_of, shops_visible_to
from merchants.services.listings import listing_create, listing_delete, listing_submit, listing_update
from merchants.services.notifications import notification_mark_read
from merchants.services.registry import (
    member_invite,
    member_remove,
    merchant_update_profile,
    shop_close,
    shop_open,
    shop_reopen,
)

merchant_users_only = role_required(Role.MERCHANT)

LATEST_NOTIFICATIONS = 5
SUBMITTABLE = (ListingState.DRAFT, ListingState.REJECTED)


# --- Helpers -------------------------------------------------------------------------------------------


def members_only(view: Callable) -> Callable:
    """Merchant users on a merchant's staff; the view gets their membership. Without one: a clear 403 page."""

    @merchant_users_only
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        membership = membership_of(request.user)
        if membership is None:
            return render(request, "merchants/portal/no_membership.html", status=403)
        return view(request, membership, *args, **kwargs)

    return wrapped


def require_owner(membership: MerchantMember) -> None:
    """Owners only (the services check again): a clerk's POST is refused before any input is read."""
    if membership.role != MemberRole.OWNER:
        raise PermissionDenied


# --- Reads ---------------------------------------------------------------------------------------------


def _own_shops(request: HttpRequest, membership: MerchantMember) -> QuerySet[Shop]:
    return shops_visible_to(request.user).filter(merchant=membership.merchant_id)


def _own_listings(request: HttpRequest, membership: MerchantMember) -> QuerySet[Listing]:
    return listings_visible_to(request.user).filter(shop__merchant=membership.merchant_id).select_related("shop")


def _counts_by_state(queryset: QuerySet, choices) -> list[dict]:
    """Every state of `choices`, in order, with how many rows of `queryset` are in it (zero included)."""
    counts = dict(queryset.order_by().values_list("state").annotate(count=Count("pk")))
    return [{"state": value, "label": label, "count": counts.get(value, 0)} for value, label in choices.choices]


def _licence(merchant) -> dict:
    """How long the business licence still runs: `expired`, `expiring` (within the warning window) or fine."""
    days_left = (merchant.licence_valid_until - timezone.localdate()).days
    return {
        "days_left": days_left,
        "expired": days_left < 0,
        "expiring": 0 <= days_left <= settings.MERCHANT_LICENCE_WARNING_DAYS,
    }


# --- Home ----------------------------------------------------------------------------------------------


@merchant_users_only
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The merchant at a glance: state and reason, licence, shops and listings by state, latest notifications."""
    membership = membership_of(request.user)
    if membership is None:
        return render(request, "merchants/portal/no_membership.html")
    merchant = membership.merchant
    notifications = notifications_of(merchant)
    context = {
        "membership": membership,
        "merchant": merchant,
        "licence": _licence(merchant),
        "shop_counts": _counts_by_state(_own_shops(request, membership), ShopState),
        "listing_counts": _counts_by_state(_own_listings(request, membership), ListingState),
        "notifications": notifications[:LATEST_NOTIFICATIONS],
        "unread_count": notifications.filter(read_at__isnull=True).count(),
    }
    return render(request, "merchants/portal/home.html", context)


# --- Profile -------------------------------------------------------------------------------------------


@members_only
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest, membership: MerchantMember) -> HttpResponse:
    """The merchant's registration and contact details; owners edit the contact details and the licence."""
    merchant = membership.merchant
    is_owner = membership.role == MemberRole.OWNER
    if request.method == "POST":
        require_owner(membership)
    form = None
    if is_owner:
        initial = {name: getattr(merchant, name) for name in MerchantProfileForm.base_fields}
        form = MerchantProfileForm(posted(request), initial=initial)
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
    context = {"membership": membership, "merchant": merchant, "form": form, "licence": _licence(merchant)}
    return render(request, "merchants/portal/profile.html", context)


# --- Shops ---------------------------------------------------------------------------------------------


@members_only
@require_http_methods(["GET", "POST"])
def shops(request: HttpRequest, membership: MerchantMember) -> HttpResponse:
    """The merchant's shops with close/reopen buttons for owners; POST (owners) opens a shop."""
    is_owner = membership.role == MemberRole.OWNER
    if request.method == "POST":
        require_owner(membership)
    form = ShopOpenForm(posted(request), prefix="shop") if is_owner else None
    if request.method == "POST" and form.is_valid():
        try:
            shop = shop_open(merchant=membership.merchant, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("Shop %(shop)s opened.") % {"shop": shop})
            return redirect("merchants:portal-shops")
    context = {
        "membership": membership,
        "merchant": membership.merchant,
        "is_owner": is_owner,
        "shops": _own_shops(request, membership).annotate(listing_count=Count("listings")),
        "form": form,
    }
    return render(request, "merchants/portal/shops.html", context)


def _shop_state(request: HttpRequest, membership: MerchantMember, pk: int, *, close: bool) -> HttpResponse:
    shop = get_object_or_404(_own_shops(request, membership), pk=pk)
    require_owner(membership)
    try:
        shop = (shop_close if close else shop_reopen)(shop=shop, acting_user=request.user)
    except ValidationError as error:
        show_error(request, error)
    else:
        message = _("Shop %(shop)s is closed.") if close else _("Shop %(shop)s is open again.")
        messages.success(request, message % {"shop": shop})
    return redirect(reverse("merchants:portal-shops") + f"#shop-{shop.pk}")


@members_only
@require_POST
def shop_close_view(request: HttpRequest, membership: MerchantMember, pk: int) -> HttpResponse:
    return _shop_state(request, membership, pk, close=True)


@members_only
@require_POST
def shop_reopen_view(request: HttpRequest, membership: MerchantMember, pk: int) -> HttpResponse:
    return _shop_state(request, membership, pk, close=False)


# --- Listings ------------------------------------------------------------------------------------------


@members_only
@require_GET
def listings(request: HttpRequest, membership: MerchantMember) -> HttpResponse:
    """The merchant's listings, filtered by state, shop and stock, with a submit button for drafts."""
    own_shops = _own_shops(request, membership)
    filter_form = ListingFilterForm(request.GET, shops=own_shops)
    listings_page = paginate(request, _own_listings(request, membership).filter(**filter_form.filters()))
    context = {
        "membership": membership,
        "merchant": membership.merchant,
        "filter_form": filter_form,
        "page": listings_page,
        "submittable": SUBMITTABLE,
        "has_shops": own_shops.exists(),
    }
    return render(request, "merchants/portal/listings.html", context)


@members_only
@require_http_methods(["GET", "POST"])
def listing_new(request: HttpRequest, membership: MerchantMember) -> HttpResponse:
    """A new listing, saved as a draft of one of the merchant's own shops."""
    form = ListingForm(posted(request), request.FILES or None, shops=_own_shops(request, membership))
    if request.method == "POST" and form.is_valid():
        try:
            listing = listing_create(
                shop=form.cleaned_data["shop"],
                acting_user=request.user,
                photo=form.cleaned_data["photo"],
                **form.listing_fields(),
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(
                request,
                _("Listing “%(title)s” saved as a draft. Submit it for review to publish it.")
                % {"title": listing.title},
            )
            return redirect("merchants:portal-listing-edit", pk=listing.pk)
    context = {"membership": membership, "merchant": membership.merchant, "form": form, "listing": None}
    return render(request, "merchants/portal/listing_form.html", context)


@members_only
@require_http_methods(["GET", "POST"])
def listing_edit(request: HttpRequest, membership: MerchantMember, pk: int) -> HttpResponse:
    """Change a listing; an approved one goes back to review when anything changes."""
    listing = get_object_or_404(_own_listings(request, membership), pk=pk)
    form = ListingForm(posted(request), request.FILES or None, initial=ListingForm.initial_for(listing))
    if request.method == "POST" and form.is_valid():
        was_approved = listing.state == ListingState.APPROVED
        photo = form.cleaned_data["photo"]
        changed = form.listing_fields(changed_only=True)
        if not changed and photo is None:
            messages.info(request, _("Nothing changed."))
            return redirect("merchants:portal-listing-edit", pk=listing.pk)
        try:
            listing = listing_update(listing=listing, acting_user=request.user, photo=photo, **changed)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            if was_approved and listing.state == ListingState.SUBMITTED:
                message = _("Listing “%(title)s” saved and sent back for review.")
            else:
                message = _("Listing “%(title)s” saved.")
            messages.success(request, message % {"title": listing.title})
            return redirect("merchants:portal-listing-edit", pk=listing.pk)
    context = {
        "membership": membership,
        "merchant": membership.merchant,
        "form": form,
        "listing": listing,
        "submittable": SUBMITTABLE,
    }
    return render(request, "merchants/portal/listing_form.html", context)


@members_only
@require_POST
def listing_submit_view(request: HttpRequest, membership: MerchantMember, pk: int) -> HttpResponse:
    listing = get_object_or_404(_own_listings(request, membership), pk=pk)
    try:
        listing = listing_submit(listing=listing, acting_user=request.user)
    except ValidationError as error:
        show_error(request, error)
    else:
        messages.success(request, _("Listing “%(title)s” submitted for review.") % {"title": listing.title})
    return redirect_back(request, "merchants:portal-listings")


@members_only
@require_POST
def listing_delete_view(request: HttpRequest, membership: MerchantMember, pk: int) -> HttpResponse:
    listing = get_object_or_404(_own_listings(request, membership), pk=pk)
    title = listing.title
    try:
        listing_delete(listing=listing, acting_user=request.user)
    except ValidationError as error:
        show_error(request, error)
        return redirect("merchants:portal-listing-edit", pk=listing.pk)
    messages.success(request, _("Listing “%(title)s” deleted.") % {"title": title})
    return redirect("merchants:portal-listings")


# --- Members -------------------------------------------------------------------------------------------


@members_only
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest, membership: MerchantMember) -> HttpResponse:
    """The merchant's staff; owners invite (POST) and remove members."""
    is_owner = membership.role == MemberRole.OWNER
    if request.method == "POST":
        require_owner(membership)
    form = MemberInviteForm(posted(request), prefix="member") if is_owner else None
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
    context = {
        "membership": membership,
        "merchant": membership.merchant,
        "is_owner": is_owner,
        # Owners ("owner" sorts after "clerk") first.
        "members": membership.merchant.members.select_related("user").order_by("-role", "user__username"),
        "form": form,
    }
    return render(request, "merchants/portal/members.html", context)


@members_only
@require_POST
def member_remove_view(request: HttpRequest, membership: MerchantMember, pk: int) -> HttpResponse:
    member = get_object_or_404(membership.merchant.members.select_related("user"), pk=pk)
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


@members_only
@require_GET
def notifications(request: HttpRequest, membership: MerchantMember) -> HttpResponse:
    """Every notification of the merchant, newest first."""
    all_notifications = notifications_of(membership.merchant)
    context = {
        "membership": membership,
        "merchant": membership.merchant,
        "page": paginate(request, all_notifications),
        "unread_count": all_notifications.filter(read_at__isnull=True).count(),
    }
    return render(request, "merchants/portal/notifications.html", context)


@members_only
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


urlpatterns = [
    path("portal/", home, name="portal"),
    path("portal/profile/", profile, name="portal-profile"),
    path("portal/shops/", shops, name="portal-shops"),
    path("portal/shops/<int:pk>/close/", shop_close_view, name="portal-shop-close"),
    path("portal/shops/<int:pk>/reopen/", shop_reopen_view, name="portal-shop-reopen"),
    path("portal/listings/", listings, name="portal-listings"),
    path("portal/listings/new/", listing_new, name="portal-listing-new"),
    path("portal/listings/<int:pk>/", listing_edit, name="portal-listing-edit"),
    path("portal/listings/<int:pk>/submit/", listing_submit_view, name="portal-listing-submit"),
    path("portal/listings/<int:pk>/delete/", listing_delete_view, name="portal-listing-delete"),
    path("portal/members/", members, name="portal-members"),
    path("portal/members/<int:pk>/remove/", member_remove_view, name="portal-member-remove"),
    path("portal/notifications/", notifications, name="portal-notifications"),
    path("portal/notifications/read/", notifications_read, name="portal-notifications-read"),
]

"""Listings: merchants write and submit them, administrators moderate them; photos are made safe."""

import functools
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from PIL import Image, UnidentifiedImageError

from horgos.audit import audit_record, changes_between
from horgos.choices import AuditAction, Role
from horgos.models import User
from horgos.roles import require_role
from horgos.storage import StoredFiles, atomic_with_stored_files, delete_stored_files_on_commit
from merchants.choices import ListingState, MerchantState, NotificationKind
from merchants.models import HsHeading, Listing, Merchant, Shop
from merchants.models.catalogue import EDITABLE_FIELDS, TITLE_FIELDS, UNREVIEWED_FIELDS
from merchants.selectors import merchant_of
from merchants.services.notifications import notification_add

NOT_YOUR_SHOP = _("You may change only your own merchant's shops and listings.")
MERCHANT_NOT_ACTIVE = _("The merchant is %(state)s: its listings cannot be changed.")
UNKNOWN_HS = _("%(code)s is not an HS 2022 code: its first four digits name no heading.")
PHOTO_TOO_LARGE = _("The photo is larger than %(megabytes)s MB.")
PHOTO_NOT_AN_IMAGE = _("The photo must be a JPEG, PNG or WebP image.")
PHOTO_TOO_MANY_PIXELS = _("The photo has more than %(megapixels)s megapixels. Make it smaller.")
CANNOT_SUBMIT = _("Only a draft or rejected listing can be submitted for review.")
CANNOT_REVIEW = _("Only a listing submitted for review can be approved or rejected.")
REASON_REQUIRED = _("Give the reason for the rejection.")
LISTING_SOLD = _("“%(title)s” has been sold: it stays on those sales' receipts and cannot be deleted.")
# The states a listing may be submitted for review from.
SUBMITTABLE = (ListingState.DRAFT, ListingState.REJECTED)
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
LISTING_STATES = frozenset(ListingState.values)
# The CHECK constraints of Listing (merchants.models.catalogue) as Python predicates over a listing's values, so that
# many listings are checked without a query each (Django's `validate_constraints` asks the database once per
# constraint and listing). The database constraints stay the last word; tests hold these to them: the same names,
# and the same verdict as the database on the same values. A NULL passes a CHECK, so None passes here too.
LISTING_CHECKS: dict[str, Callable[[Mapping[str, object]], bool]] = {
    "listing_has_a_title": lambda values: any(values[name] != "" for name in TITLE_FIELDS),
    "listing_price_not_negative": lambda values: values["price"] is None or values["price"] >= 0,
    "listing_weight_not_negative": lambda values: values["unit_weight_kg"] is None or values["unit_weight_kg"] >= 0,
    "listing_state_valid": lambda values: values["state"] is None or values["state"] in LISTING_STATES,
    "listing_stock_not_negative": lambda values: values["stock_quantity"] is None or values["stock_quantity"] >= 0,
    "listing_rejection_has_reason": lambda values: (
        values["state"] != ListingState.REJECTED or values["rejection_reason"] != ""
    ),
}


def _require_may_edit(user: User, shop: Shop) -> None:
    """Members of the shop's merchant (and administrators) edit its listings, while the merchant trades."""
    require_may_edit_listings(user, shop.merchant)


def require_may_edit_listings(user: User, merchant: Merchant) -> None:
    """Members of the merchant's staff (and administrators) edit its listings, while the merchant trades."""
    is_administrator = user.is_authenticated and user.is_active and user.role == Role.ADMINISTRATOR
    if not is_administrator:
        member_of = merchant_of(user)
        if member_of is None or member_of.pk != merchant.pk:
            raise PermissionDenied(NOT_YOUR_SHOP)
    if merchant.state != MerchantState.APPROVED:
        raise ValidationError(MERCHANT_NOT_ACTIVE, params={"state": merchant.get_state_display()})


def hs_code_valid(hs_code: str) -> bool:
    """Whether an HS code is written as one (six digits); whether its heading exists is `hs_heading_for`'s."""
    return len(hs_code) == 6 and hs_code.isdigit()


def hs_heading_for(hs_code: str) -> HsHeading:
    heading = HsHeading.objects.filter(code=hs_code[:4]).first()
    if heading is None or not hs_code_valid(hs_code):
        raise unknown_hs_code(hs_code)
    return heading


def unknown_hs_code(hs_code: str) -> ValidationError:
    return ValidationError({"hs_code": ValidationError(UNKNOWN_HS, params={"code": hs_code})})


def listing_validate_values(values: Mapping[str, object], *, exclude: Iterable[str] = ()) -> None:
    """Validate a new listing's EDITABLE_FIELDS `values` as `Listing.full_clean(exclude=exclude)` would, with the same
    ValidationError, but without a query: for checking thousands of listings at once (a bulk import).

    The caller has resolved the foreign keys (the shop, the HS heading) and vouches for them; every other field is
    cleaned by its own model field (the same messages), except that a country is looked up among the codes rather
    than by iterating its choices (249 translated names: 3 ms a listing). The CHECK constraints are
    evaluated by LISTING_CHECKS on the values and the model's defaults (a new draft), and, as `full_clean` does, only
    those on fields that were not excluded and had no error. Listing has no unique field to check.
    """
    errors: dict[str, list] = {}
    for name, model_field, blank in _editable_model_fields():
        if name in exclude:
            continue
        value = values[name] if name in values else model_field.get_default()
        if blank and value in model_field.empty_values:
            continue  # as `clean_fields`: an empty optional field is not validated
        try:
            _clean_field(model_field, value)
        except ValidationError as error:
            errors[name] = error.error_list
    checked = {**_listing_defaults(), **values}
    skipped = errors.keys() | exclude
    for constraint, fields, holds in _constraint_checks():
        if not fields.isdisjoint(skipped):
            continue
        if not holds(checked):
            error = ValidationError(constraint.get_violation_error_message(), code=constraint.violation_error_code)
            errors.setdefault(NON_FIELD_ERRORS, []).append(error)
    if errors:
        raise ValidationError(errors)


@functools.cache
def _constraint_checks() -> tuple:
    """(constraint, the fields it reads, its Python check) for each of Listing's constraints."""
    return tuple(
        (constraint, frozenset(constraint.condition.referenced_base_fields), LISTING_CHECKS[constraint.name])
        for constraint in Listing._meta.constraints
    )


def _clean_field(model_field, value) -> None:
    """`model_field.clean(value, None)`; for a country, looked up among the codes rather than its choices iterated
    (the same error when missing)."""
    if not isinstance(model_field, CountryField) or value in model_field.empty_values:
        model_field.clean(value, None)
        return
    value = country_code(value)
    if value not in model_field.countries.countries:  # the configured countries, by code
        raise ValidationError(
            model_field.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )
    model_field.run_validators(value)


def country_code(value: object) -> str:
    """A country as Listing stores it: a code given in any ISO 3166-1 form (kz, KAZ, 398) as its two letters, as the
    field's Country reads it; anything else as given (for validation to refuse)."""
    field = Listing._meta.get_field("origin_country")
    return field.countries.alpha2(value) or str(value)


@functools.cache
def _editable_model_fields() -> tuple:
    """(name, model field, whether it may be blank) of each of EDITABLE_FIELDS."""
    return tuple((name, Listing._meta.get_field(name), Listing._meta.get_field(name).blank) for name in EDITABLE_FIELDS)


@functools.cache
def _listing_defaults() -> dict[str, object]:
    """A new listing's values before anything is set: a draft, no rejection reason, empty texts."""
    fields = Listing._meta.concrete_fields
    return {model_field.name: model_field.get_default() for model_field in fields if not model_field.generated}


def _safe_photo(upload) -> tuple[ContentFile, ContentFile]:
    """Decode the upload, re-encode its pixels without metadata (EXIF, GPS), and make a thumbnail."""
    if upload.size > settings.LISTING_PHOTO_MAX_BYTES:
        megabytes = settings.LISTING_PHOTO_MAX_BYTES // (1024 * 1024)
        raise ValidationError({"photo": ValidationError(PHOTO_TOO_LARGE, params={"megabytes": megabytes})})
    try:
        # Reads the header only: the size is known before a single pixel is decoded.
        image = Image.open(upload)
    except Image.DecompressionBombError as error:  # over twice PIL's MAX_IMAGE_PIXELS (horgos.apps)
        raise _too_many_pixels() from error
    except (UnidentifiedImageError, OSError) as error:
        raise ValidationError({"photo": PHOTO_NOT_AN_IMAGE}) from error
    image_format = image.format
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError({"photo": PHOTO_NOT_AN_IMAGE})
    photo_check_pixels(*image.size)
    try:
        image.load()
    except (OSError, Image.DecompressionBombError) as error:
        raise ValidationError({"photo": PHOTO_NOT_AN_IMAGE}) from error
    mode = "RGBA" if image_format in ("PNG", "WEBP") and image.mode in ("RGBA", "LA", "P") else "RGB"
    clean = Image.new(mode, image.size)
    clean.paste(image.convert(mode))
    stem = PurePath(upload.name).stem[:60] or "photo"
    photo, thumbnail = io.BytesIO(), io.BytesIO()
    clean.save(photo, format=image_format, quality=88)
    clean.thumbnail((settings.LISTING_THUMBNAIL_PIXELS, settings.LISTING_THUMBNAIL_PIXELS))
    clean.save(thumbnail, format=image_format, quality=85)
    extension = ALLOWED_FORMATS[image_format]
    return ContentFile(photo.getvalue(), name=f"{stem}.{extension}"), ContentFile(
        thumbnail.getvalue(), name=f"{stem}-thumb.{extension}"
    )


def photo_check_pixels(width: int, height: int) -> None:
    """Refuse a photo of more than LISTING_PHOTO_MAX_PIXELS pixels before it is decoded: a small PNG of one colour
    may declare 13,000 × 13,000 pixels, which decoded (and copied twice, below) would take gigabytes."""
    if width * height > settings.LISTING_PHOTO_MAX_PIXELS:
        raise _too_many_pixels()


def _too_many_pixels() -> ValidationError:
    megapixels = f"{settings.LISTING_PHOTO_MAX_PIXELS / 1_000_000:g}"
    return ValidationError({"photo": ValidationError(PHOTO_TOO_MANY_PIXELS, params={"megapixels": megapixels})})


def _attach_photo(listing: Listing, upload, stored: StoredFiles) -> None:
    """Store the cleaned photo and its thumbnail (their names on `listing`, not yet saved), noting each in `stored`."""
    photo, thumbnail = _safe_photo(upload)
    for field_file, content in ((listing.photo, photo), (listing.thumbnail, thumbnail)):
        field_file.save(content.name, content, save=False)
        stored.add(field_file)


def listing_create(*, shop: Shop, acting_user: User, photo=None, listing_import=None, **fields) -> Listing:
    """A new listing, as a draft of the shop, until it is submitted for review (`listing_import`: the bulk import
    that creates it, if one does)."""
    with atomic_with_stored_files() as stored:
        shop = Shop.objects.select_related("merchant").get(pk=shop.pk)
        _require_may_edit(acting_user, shop)
        fields = {name: value for name, value in fields.items() if name in EDITABLE_FIELDS}
        listing = Listing(shop=shop, listing_import=listing_import, **fields)
        listing.hs_heading = hs_heading_for(listing.hs_code)
        # Validate before the photo is written to storage, so refused input does not even write it.
        listing.full_clean(exclude=["photo", "thumbnail"])
        if photo is not None:
            _attach_photo(listing, photo, stored)
        listing.save()
        audit_record(
            actor=acting_user, action=AuditAction.LISTING_CREATE, target=listing, changes={"state": listing.state}
        )
        return listing


def listing_update(*, listing: Listing, acting_user: User, photo=None, **fields) -> Listing:
    """Change a listing; an approved one goes back to review, so the public sees only checked text (a change of
    the stock alone, UNREVIEWED_FIELDS, does not send it back).

    A new photo replaces the old one, whose files are deleted once the change has committed.
    """
    with atomic_with_stored_files() as stored:
        listing = Listing.objects.select_for_update(of=("self",)).select_related("shop__merchant").get(pk=listing.pk)
        _require_may_edit(acting_user, listing.shop)
        fields = {name: value for name, value in fields.items() if name in EDITABLE_FIELDS}
        before = {name: getattr(listing, name) for name in fields}
        for name, value in fields.items():
            setattr(listing, name, value)
        if "hs_code" in fields:
            listing.hs_heading = hs_heading_for(listing.hs_code)
        listing.full_clean(exclude=["photo", "thumbnail"])
        if photo is not None:
            delete_stored_files_on_commit(listing.photo, listing.thumbnail)
            _attach_photo(listing, photo, stored)
        changes = changes_between(before, fields)
        reviewed_changes = [name for name in changes if name not in UNREVIEWED_FIELDS]
        if listing.state == ListingState.APPROVED and (reviewed_changes or photo is not None):
            listing.state = ListingState.SUBMITTED
            listing.submitted_at = timezone.now()
            changes["state"] = {"before": ListingState.APPROVED, "after": ListingState.SUBMITTED}
        listing.save()
        audit_record(actor=acting_user, action=AuditAction.LISTING_UPDATE, target=listing, changes=changes)
        return listing


@transaction.atomic
def listing_submit(*, listing: Listing, acting_user: User) -> Listing:
    listing = Listing.objects.select_for_update(of=("self",)).select_related("shop__merchant").get(pk=listing.pk)
    _require_may_edit(acting_user, listing.shop)
    if listing.state not in SUBMITTABLE:
        raise ValidationError(CANNOT_SUBMIT)
    return _set_state(
        listing=listing, acting_user=acting_user, state=ListingState.SUBMITTED, action=AuditAction.LISTING_SUBMIT
    )


def listing_update_and_submit(*, listing: Listing, acting_user: User, photo=None, **fields) -> Listing:
    """Save the edits typed in the form and submit the listing for review, in one transaction: edits that are
    refused submit nothing, and a listing that cannot be submitted keeps its old text.

    Whether it may be submitted is checked first, under the row lock: then a new photo is stored only when the
    whole change will be kept (a later refusal would leave its files behind, see `atomic_with_stored_files`).
    """
    with transaction.atomic():
        locked = Listing.objects.select_for_update(of=("self",)).select_related("shop__merchant").get(pk=listing.pk)
        _require_may_edit(acting_user, locked.shop)
        if locked.state not in SUBMITTABLE:
            raise ValidationError(CANNOT_SUBMIT)
        if fields or photo is not None:
            listing = listing_update(listing=listing, acting_user=acting_user, photo=photo, **fields)
        return listing_submit(listing=listing, acting_user=acting_user)


@dataclass
class SubmitOutcome:
    """What a bulk submission did: the listings submitted, and each refused one with the reason."""

    submitted: list[Listing] = field(default_factory=list)
    refused: list[tuple[Listing, str]] = field(default_factory=list)


def listings_submit(*, listings: Iterable[Listing], acting_user: User) -> SubmitOutcome:
    """Submit many listings for review (the ones a merchant ticked, or every draft of an import).

    One transaction per listing, not all or nothing: each listing is reviewed on its own, so one that cannot be
    submitted (no longer a draft, changed meanwhile by a colleague) should not hold the others back. The
    outcome says what was submitted and what was refused, with `listing_submit`'s message.
    """
    outcome = SubmitOutcome()
    for listing in listings:
        try:
            outcome.submitted.append(listing_submit(listing=listing, acting_user=acting_user))
        except (ValidationError, PermissionDenied) as error:
            message = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            outcome.refused.append((listing, message))
    return outcome


@transaction.atomic
def listing_approve(*, listing: Listing, acting_user: User) -> Listing:
    require_role(acting_user, Role.ADMINISTRATOR)
    listing = Listing.objects.select_for_update(of=("self",)).select_related("shop__merchant").get(pk=listing.pk)
    if listing.state != ListingState.SUBMITTED:
        raise ValidationError(CANNOT_REVIEW)
    listing = _set_state(
        listing=listing, acting_user=acting_user, state=ListingState.APPROVED, action=AuditAction.LISTING_APPROVE
    )
    notification_add(merchant=listing.shop.merchant, kind=NotificationKind.LISTING_APPROVED, message=listing.title)
    return listing


@transaction.atomic
def listing_reject(*, listing: Listing, acting_user: User, reason: str) -> Listing:
    require_role(acting_user, Role.ADMINISTRATOR)
    if not reason.strip():
        raise ValidationError({"reason": REASON_REQUIRED})
    listing = Listing.objects.select_for_update(of=("self",)).select_related("shop__merchant").get(pk=listing.pk)
    if listing.state != ListingState.SUBMITTED:
        raise ValidationError(CANNOT_REVIEW)
    listing = _set_state(
        listing=listing,
        acting_user=acting_user,
        state=ListingState.REJECTED,
        action=AuditAction.LISTING_REJECT,
        reason=reason.strip(),
    )
    notification_add(
        merchant=listing.shop.merchant,
        kind=NotificationKind.LISTING_REJECTED,
        message=f"{listing.title}: {listing.rejection_reason}",
    )
    return listing


def _set_state(
    *, listing: Listing, acting_user: User, state: ListingState, action: AuditAction, reason: str = ""
) -> Listing:
    before = listing.state
    now = timezone.now()
    listing.state = state
    listing.rejection_reason = reason
    if state == ListingState.SUBMITTED:
        listing.submitted_at = now
    else:
        listing.reviewed_at = now
    listing.save(update_fields=["state", "rejection_reason", "submitted_at", "reviewed_at", "updated_at"])
    changes = {"state": {"before": before, "after": state}, **({"reason": reason} if reason else {})}
    audit_record(actor=acting_user, action=action, target=listing, changes=changes, reason=reason)
    return listing


@transaction.atomic
def listing_delete(*, listing: Listing, acting_user: User) -> None:
    """Remove a listing from the shop for good (its audit rows stay; its photo files go once this commits)."""
    listing = Listing.objects.select_for_update(of=("self",)).select_related("shop__merchant").get(pk=listing.pk)
    _require_may_edit(acting_user, listing.shop)
    delete_stored_files_on_commit(listing.photo, listing.thumbnail)
    audit_record(actor=acting_user, action=AuditAction.LISTING_DELETE, target=listing, changes={"title": listing.title})
    try:
        with transaction.atomic():
            listing.delete()
    except ProtectedError:  # sale lines name it and keep it (the audit row goes with the refusal)
        raise ValidationError(LISTING_SOLD, code="listing_sold", params={"title": listing.title}) from None

"""Forms of the merchant portal. They check the shape of the input; the services enforce the rules.

Fields are built from the models' own fields (labels, lengths, choices, and the models' format
validators), so a label or a format is written once. `show_service_error` puts a service's
ValidationError on the field it names where the form has that field, else above the form.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from horgos.choices import Role
from horgos.forms import PASSWORDS_DIFFER, NewPasswordForm
from merchants.choices import MemberRole, ShopState, ZoneSide
from merchants.models import Listing, Merchant, Shop
from merchants.models.catalogue import DESCRIPTION_FIELDS, LANGUAGE_SUFFIXES, TITLE_FIELDS
from merchants.spreadsheets import MAX_BYTES, XLSX_TYPE

PHOTO_TYPES = "image/jpeg,image/png,image/webp"
# The HTML `lang` of the text typed into each language's title and description.
INPUT_LANGUAGES = {"en": "en", "zh_hans": "zh-Hans", "kk": "kk", "ru": "ru"}

TITLE_CONSTRAINT = next(
    constraint for constraint in Listing._meta.constraints if constraint.name == "listing_has_a_title"
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def model_field(model: type[models.Model], name: str, **kwargs) -> forms.Field:
    """The form field of a model field, with the model's format checks (regular expressions) on it too."""
    field = model._meta.get_field(name)
    formats = [validator for validator in field.validators if isinstance(validator, RegexValidator)]
    form_field = field.formfield(**kwargs)
    form_field.validators = [*form_field.validators, *formats]
    return form_field


class UpperCaseCharField(forms.CharField):
    """Text stored in capitals: typed in any case, checked once turned into capitals."""

    def to_python(self, value):
        return super().to_python(value).upper()


# --- Profile ------------------------------------------------------------------------------------


class MerchantProfileForm(forms.Form):
    """What an owner keeps up to date; the legal identity (names, registration) stays as approved."""

    contact_person = model_field(Merchant, "contact_person")
    phone = model_field(Merchant, "phone", widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
    email = model_field(Merchant, "email", widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    address = model_field(Merchant, "address")
    licence_number = model_field(Merchant, "licence_number")
    licence_valid_until = model_field(Merchant, "licence_valid_until", widget=DATE_INPUT)


# --- Shops --------------------------------------------------------------------------------------


class ShopOpenForm(forms.Form):
    unit_code = model_field(
        Shop,
        "unit_code",
        form_class=UpperCaseCharField,
        help_text=_("Building-floor-unit, e.g. B2-1-015."),
    )
    side = forms.ChoiceField(label=_("Side of the zone"), choices=ZoneSide.choices)
    name = model_field(Shop, "name")
    area_m2 = model_field(Shop, "area_m2", min_value=1)
    opened_on = model_field(Shop, "opened_on", widget=DATE_INPUT)


# --- Listings -----------------------------------------------------------------------------------


class ShopChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Shop) -> str:
        if obj.state == ShopState.OPEN:
            return f"{obj.unit_code} · {obj.name}"
        return f"{obj.unit_code} · {obj.name} ({obj.get_state_display()})"


class ListingForm(forms.Form):
    """A listing as its merchant writes it: the shop (new listings only; one of the merchant's own), the
    texts in the four languages, classification, price, weight, stock and a photo."""

    shop = ShopChoiceField(label=_("Shop"), queryset=Shop.objects.none())
    hs_code = model_field(
        Listing,
        "hs_code",
        help_text=_("Six digits of the Harmonized System (HS 2022), e.g. 090210 for green tea."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    origin_country = model_field(Listing, "origin_country")
    price = model_field(Listing, "price", min_value=0)
    unit_weight_kg = model_field(Listing, "unit_weight_kg", min_value=0)
    stock_quantity = model_field(
        Listing,
        "stock_quantity",
        min_value=0,
        help_text=_(
            "Units on hand. Each sale takes its quantity off; changing it alone does not send the listing to review."
        ),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    photo = forms.FileField(label=_("Photo"), required=False, widget=forms.FileInput(attrs={"accept": PHOTO_TYPES}))

    def __init__(self, *args, shops: models.QuerySet[Shop] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        texts = {}
        for suffix in LANGUAGE_SUFFIXES:
            for name in (f"title_{suffix}", f"description_{suffix}"):
                field = model_field(Listing, name)
                field.widget.attrs["lang"] = INPUT_LANGUAGES[suffix]
                if name.startswith("description"):
                    field.widget.attrs["rows"] = 3
                texts[name] = field
        texts[TITLE_FIELDS[0]].help_text = _("Give a title in at least one of the four languages.")
        # The order on the page: shop, each language's title and description, then the rest.
        rest = {name: field for name, field in self.fields.items() if name != "shop"}
        self.fields = {**({"shop": self.fields["shop"]} if shops is not None else {}), **texts, **rest}
        if shops is not None:
            self.fields["shop"].queryset = shops
        megabytes = settings.LISTING_PHOTO_MAX_BYTES // (1024 * 1024)
        self.fields["photo"].help_text = _("JPEG, PNG or WebP, at most %(megabytes)s MB.") % {"megabytes": megabytes}

    def clean(self):
        cleaned = super().clean()
        # The model's own "at least one title" constraint, checked before the service stores any photo.
        titles = {name: cleaned.get(name) or "" for name in TITLE_FIELDS}
        try:
            TITLE_CONSTRAINT.validate(Listing, Listing(**titles))
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned

    @staticmethod
    def initial_for(listing: Listing) -> dict:
        initial = {name: getattr(listing, name) for name in (*TITLE_FIELDS, *DESCRIPTION_FIELDS)}
        initial.update(
            hs_code=listing.hs_code,
            origin_country=listing.origin_country.code,
            price=listing.price,
            unit_weight_kg=listing.unit_weight_kg,
            stock_quantity=listing.stock_quantity,
        )
        return initial

    def listing_fields(self, *, changed_only: bool = False) -> dict:
        """The cleaned listing fields for the service (not the shop, not the photo); with `changed_only`,
        only those that differ from the initial values, so an edit records (and reviews) what changed."""
        names = [name for name in self.cleaned_data if name not in ("shop", "photo")]
        if changed_only:
            names = [name for name in names if name in self.changed_data]
        return {name: self.cleaned_data[name] for name in names}


class ListingImportForm(forms.Form):
    """A file of listings to check (and then import)."""

    file = forms.FileField(
        label=_("File of listings"),
        widget=forms.FileInput(attrs={"accept": f".csv,.xlsx,text/csv,{XLSX_TYPE}"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        megabytes = MAX_BYTES // (1024 * 1024)
        self.fields["file"].help_text = _(
            "CSV (UTF-8) or XLSX, at most %(megabytes)s MB, in the template's columns."
        ) % {"megabytes": megabytes}


# --- Moderation and the merchants' lifecycle -----------------------------------------------------


class ReasonForm(forms.Form):
    """The reason for a rejection or a suspension. Whether one is needed is the service's rule; the
    `required` attribute only saves a round trip in the browser."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"required": True, "autocomplete": "off"}),
    )

    @classmethod
    def for_row(cls, data=None, *, row: str) -> "ReasonForm":
        """A reason form whose input id is unique on the page (one form per row), while its name stays `reason`."""
        return cls(data, auto_id=f"id_{row}_%s")


class ModerationBulkForm(forms.Form):
    """The listings chosen on the moderation page (checkboxes in its table rows), what to do with them (the button
    pressed) and, for a rejection, the reason; the service says a rejection needs one."""

    listings = forms.ModelMultipleChoiceField(
        label=_("Listings"), queryset=Listing.objects.none(), required=False, widget=forms.MultipleHiddenInput
    )
    action = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for rejecting the chosen listings"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed to reject; the merchants see it."),
    )

    def __init__(self, *args, listings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["listings"].queryset = listings


# --- Members ------------------------------------------------------------------------------------


class MemberInviteForm(NewPasswordForm):
    """A new member of staff: a merchant user account that belongs to this merchant only."""

    username = forms.CharField(
        label=_("Username"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=MemberRole.choices,
        initial=MemberRole.CLERK,
        help_text=_("Clerks keep listings up to date; owners also manage the profile, shops and staff."),
    )
    password_role = Role.MERCHANT


# --- Applying to trade in the zone ------------------------------------------------------------------


class MerchantApplicationForm(forms.Form):
    """A business applying to trade in the zone, with the owner's sign-in for following the application."""

    legal_name = model_field(Merchant, "legal_name")
    trade_name = model_field(Merchant, "trade_name")
    country = model_field(Merchant, "country")
    registration_number = model_field(Merchant, "registration_number")
    licence_number = model_field(Merchant, "licence_number")
    licence_valid_until = model_field(Merchant, "licence_valid_until", widget=DATE_INPUT)
    contact_person = model_field(Merchant, "contact_person")
    phone = model_field(Merchant, "phone", widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
    email = model_field(Merchant, "email", widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    address = model_field(Merchant, "address")
    username = forms.CharField(label=_("Username for signing in"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password_again = forms.CharField(
        label=_("Password again"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password") and cleaned.get("password") != cleaned.get("password_again"):
            self.add_error("password_again", PASSWORDS_DIFFER)
        return cleaned

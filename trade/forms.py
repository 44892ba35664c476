"""The shape of the trade pages' input; the rules stay in the services (`show_service_error` maps their errors)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from crossings.choices import CheckpointCode
from merchants.models import Listing, Shop
from trade.choices import AllowancePeriod, Corridor, TransportMode
from trade.models import Shipment
from trade.services.shipments import ShipmentLineInput

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_LINES = 20


class ListingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, listing: Listing) -> str:
        """The product as the till offers it, with the units left: a sale beyond them is refused."""
        in_stock = gettext("%(count)s in stock") % {"count": listing.stock_quantity}
        return f"{listing.title} · {listing.price} CNY · {listing.shop.unit_code} · {in_stock}"


class ShopChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, shop: Shop) -> str:
        return f"{shop.unit_code} · {shop.name}"


class SaleForm(forms.Form):
    """The head of a receipt: the shop, the buyer's document (scanned or typed) and the receipt number."""

    shop = ShopChoiceField(label=_("Shop"), queryset=Shop.objects.none(), empty_label=None)
    scan = forms.CharField(
        label=_("Buyer's document number or machine readable zone"),
        max_length=200,
        widget=forms.Textarea(
            attrs={"rows": 1, "autofocus": True, "autocomplete": "off", "spellcheck": "false", "class": "scan-input"}
        ),
    )
    receipt_number = forms.CharField(label=_("Receipt number"), max_length=40)

    def __init__(self, *args, shops, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shop"].queryset = shops


class SaleLineForm(forms.Form):
    listing = ListingChoiceField(label=_("Product"), queryset=Listing.objects.none(), required=False)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=100000, required=False)

    def __init__(self, *args, listings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["listing"].queryset = listings

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("listing") and not cleaned.get("quantity"):
            self.add_error("quantity", _("How many?"))
        if cleaned.get("quantity") and not cleaned.get("listing"):
            self.add_error("listing", _("Which product?"))
        return cleaned


SaleLineFormSet = forms.formset_factory(SaleLineForm, extra=5, max_num=MAX_LINES, validate_max=True)


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("Reason for voiding"), max_length=300)


class ExchangeRateForm(forms.Form):
    currency = forms.CharField(
        label=_("Currency"), max_length=3, min_length=3, widget=forms.TextInput(attrs={"autocapitalize": "characters"})
    )
    day = forms.DateField(label=_("From day"), widget=DATE_INPUT)
    rate_to_cny = forms.DecimalField(label=_("CNY per unit"), max_digits=14, decimal_places=6, min_value=0.000001)


class RatesFileForm(forms.Form):
    file = forms.FileField(label=_("CSV file (currency,day,rate_to_cny)"))


class AllowancePolicyForm(forms.Form):
    side = forms.ChoiceField(label=_("Side the traveller leaves into"), choices=CheckpointCode.choices)
    effective_from = forms.DateField(label=_("In force from"), widget=DATE_INPUT)
    period = forms.ChoiceField(label=_("Period"), choices=AllowancePeriod.choices)
    currency = forms.CharField(label=_("Currency"), max_length=3, min_length=3, initial="CNY")
    value_limit = forms.DecimalField(label=_("Value limit"), max_digits=14, decimal_places=2, min_value=0.01)
    weight_limit_kg = forms.DecimalField(
        label=_("Weight limit (kg)"), max_digits=10, decimal_places=3, min_value=0.001, required=False
    )
    duty_rate = forms.DecimalField(
        label=_("Duty on the excess value (share)"), max_digits=5, decimal_places=4, min_value=0, initial=0
    )
    duty_minimum_per_kg = forms.DecimalField(
        label=_("Duty at least, per kg over"), max_digits=14, decimal_places=2, min_value=0, initial=0
    )


# A new shipment's page offers this many empty lines, more on request (`?lines=N`), at most LINES_MAX.
LINES_OFFERED, LINES_MAX = 3, 50


def country_choices() -> list[tuple[str, str]]:
    """Every country, named in the active language (built per form, not once at import)."""
    return [("", "---------"), *countries]


class ShipmentForm(forms.Form):
    """Who the consignment goes to, and how."""

    reference = forms.CharField(
        label=_("Reference"),
        max_length=40,
        help_text=_("Your own reference for the consignment, unique among your merchant's shipments."),
    )
    consignee_name = forms.CharField(label=_("Consignee"), max_length=200)
    consignee_country = forms.ChoiceField(label=_("Destination country"), choices=country_choices)
    corridor = forms.ChoiceField(label=_("Corridor"), choices=Corridor.choices)
    transport_mode = forms.ChoiceField(label=_("Transport mode"), choices=TransportMode.choices)


class ListingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Listing) -> str:
        return f"{obj.title} · {obj.hs_code}"


class ShipmentLineForm(forms.Form):
    """One line: chosen from a listing (what is left blank is copied from it), or written out in full."""

    listing = ListingChoiceField(
        label=_("From a listing"),
        queryset=Listing.objects.none(),
        required=False,
        help_text=_("Leave the fields below blank to copy them from the listing."),
    )
    hs_code = forms.CharField(label=_("HS code"), max_length=6, required=False)
    description = forms.CharField(label=_("Description of the goods"), max_length=300, required=False)
    origin_country = forms.ChoiceField(label=_("Country of origin"), choices=country_choices, required=False)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1)
    value_cny = forms.DecimalField(
        label=_("Value (CNY)"), max_digits=14, decimal_places=2, min_value=Decimal("0"), required=False
    )
    net_weight_kg = forms.DecimalField(
        label=_("Net weight (kg)"), max_digits=10, decimal_places=3, min_value=Decimal("0"), required=False
    )

    def __init__(self, *args, listings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["listing"].queryset = listings if listings is not None else Listing.objects.none()

    def line_input(self) -> ShipmentLineInput:
        return ShipmentLineInput(**self.cleaned_data)


class BaseShipmentLineFormSet(forms.BaseFormSet):
    def line_inputs(self) -> list[ShipmentLineInput]:
        """The lines filled in (blank extra forms are left out)."""
        return [form.line_input() for form in self.forms if form.has_changed() and form.cleaned_data]


def shipment_line_formset(data=None, *, listings, lines: int = LINES_OFFERED):
    """The lines of a new shipment: at least one, `lines` offered (at most LINES_MAX)."""
    formset_class = forms.formset_factory(
        ShipmentLineForm,
        formset=BaseShipmentLineFormSet,
        extra=max(0, min(lines, LINES_MAX) - 1),
        min_num=1,
        validate_min=True,
        max_num=LINES_MAX,
        validate_max=True,
    )
    return formset_class(data, prefix="lines", form_kwargs={"listings": listings})


class AdvanceForm(forms.Form):
    step = forms.ChoiceField(choices=Shipment._meta.get_field("step").choices)


class HoldForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the hold"), max_length=300)

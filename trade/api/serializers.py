from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from crossings.api.serializers import DocumentIdentitySerializer
from crossings.selectors import document_get
from crossings.selectors.lists import mask_document_number
from horgos.api.fields import CountryField
from merchants.models import Listing
from trade.models import (
    FORWARD_STEPS,
    AllowancePolicy,
    ExchangeRate,
    Sale,
    SaleLine,
    Shipment,
    ShipmentEvent,
    ShipmentLine,
)
from trade.selectors.sales import buyer_document_get
from trade.selectors.shipments import listings_to_ship
from trade.services.shipments import ShipmentLineInput

UNKNOWN_DOCUMENT = _("No such document is registered.")


# As a related field answers an id it does not find.
DOES_NOT_EXIST = serializers.PrimaryKeyRelatedField.default_error_messages["does_not_exist"]


class SaleLineInputSerializer(serializers.Serializer):
    # An id here: SaleCreateSerializer reads the listings of all the lines in one query.
    listing = serializers.IntegerField()
    quantity = serializers.IntegerField(min_value=1, max_value=100000)
    unit_price_cny = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, help_text=_("The listing's price if left out.")
    )


class BuyerSerializer(serializers.Serializer):
    document = DocumentIdentitySerializer(help_text=_("The buyer's document, as printed (or read from its MRZ)."))

    def validate_document(self, identity):
        document = document_get(**identity)
        if document is None:
            raise serializers.ValidationError(UNKNOWN_DOCUMENT)
        return document


class SaleCreateSerializer(BuyerSerializer):
    """A sale as the API takes it. The shop stays an id: `sale_record` reads it with its merchant and the clerk's
    place on its staff in one query, and the view answers a shop not theirs as a related field answers one it does
    not find. The document is read with its holder's open visit (`buyer_document_get`), the listings of all the
    lines in one query."""

    shop = serializers.IntegerField(help_text=_("One of your shops."))
    receipt_number = serializers.CharField(max_length=40)
    lines = SaleLineInputSerializer(many=True, allow_empty=False)

    def validate_document(self, identity):
        document = buyer_document_get(**identity)
        if document is None:
            raise serializers.ValidationError(UNKNOWN_DOCUMENT)
        return document

    def validate_lines(self, lines):
        listings = Listing.objects.select_related("shop").in_bulk({line["listing"] for line in lines})
        errors = [
            {} if line["listing"] in listings else {"listing": [DOES_NOT_EXIST.format(pk_value=line["listing"])]}
            for line in lines
        ]
        if any(errors):
            raise serializers.ValidationError(errors)
        return [{**line, "listing": listings[line["listing"]]} for line in lines]


class SaleLineSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="listing.title", read_only=True)

    class Meta:
        model = SaleLine
        fields = ["listing", "title", "quantity", "unit_price_cny", "line_total_cny", "line_weight_kg"]


class SaleSerializer(serializers.ModelSerializer):
    """A receipt as a merchant sees it: of the buyer, only the document's last characters."""

    shop = serializers.CharField(source="shop.unit_code", read_only=True)
    buyer_document = serializers.SerializerMethodField()
    lines = SaleLineSerializer(many=True, read_only=True)
    voided_by = serializers.CharField(source="voided_by.username", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Sale
        fields = [
            "id",
            "shop",
            "receipt_number",
            "buyer_document",
            "sold_at",
            "side",
            "lines",
            "total_cny",
            "total_weight_kg",
            "charged_value",
            "charged_currency",
            "rate_to_cny",
            "state",
            "voided_by",
            "voided_at",
            "void_reason",
        ]
        read_only_fields = fields

    def get_buyer_document(self, sale: Sale) -> str:
        return mask_document_number(sale.document.number)


# One instance made once: recording a sale answers with `recorded_sale_data`, which uses its fields directly.
_RECORDED_SALE = SaleSerializer()


def recorded_sale_data(sale: Sale) -> dict:
    """The answer to recording a sale: exactly what SaleSerializer gives (a test holds the two equal), from what the
    sale holds in memory (its shop, document and lines, see `sale_record`), without instantiating a serializer,
    which copies its declared fields and its nested lines' serializer at each use."""
    return _RECORDED_SALE.to_representation(sale)


class AllowanceRemainingSerializer(serializers.Serializer):
    """What remains when a sale does not fit: CNY, and the amount in the allowance's currency (and kg) it is kept in."""

    remaining_cny = serializers.DecimalField(max_digits=14, decimal_places=2)
    currency = serializers.CharField()
    remaining = serializers.DecimalField(max_digits=14, decimal_places=2)
    remaining_kg = serializers.DecimalField(max_digits=10, decimal_places=3, required=False)


class SaleVoidSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class AllowanceUseSerializer(serializers.Serializer):
    """A person's use of one side's allowance in the current period, what remains, and the duty on any excess."""

    side = serializers.CharField()
    period = serializers.CharField()
    period_start = serializers.DateField()
    currency = serializers.CharField()
    value_limit = serializers.DecimalField(max_digits=14, decimal_places=2)
    value_used = serializers.DecimalField(max_digits=14, decimal_places=2)
    value_remaining = serializers.DecimalField(max_digits=14, decimal_places=2)
    value_remaining_cny = serializers.DecimalField(max_digits=14, decimal_places=2)
    weight_limit_kg = serializers.DecimalField(max_digits=10, decimal_places=3, allow_null=True)
    weight_used_kg = serializers.DecimalField(max_digits=10, decimal_places=3)
    weight_remaining_kg = serializers.DecimalField(max_digits=10, decimal_places=3, allow_null=True)
    excess_value = serializers.DecimalField(max_digits=14, decimal_places=2)
    duty = serializers.DecimalField(max_digits=14, decimal_places=2)


class AllowancePolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = AllowancePolicy
        fields = [
            "id",
            "side",
            "effective_from",
            "period",
            "currency",
            "value_limit",
            "weight_limit_kg",
            "duty_rate",
            "duty_minimum_per_kg",
            "added_at",
        ]
        read_only_fields = ["id", "added_at"]
        # The service says which field clashes (a policy already taking effect that day).
        validators = []


class ExchangeRateSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExchangeRate
        fields = ["id", "currency", "day", "rate_to_cny", "entered_at"]
        read_only_fields = ["id", "entered_at"]
        # Entering a rate for a currency and day again corrects it (the service), so no uniqueness check here.
        validators = []


class OwnListingField(serializers.PrimaryKeyRelatedField):
    """One of the requesting merchant user's own listings: another merchant's is simply not a valid choice (400),
    never a hint that it exists."""

    def get_queryset(self):
        request = self.context.get("request")
        return listings_to_ship(request.user) if request else Listing.objects.none()


class ShipmentLineSerializer(serializers.ModelSerializer):
    """A line; with `listing` (one of the merchant's), what is left out is copied from it."""

    listing = OwnListingField(required=False, allow_null=True)
    origin_country = CountryField(required=False)

    class Meta:
        model = ShipmentLine
        fields = ["id", "listing", "hs_code", "description", "origin_country", "quantity", "value_cny", "net_weight_kg"]
        read_only_fields = ["id"]
        extra_kwargs = {
            "hs_code": {"required": False},
            "description": {"required": False},
            "value_cny": {"required": False},
            "net_weight_kg": {"required": False},
        }


class ShipmentEventSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.get_username", read_only=True)

    class Meta:
        model = ShipmentEvent
        fields = ["step", "at", "by", "reason"]


class ShipmentSerializer(serializers.ModelSerializer):
    consignee_country = CountryField()
    merchant_name = serializers.CharField(source="merchant.trade_name", read_only=True)
    lines = ShipmentLineSerializer(many=True)
    events = ShipmentEventSerializer(many=True, read_only=True)
    clearance_time = serializers.DurationField(read_only=True, allow_null=True)
    line_count = serializers.IntegerField(read_only=True)
    total_value_cny = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    total_net_weight_kg = serializers.DecimalField(max_digits=14, decimal_places=3, read_only=True)

    class Meta:
        model = Shipment
        fields = ["id", "merchant", "merchant_name", "reference", "consignee_name", "consignee_country", "corridor",
                  "transport_mode", "currency", "step", "held", "hold_reason", "registered_at", "declared_at",
                  "inspected_at", "cleared_at", "departed_at", "clearance_time", "line_count", "total_value_cny",
                  "total_net_weight_kg", "lines", "events"]  # fmt: skip
        read_only_fields = ["id", "merchant", "currency", "step", "held", "hold_reason", "registered_at",
                            "declared_at", "inspected_at", "cleared_at", "departed_at"]  # fmt: skip

    def service_arguments(self) -> dict:
        """The validated input as the services take it: the fields, and the lines as ShipmentLineInput."""
        data = dict(self.validated_data)
        if "lines" in data:
            data["lines"] = [ShipmentLineInput(**line) for line in data["lines"]]
        return data


class ShipmentAdvanceSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=[(step.value, step.label) for step in FORWARD_STEPS[1:]])
    at = serializers.DateTimeField(required=False, help_text="When the step happened; now if left out.")


class ShipmentHoldSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)
    at = serializers.DateTimeField(required=False, help_text="When the shipment was held; now if left out.")


class ShipmentReleaseSerializer(serializers.Serializer):
    at = serializers.DateTimeField(required=False, help_text="When the shipment was released; now if left out.")

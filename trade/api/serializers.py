from django_countries.serializer_fields import CountryField
from rest_framework import serializers

from merchants.models import Listing
from trade.models import FORWARD_STEPS, Shipment, ShipmentEvent, ShipmentLine
from trade.selectors.shipments import listings_to_ship
from trade.services.shipments import ShipmentLineInput


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

from django.core.exceptions import PermissionDenied
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from horgos.api.idempotency import idempotent
from horgos.roles import IsMerchantOrAdministrator
from trade.api.serializers import (
    ShipmentAdvanceSerializer,
    ShipmentHoldSerializer,
    ShipmentReleaseSerializer,
    ShipmentSerializer,
)
from trade.declarations import PDF_CONTENT_TYPE, XLSX_CONTENT_TYPE, declaration_response
from trade.filtersets import ShipmentFilterSet
from trade.models import Shipment
from trade.selectors.shipments import membership_of, shipment_details_visible_to
from trade.services import shipments as shipment_services

SHIPMENT_EXAMPLE = {
    "reference": "EXP-2026-0042",
    "consignee_name": "Tashkent Trade House LLC",
    "consignee_country": "UZ",
    "corridor": "central_asia",
    "transport_mode": "road",
    "lines": [
        {
            "hs_code": "090210",
            "description": "Green tea (Longjing), 250 g tins",
            "origin_country": "CN",
            "quantity": 120,
            "value_cny": "10560.00",
            "net_weight_kg": "30.000",
        },
        {"listing": 17, "quantity": 40},
    ],
}
CREATE_EXAMPLES = [
    OpenApiExample("Two lines, one copied from a listing", value=SHIPMENT_EXAMPLE, request_only=True),
    OpenApiExample(
        "Registered",
        value={
            "id": 42,
            "merchant": 3,
            "merchant_name": "Silk Road Tea",
            **{key: value for key, value in SHIPMENT_EXAMPLE.items() if key != "lines"},
            "currency": "CNY",
            "step": "registered",
            "held": False,
            "hold_reason": "",
            "registered_at": "2026-05-12T09:30:00+08:00",
            "declared_at": None,
            "inspected_at": None,
            "cleared_at": None,
            "departed_at": None,
            "clearance_time": None,
            "line_count": 2,
            "total_value_cny": "14080.00",
            "total_net_weight_kg": "40.000",
            "lines": [
                {"id": 90, "listing": None, **SHIPMENT_EXAMPLE["lines"][0]},
                {
                    "id": 91,
                    "listing": 17,
                    "hs_code": "090210",
                    "description": "Green tea",
                    "origin_country": "CN",
                    "quantity": 40,
                    "value_cny": "3520.00",
                    "net_weight_kg": "10.000",
                },
            ],
            "events": [{"step": "registered", "at": "2026-05-12T09:30:00+08:00", "by": "aigerim", "reason": ""}],
        },
        response_only=True,
        status_codes=["201"],
    ),
]
ADVANCE_EXAMPLES = [
    OpenApiExample("Declared now", value={"step": "declared"}, request_only=True),
    OpenApiExample(
        "Cleared earlier (inspection skipped)",
        value={"step": "cleared", "at": "2026-05-13T15:10:00+08:00"},
        request_only=True,
    ),
]
REFUSED = OpenApiResponse(
    description="Refused with the reason: e.g. a step back, a step already reached, a step skipped (only inspection "
    "may be), a held shipment, a time in the future or before the timeline's last entry."
)
DOWNLOAD_XLSX = {(200, XLSX_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="The declaration draft.")}
DOWNLOAD_PDF = {(200, PDF_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="The declaration draft.")}


@extend_schema_view(
    create=extend_schema(examples=CREATE_EXAMPLES, responses={201: ShipmentSerializer, 400: REFUSED}),
    partial_update=extend_schema(
        description="Change a shipment while it is registered; `lines`, when given, replace every line."
    ),
    destroy=extend_schema(description="Delete a shipment registered by mistake, before it is declared."),
)
class ShipmentViewSet(viewsets.ModelViewSet):
    """Onward shipments: a merchant's staff see and register their own merchant's (another merchant's is 404),
    administrators see all and may record the timeline; officers are refused (403)."""

    serializer_class = ShipmentSerializer
    permission_classes = [IsMerchantOrAdministrator]
    filterset_class = ShipmentFilterSet
    ordering_fields = ["registered_at", "reference", "step", "declared_at", "cleared_at"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return shipment_details_visible_to(self.request.user)

    def _answer(self, shipment: Shipment, status_code: int = status.HTTP_200_OK) -> Response:
        """The shipment as it now stands, with its totals, lines and timeline."""
        shipment = self.get_queryset().get(pk=shipment.pk)
        return Response(self.get_serializer(shipment).data, status=status_code)

    @idempotent
    def create(self, request, *args, **kwargs):
        """Register a shipment of the requesting merchant user's own merchant (administrators register none)."""
        membership = membership_of(request.user)
        if membership is None:
            raise PermissionDenied(shipment_services.NOT_YOUR_SHIPMENT)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        shipment = shipment_services.shipment_register(
            merchant=membership.merchant, acting_user=request.user, **serializer.service_arguments()
        )
        return self._answer(shipment, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        shipment = self.get_object()
        serializer = self.get_serializer(shipment, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        shipment = shipment_services.shipment_update(
            shipment=shipment, acting_user=request.user, **serializer.service_arguments()
        )
        return self._answer(shipment)

    def destroy(self, request, *args, **kwargs):
        shipment_services.shipment_delete(shipment=self.get_object(), acting_user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=ShipmentAdvanceSerializer,
        responses={200: ShipmentSerializer, 400: REFUSED},
        examples=ADVANCE_EXAMPLES,
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def advance(self, request, pk=None):
        """Move the shipment on: registered → declared → inspected (may be skipped) → cleared → departed."""
        serializer = ShipmentAdvanceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        shipment = shipment_services.shipment_advance(
            shipment=self.get_object(), acting_user=request.user, **serializer.validated_data
        )
        return self._answer(shipment)

    @extend_schema(
        request=ShipmentHoldSerializer,
        responses={200: ShipmentSerializer, 400: REFUSED},
        examples=[OpenApiExample("Held", value={"reason": "Certificate of origin missing"}, request_only=True)],
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def hold(self, request, pk=None):
        """Hold the shipment, with the reason: it does not move until released."""
        serializer = ShipmentHoldSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        shipment = shipment_services.shipment_hold(
            shipment=self.get_object(), acting_user=request.user, **serializer.validated_data
        )
        return self._answer(shipment)

    @extend_schema(request=ShipmentReleaseSerializer, responses={200: ShipmentSerializer, 400: REFUSED})
    @action(detail=True, methods=["post"])
    @idempotent
    def release(self, request, pk=None):
        serializer = ShipmentReleaseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        shipment = shipment_services.shipment_release(
            shipment=self.get_object(), acting_user=request.user, **serializer.validated_data
        )
        return self._answer(shipment)

    @extend_schema(operation_id="shipments_declaration_xlsx", responses=DOWNLOAD_XLSX)
    @action(detail=True, methods=["get"], url_path="declaration.xlsx", url_name="declaration-xlsx")
    def declaration_xlsx(self, request, pk=None):
        """The export declaration draft as a spreadsheet, in the language of the request."""
        return declaration_response(self.get_object(), "xlsx")

    @extend_schema(operation_id="shipments_declaration_pdf", responses=DOWNLOAD_PDF)
    @action(detail=True, methods=["get"], url_path="declaration.pdf", url_name="declaration-pdf")
    def declaration_pdf(self, request, pk=None):
        """The export declaration draft as a PDF, in the language of the request."""
        return declaration_response(self.get_object(), "pdf")

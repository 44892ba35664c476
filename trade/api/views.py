from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from horgos.api.exceptions import error_body
from horgos.api.idempotency import idempotency_store_now, idempotent
from horgos.roles import IsAdministrator, IsMerchantOrAdministrator
from merchants.models import Shop
from trade.api.serializers import (
    DOES_NOT_EXIST,
    AllowancePolicySerializer,
    AllowanceRemainingSerializer,
    AllowanceUseSerializer,
    BuyerSerializer,
    ExchangeRateSerializer,
    SaleCreateSerializer,
    SaleSerializer,
    SaleVoidSerializer,
    ShipmentAdvanceSerializer,
    ShipmentHoldSerializer,
    ShipmentReleaseSerializer,
    ShipmentSerializer,
    recorded_sale_data,
)
from trade.declarations import PDF_CONTENT_TYPE, XLSX_CONTENT_TYPE, declaration_response
from trade.filtersets import SaleFilterSet, ShipmentFilterSet
from trade.models import AllowancePolicy, ExchangeRate, Shipment
from trade.selectors.sales import buyer_for_merchant, sales_visible_to
from trade.selectors.shipments import membership_of, shipment_details_visible_to
from trade.services import policy as policy_services
from trade.services import sales as sale_services
from trade.services import shipments as shipment_services

SALE_EXAMPLE = OpenApiExample(
    "Two kettles to a buyer who entered through the Kazakh checkpoint",
    request_only=True,
    value={
        "shop": 12,
        "document": {"document_type": "passport", "issuing_country": "KZ", "number": "N1234567"},
        "receipt_number": "B2-1-015/000123",
        "lines": [{"listing": 345, "quantity": 2}],
    },
)
EXCEEDED_EXAMPLE = OpenApiExample(
    "The sale does not fit what remains",
    response_only=True,
    status_codes=["409"],
    value=error_body(
        code="allowance_exceeded",
        message="This sale (CNY 2,000.00, EUR 256.41, 4 kg) is more than the buyer has left of the allowance for this "
        "month: CNY 699.97 (EUR 89.74) and 28 kg.",
        fields={
            "remaining": {"remaining_cny": "699.97", "currency": "EUR", "remaining": "89.74", "remaining_kg": "28"}
        },
    ),
)


class SaleViewSet(viewsets.ReadOnlyModelViewSet):
    """Duty-free sales: merchant staff record and void their shops' sales; administrators see all.

    Of the buyer, a merchant sees the document's last characters and what remains of the allowance, never more.
    """

    serializer_class = SaleSerializer
    permission_classes = [IsMerchantOrAdministrator]
    filterset_class = SaleFilterSet
    ordering_fields = ["sold_at", "total_cny"]

    def get_queryset(self):
        return sales_visible_to(self.request.user).prefetch_related("lines__listing")

    @extend_schema(
        request=SaleCreateSerializer,
        responses={
            201: SaleSerializer,
            400: OpenApiResponse(description="Bad input, or a rule refused the sale (buyer not inside, shop closed)"),
            409: OpenApiResponse(description="The sale does not fit what remains of the allowance"),
        },
        examples=[SALE_EXAMPLE, EXCEEDED_EXAMPLE],
        summary="Record a sale against the buyer's allowance",
    )
    @idempotent
    def create(self, request):
        serializer = SaleCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        answer = []

        def answer_before_charge(sale):
            # Stored for the Idempotency-Key before the allowance is charged: the buyer's ledger row, which every
            # till selling to them waits for, is then locked only from the charge to the commit.
            answer.append(idempotency_store_now(request, Response(recorded_sale_data(sale), status.HTTP_201_CREATED)))

        try:
            sale_services.sale_record(
                shop=Shop(pk=data["shop"]),  # read by the service, with its merchant and the clerk's place on its staff
                document=data["document"],
                receipt_number=data["receipt_number"],
                lines=[sale_services.SaleLineInput(**line) for line in data["lines"]],
                acting_user=request.user,
                before_charge=answer_before_charge,
            )
        except PermissionDenied:
            # Another merchant's shop is simply not a valid choice (400, as a shop that does not exist), never a hint
            # that it exists.
            raise ValidationError({"shop": [DOES_NOT_EXIST.format(pk_value=data["shop"])]}) from None
        except sale_services.AllowanceExceeded as refused:
            remaining = AllowanceRemainingSerializer(refused.remaining).data
            body = error_body(code="allowance_exceeded", message=refused.messages[0], fields={"remaining": remaining})
            return Response(body, status=status.HTTP_409_CONFLICT)
        return answer[0]

    @extend_schema(request=SaleVoidSerializer, responses={200: SaleSerializer})
    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        """Void a sale (its merchant's staff): the allowance goes back to the sale's own period."""
        sale = self.get_object()  # another merchant's sale is a 404, whatever the body holds
        serializer = SaleVoidSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sale = sale_services.sale_void(sale=sale, reason=serializer.validated_data["reason"], acting_user=request.user)
        return Response(SaleSerializer(sale).data)

    @extend_schema(
        request=BuyerSerializer,
        responses={200: AllowanceUseSerializer},
        summary="What remains of a buyer's allowance (before recording a sale)",
    )
    @action(detail=False, methods=["post"])
    def buyer(self, request):
        """A shop checks a buyer by document: what remains of the allowance now; 400 when not inside the zone."""
        serializer = BuyerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        buyer = buyer_for_merchant(serializer.validated_data["document"])
        if buyer.use is None:
            raise ValidationError({"document": [sale_services.BUYER_NOT_INSIDE]})
        return Response({"document": buyer.masked_number, **AllowanceUseSerializer(buyer.use).data})


class AllowancePolicyViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Allowance policies (administrators): effective-dated; a new one applies from its day on."""

    queryset = AllowancePolicy.objects.all()
    serializer_class = AllowancePolicySerializer
    permission_classes = [IsAdministrator]

    @extend_schema(
        examples=[
            OpenApiExample(
                "Kazakhstan from 2027: EUR 1,500 and 50 kg a month, 30 % duty, at least EUR 4 a kg over",
                request_only=True,
                value={
                    "side": "KZ",
                    "effective_from": "2027-01-01",
                    "period": "month",
                    "currency": "EUR",
                    "value_limit": "1500.00",
                    "weight_limit_kg": "50.000",
                    "duty_rate": "0.3000",
                    "duty_minimum_per_kg": "4.00",
                },
            )
        ],
        summary="Add an allowance policy from a day on",
    )
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        policy = policy_services.allowance_policy_add(**serializer.validated_data, acting_user=request.user)
        return Response(self.get_serializer(policy).data, status=status.HTTP_201_CREATED)


class ExchangeRateViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Exchange rates into CNY (administrators): entering a rate for a currency and day again corrects it."""

    queryset = ExchangeRate.objects.all()
    serializer_class = ExchangeRateSerializer
    permission_classes = [IsAdministrator]
    filterset_fields = ["currency"]

    @extend_schema(
        examples=[
            OpenApiExample(
                "The euro from 1 May 2026",
                request_only=True,
                value={"currency": "EUR", "day": "2026-05-01", "rate_to_cny": "7.801200"},
            )
        ],
        summary="Enter (or correct) a rate into CNY",
    )
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rate = policy_services.exchange_rate_set(**serializer.validated_data, acting_user=request.user)
        return Response(self.get_serializer(rate).data, status=status.HTTP_201_CREATED)


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
        shipment = self.get_object()  # another merchant's shipment is a 404, whatever the body holds
        serializer = ShipmentAdvanceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        shipment = shipment_services.shipment_advance(
            shipment=shipment, acting_user=request.user, **serializer.validated_data
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
        shipment = self.get_object()
        serializer = ShipmentHoldSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        shipment = shipment_services.shipment_hold(
            shipment=shipment, acting_user=request.user, **serializer.validated_data
        )
        return self._answer(shipment)

    @extend_schema(request=ShipmentReleaseSerializer, responses={200: ShipmentSerializer, 400: REFUSED})
    @action(detail=True, methods=["post"])
    @idempotent
    def release(self, request, pk=None):
        shipment = self.get_object()
        serializer = ShipmentReleaseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        shipment = shipment_services.shipment_release(
            shipment=shipment, acting_user=request.user, **serializer.validated_data
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

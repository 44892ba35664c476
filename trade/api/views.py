from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from horgos.api.exceptions import error_body
from horgos.api.idempotency import idempotent
from horgos.roles import IsAdministrator, IsMerchantOrAdministrator
from merchants.models import Shop
from trade.api.serializers import (
    AllowancePolicySerializer,
    AllowanceRemainingSerializer,
    AllowanceUseSerializer,
    BuyerSerializer,
    ExchangeRateSerializer,
    SaleCreateSerializer,
    SaleSerializer,
    SaleVoidSerializer,
)
from trade.filtersets import SaleFilterSet
from trade.models import AllowancePolicy, ExchangeRate
from trade.selectors.sales import buyer_for_merchant, sales_visible_to
from trade.services import policy as policy_services
from trade.services import sales as sale_services

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


def _shops_of(user):
    return Shop.objects.filter(merchant__members__user=user)


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
        serializer = SaleCreateSerializer(data=request.data, shops=_shops_of(request.user))
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            sale = sale_services.sale_record(
                shop=data["shop"],
                document=data["document"],
                receipt_number=data["receipt_number"],
                lines=[sale_services.SaleLineInput(**line) for line in data["lines"]],
                acting_user=request.user,
            )
        except sale_services.AllowanceExceeded as refused:
            remaining = AllowanceRemainingSerializer(refused.remaining).data
            body = error_body(code="allowance_exceeded", message=refused.messages[0], fields={"remaining": remaining})
            return Response(body, status=status.HTTP_409_CONFLICT)
        return Response(SaleSerializer(sale).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SaleVoidSerializer, responses={200: SaleSerializer})
    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        """Void a sale (its merchant's staff): the allowance goes back to the sale's own period."""
        serializer = SaleVoidSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sale = sale_services.sale_void(
            sale=self.get_object(), reason=serializer.validated_data["reason"], acting_user=request.user
        )
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

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rate = policy_services.exchange_rate_set(**serializer.validated_data, acting_user=request.user)
        return Response(self.get_serializer(rate).data, status=status.HTTP_201_CREATED)

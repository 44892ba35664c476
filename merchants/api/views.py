from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from horgos.api.idempotency import idempotent
from horgos.roles import IsAdministrator, IsMerchantOrAdministrator
from merchants import selectors
from merchants.api.serializers import (
    CatalogueFiguresSerializer,
    CatalogueListingSerializer,
    CatalogueQuerySerializer,
    ListingSerializer,
    MerchantApplicationSerializer,
    MerchantSerializer,
    ReasonSerializer,
    ShopSerializer,
)
from merchants.services import listings as listing_services
from merchants.services import registry as registry_services


class MerchantViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Merchants: administrators see all; a merchant user only their own (another's is 404)."""

    serializer_class = MerchantSerializer
    permission_classes = [IsMerchantOrAdministrator]
    filterset_fields = ["state", "country"]
    http_method_names = ["get", "patch", "post", "head", "options"]

    def get_queryset(self):
        return selectors.merchants_visible_to(self.request.user).order_by("trade_name", "id")

    def partial_update(self, request, *args, **kwargs):
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        merchant = registry_services.merchant_update_profile(
            merchant=self.get_object(), acting_user=request.user, **serializer.validated_data
        )
        return Response(MerchantSerializer(merchant).data)

    @extend_schema(request=MerchantApplicationSerializer, responses={201: MerchantSerializer})
    @action(
        detail=False, methods=["post"], permission_classes=[permissions.AllowAny], throttle_classes=[AnonRateThrottle]
    )
    def apply(self, request):
        """Public self-registration: a pending merchant and its owner's account."""
        serializer = MerchantApplicationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        merchant = registry_services.merchant_apply(**serializer.validated_data)
        return Response(MerchantSerializer(merchant).data, status=status.HTTP_201_CREATED)

    def _move(self, request, service, *, with_reason: bool):
        kwargs = {"merchant": self.get_object(), "administrator": request.user}
        if with_reason:
            serializer = ReasonSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            kwargs["reason"] = serializer.validated_data["reason"]
        return Response(MerchantSerializer(service(**kwargs)).data)

    @extend_schema(request=None, responses=MerchantSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAdministrator])
    def approve(self, request, pk=None):
        return self._move(request, registry_services.merchant_approve, with_reason=False)

    @extend_schema(request=ReasonSerializer, responses=MerchantSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAdministrator])
    def reject(self, request, pk=None):
        return self._move(request, registry_services.merchant_reject, with_reason=True)

    @extend_schema(request=ReasonSerializer, responses=MerchantSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAdministrator])
    def suspend(self, request, pk=None):
        return self._move(request, registry_services.merchant_suspend, with_reason=True)

    @extend_schema(request=None, responses=MerchantSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAdministrator])
    def reinstate(self, request, pk=None):
        return self._move(request, registry_services.merchant_reinstate, with_reason=False)


CHOOSE_MERCHANT = _("Name the merchant whose shop this is.")


class ShopViewSet(viewsets.ReadOnlyModelViewSet):
    """Shops: a merchant's own, or all for administrators. Owners open and close them."""

    serializer_class = ShopSerializer
    permission_classes = [IsMerchantOrAdministrator]
    filterset_fields = ["side", "state", "merchant"]

    def get_queryset(self):
        return selectors.shops_visible_to(self.request.user).order_by("unit_code")

    @idempotent
    def create(self, request, *args, **kwargs):
        """Open a shop: a merchant user for their own merchant; an administrator names the merchant."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        merchant = data.pop("merchant", None) or selectors.merchant_of(request.user)
        if merchant is None:
            raise ValidationError({"merchant": [CHOOSE_MERCHANT]})
        shop = registry_services.shop_open(merchant=merchant, acting_user=request.user, **data)
        return Response(ShopSerializer(shop).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ShopSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return Response(
            ShopSerializer(registry_services.shop_close(shop=self.get_object(), acting_user=request.user)).data
        )

    @extend_schema(request=None, responses=ShopSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return Response(
            ShopSerializer(registry_services.shop_reopen(shop=self.get_object(), acting_user=request.user)).data
        )


class ListingViewSet(viewsets.ModelViewSet):
    """Listings of the merchant's own shops (all for administrators); moderation by administrators."""

    serializer_class = ListingSerializer
    permission_classes = [IsMerchantOrAdministrator]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_fields = ["state", "shop", "in_stock"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.listings_visible_to(self.request.user).order_by("-updated_at", "-id")

    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        listing = listing_services.listing_create(
            shop=data.pop("shop"), acting_user=request.user, photo=data.pop("photo", None), **data
        )
        return Response(ListingSerializer(listing).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("shop", None)
        listing = listing_services.listing_update(
            listing=self.get_object(), acting_user=request.user, photo=data.pop("photo", None), **data
        )
        return Response(ListingSerializer(listing).data)

    def destroy(self, request, *args, **kwargs):
        listing_services.listing_delete(listing=self.get_object(), acting_user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=ListingSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        listing = listing_services.listing_submit(listing=self.get_object(), acting_user=request.user)
        return Response(ListingSerializer(listing).data)

    @extend_schema(request=None, responses=ListingSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAdministrator])
    def approve(self, request, pk=None):
        listing = listing_services.listing_approve(listing=self.get_object(), administrator=request.user)
        return Response(ListingSerializer(listing).data)

    @extend_schema(request=ReasonSerializer, responses=ListingSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAdministrator])
    def reject(self, request, pk=None):
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        listing = listing_services.listing_reject(
            listing=self.get_object(), administrator=request.user, reason=serializer.validated_data["reason"]
        )
        return Response(ListingSerializer(listing).data)


@extend_schema_view(list=extend_schema(parameters=[CatalogueQuerySerializer]))
class CatalogueViewSet(viewsets.ReadOnlyModelViewSet):
    """The public catalogue: approved listings of approved merchants' open shops (no sign-in needed)."""

    serializer_class = CatalogueListingSerializer
    permission_classes = [permissions.AllowAny]
    throttle_classes = [AnonRateThrottle]
    filter_backends = []

    def get_queryset(self):
        if self.action != "list":
            return selectors.catalogue_listings()
        query = CatalogueQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        params = dict(query.validated_data)
        return selectors.catalogue_search(words=params.pop("q", ""), **params)

    @extend_schema(responses=CatalogueFiguresSerializer)
    @action(detail=False, methods=["get"])
    def figures(self, request):
        return Response(CatalogueFiguresSerializer(selectors.catalogue_figures()).data)

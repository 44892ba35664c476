from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from horgos.api.idempotency import idempotent
from horgos.roles import IsAdministrator, IsMerchantOrAdministrator
from merchants.api.serializers import (
    CatalogueFiguresSerializer,
    CatalogueListingSerializer,
    ListingSerializer,
    MerchantApplicationSerializer,
    MerchantSerializer,
    ReasonSerializer,
    ShopSerializer,
)
from merchants.filtersets import CatalogueFilterSet, ListingFilterSet, MerchantFilterSet, ShopFilterSet
from merchants.models import Listing, Merchant, Shop
from merchants.selectors import merchant_of
from merchants.selectors.catalogue import cached_catalogue_figures, catalogue_listings
from merchants.services import listings as listing_services
from merchants.services import registry as registry_services


class VisibleToRequestUser:
    """Row-level scoping, as the pages have it: the view's queryset narrowed to the rows the requesting user may
    see (`visible_to`), so another merchant's row is a 404, never a 403 that says it exists."""

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)


class MerchantViewSet(VisibleToRequestUser, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Merchants: administrators see all; a merchant user only their own (another's is 404)."""

    queryset = Merchant.objects.order_by("trade_name", "id")
    serializer_class = MerchantSerializer
    permission_classes = [IsMerchantOrAdministrator]
    filterset_class = MerchantFilterSet
    http_method_names = ["get", "patch", "post", "head", "options"]

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
        kwargs = {"merchant": self.get_object(), "acting_user": request.user}
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


class ShopViewSet(VisibleToRequestUser, viewsets.ReadOnlyModelViewSet):
    """Shops: a merchant's own, or all for administrators. Owners open and close them."""

    queryset = Shop.objects.select_related("merchant").order_by("unit_code")
    serializer_class = ShopSerializer
    permission_classes = [IsMerchantOrAdministrator]
    filterset_class = ShopFilterSet

    @idempotent
    def create(self, request, *args, **kwargs):
        """Open a shop: a merchant user for their own merchant; an administrator names the merchant."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        merchant = data.pop("merchant", None) or merchant_of(request.user)
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


class ListingViewSet(VisibleToRequestUser, viewsets.ModelViewSet):
    """Listings of the merchant's own shops (all for administrators); moderation by administrators."""

    queryset = Listing.objects.select_related("shop__merchant", "hs_heading__chapter").order_by("-updated_at", "-id")
    serializer_class = ListingSerializer
    permission_classes = [IsMerchantOrAdministrator]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_class = ListingFilterSet
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

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
        listing = listing_services.listing_approve(listing=self.get_object(), acting_user=request.user)
        return Response(ListingSerializer(listing).data)

    @extend_schema(request=ReasonSerializer, responses=ListingSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAdministrator])
    def reject(self, request, pk=None):
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        listing = listing_services.listing_reject(
            listing=self.get_object(), acting_user=request.user, reason=serializer.validated_data["reason"]
        )
        return Response(ListingSerializer(listing).data)


class CatalogueViewSet(viewsets.ReadOnlyModelViewSet):
    """The public catalogue: approved listings of approved merchants' open shops (no sign-in needed), filtered as
    the catalogue page filters them."""

    serializer_class = CatalogueListingSerializer
    permission_classes = [permissions.AllowAny]
    throttle_classes = [AnonRateThrottle]
    filter_backends = [DjangoFilterBackend]  # ordered by the FilterSet's `sort` (newest first by default)
    filterset_class = CatalogueFilterSet

    def get_queryset(self):
        return catalogue_listings()

    @extend_schema(responses=CatalogueFiguresSerializer)
    @action(detail=False, methods=["get"])
    def figures(self, request):
        return Response(CatalogueFiguresSerializer(cached_catalogue_figures()).data)

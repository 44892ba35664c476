from rest_framework import serializers

from horgos.api.fields import CountryField
from merchants.choices import StockLevel
from merchants.models import Listing, Merchant, Shop
from merchants.models.catalogue import EDITABLE_FIELDS, FEW_LEFT


class MerchantSerializer(serializers.ModelSerializer):
    country = CountryField(read_only=True)

    class Meta:
        model = Merchant
        fields = [
            "id",
            "legal_name",
            "trade_name",
            "country",
            "registration_number",
            "licence_number",
            "licence_valid_until",
            "contact_person",
            "phone",
            "email",
            "address",
            "state",
            "state_reason",
            "state_changed_at",
            "created_at",
        ]
        read_only_fields = ["id", "legal_name", "country", "registration_number", "state", "state_reason",
                            "state_changed_at", "created_at"]  # fmt: skip


class MerchantApplicationSerializer(serializers.Serializer):
    legal_name = serializers.CharField(max_length=200)
    trade_name = serializers.CharField(max_length=200)
    country = CountryField()
    registration_number = serializers.CharField(max_length=50)
    licence_number = serializers.CharField(max_length=50)
    licence_valid_until = serializers.DateField()
    contact_person = serializers.CharField(max_length=200)
    phone = serializers.CharField(max_length=30)
    email = serializers.EmailField()
    address = serializers.CharField(max_length=300)
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(write_only=True, style={"input_type": "password"})


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class ScopedToRequestUser:
    """Related-object choices limited to what the requesting user may see (`visible_to`): another merchant's shop
    is simply not a valid choice (400), never a hint that it exists."""

    scoped_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        for name in self.scoped_fields:
            field = self.fields[name]
            model = field.queryset.model
            field.queryset = model.objects.visible_to(request.user) if request else model.objects.none()


class ShopSerializer(ScopedToRequestUser, serializers.ModelSerializer):
    merchant = serializers.PrimaryKeyRelatedField(queryset=Merchant.objects.none(), required=False)
    scoped_fields = ("merchant",)

    class Meta:
        model = Shop
        fields = ["id", "unit_code", "side", "merchant", "name", "area_m2", "opened_on", "state"]
        read_only_fields = ["id", "merchant", "state"]


class ListingSerializer(ScopedToRequestUser, serializers.ModelSerializer):
    origin_country = CountryField()
    shop = serializers.PrimaryKeyRelatedField(queryset=Shop.objects.none())
    scoped_fields = ("shop",)
    title = serializers.CharField(read_only=True)
    photo = serializers.ImageField(required=False, allow_null=True)

    class Meta:
        model = Listing
        fields = ["id", "shop", "title", *EDITABLE_FIELDS, "photo", "thumbnail", "state", "rejection_reason",
                  "submitted_at", "reviewed_at", "updated_at"]  # fmt: skip
        read_only_fields = ["id", "thumbnail", "state", "rejection_reason", "submitted_at", "reviewed_at", "updated_at"]


class CatalogueListingSerializer(serializers.ModelSerializer):
    """What anyone may see of an approved listing."""

    title = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    origin_country = CountryField(read_only=True)
    shop_unit = serializers.CharField(source="shop.unit_code", read_only=True)
    shop_name = serializers.CharField(source="shop.name", read_only=True)
    side = serializers.CharField(source="shop.side", read_only=True)
    merchant = serializers.CharField(source="shop.merchant.trade_name", read_only=True)
    hs_chapter = serializers.CharField(source="hs_heading.chapter.code", read_only=True)
    in_stock = serializers.BooleanField(read_only=True, help_text="At least one unit on hand.")
    stock = serializers.ChoiceField(
        source="stock_level",
        choices=StockLevel.choices,
        read_only=True,
        help_text=f"in_stock, few_left (at most {FEW_LEFT} units) or out_of_stock; the quantity stays the merchant's.",
    )

    class Meta:
        model = Listing
        fields = ["id", "title", "description", "title_en", "title_zh_hans", "title_kk", "title_ru", "hs_code",
                  "hs_chapter", "origin_country", "price", "unit_weight_kg", "in_stock", "stock", "thumbnail", "photo",
                  "shop_unit", "shop_name", "side", "merchant"]  # fmt: skip


class CatalogueFiguresSerializer(serializers.Serializer):
    products = serializers.IntegerField()
    countries = serializers.IntegerField()
    shops = serializers.IntegerField()
    merchants = serializers.IntegerField()

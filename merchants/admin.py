"""The registry in the admin: browse and search. Lifecycle changes go through the services (audited),
so merchants, staff, shops, listings and notifications are read-only here.

HS reference data: the names of chapters and headings may be corrected here; the codes, and which chapter a
heading belongs to, may not (listings name their heading by the first four digits of their HS code, and the
catalogue's product groups are its first two), and rows are neither added nor deleted: the HS 2022
nomenclature is loaded from merchants/data by `merchants_load_hs`."""

from django.contrib import admin

from horgos.admin import ReadOnlyAdmin, ReadOnlyInline
from merchants.models import HsChapter, HsHeading, Listing, Merchant, MerchantMember, Notification, Shop


class MemberInline(ReadOnlyInline):
    model = MerchantMember


@admin.register(Merchant)
class MerchantAdmin(ReadOnlyAdmin):
    list_display = ["trade_name", "legal_name", "country", "state", "licence_valid_until", "created_at"]
    list_filter = ["state", "country"]
    search_fields = ["trade_name", "legal_name", "registration_number", "licence_number"]
    inlines = [MemberInline]


@admin.register(Shop)
class ShopAdmin(ReadOnlyAdmin):
    list_display = ["unit_code", "name", "side", "merchant", "state", "area_m2"]
    list_filter = ["side", "state"]
    search_fields = ["unit_code", "name", "merchant__trade_name"]
    list_select_related = ["merchant"]


@admin.register(Listing)
class ListingAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "shop", "hs_code", "origin_country", "price", "state", "updated_at"]
    list_filter = ["state", "origin_country"]
    search_fields = ["title_en", "title_zh_hans", "title_kk", "title_ru", "hs_code"]
    list_select_related = ["shop"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "merchant", "kind", "message", "read_at"]
    list_filter = ["kind"]


class ReferenceNamesAdmin(admin.ModelAdmin):
    """Names editable, codes not; no rows added or deleted (see the module's docstring)."""

    fixed_fields: tuple[str, ...] = ("code",)

    def get_readonly_fields(self, request, obj=None):
        return self.fixed_fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(HsChapter)
class HsChapterAdmin(ReferenceNamesAdmin):
    list_display = ["code", "name_en", "name_zh_hans", "name_kk", "name_ru"]
    search_fields = ["code", "name_en", "name_zh_hans", "name_kk", "name_ru"]


@admin.register(HsHeading)
class HsHeadingAdmin(ReferenceNamesAdmin):
    fixed_fields = ("code", "chapter")
    list_display = ["code", "chapter", "name_en"]
    list_filter = ["chapter"]
    search_fields = ["code", "name_en"]

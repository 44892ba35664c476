"""The trade in the admin: browse and search. Sales, ledgers, shipments and policy data change through the services
(audited, rule-checked) and their pages, never here."""

from django.contrib import admin

from horgos.admin import ReadOnlyAdmin, ReadOnlyInline
from trade.models import (
    AllowanceLedger,
    AllowancePolicy,
    ExchangeRate,
    Sale,
    SaleLine,
    Shipment,
    ShipmentEvent,
    ShipmentLine,
    ShuttleTraderFlag,
    ShuttleTraderPolicy,
)
from trade.services.flags import shuttle_trader_policy_add


class SaleLineInline(ReadOnlyInline):
    model = SaleLine


@admin.register(Sale)
class SaleAdmin(ReadOnlyAdmin):
    list_display = ["receipt_number", "shop", "sold_at", "side", "total_cny", "state"]
    list_filter = ["state", "side"]
    search_fields = ["receipt_number", "shop__unit_code"]
    date_hierarchy = "sold_at"
    inlines = [SaleLineInline]


@admin.register(AllowanceLedger)
class AllowanceLedgerAdmin(ReadOnlyAdmin):
    list_display = ["traveller", "side", "period_start", "value_used", "value_limit", "currency", "weight_used_kg"]
    list_filter = ["side"]


@admin.register(AllowancePolicy)
class AllowancePolicyAdmin(ReadOnlyAdmin):
    list_display = ["side", "effective_from", "period", "currency", "value_limit", "weight_limit_kg"]


@admin.register(ExchangeRate)
class ExchangeRateAdmin(ReadOnlyAdmin):
    list_display = ["currency", "day", "rate_to_cny", "entered_by"]
    list_filter = ["currency"]


class ShipmentLineInline(ReadOnlyInline):
    model = ShipmentLine


class ShipmentEventInline(ReadOnlyInline):
    model = ShipmentEvent


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyAdmin):
    list_display = ["reference", "merchant", "consignee_name", "corridor", "step", "held"]
    list_filter = ["step", "corridor", "held"]
    search_fields = ["reference", "consignee_name"]
    inlines = [ShipmentLineInline, ShipmentEventInline]


@admin.register(ShuttleTraderPolicy)
class ShuttleTraderPolicyAdmin(admin.ModelAdmin):
    """Policy data: a new policy is added through the audited service; one in force is never changed or deleted."""

    list_display = ["effective_from", "window_days", "min_entries", "share_of_allowance", "share_of_visits"]

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        fields = {name: form.cleaned_data[name] for name in self.list_display}
        saved = shuttle_trader_policy_add(**fields, acting_user=request.user)
        obj.pk = saved.pk


@admin.register(ShuttleTraderFlag)
class ShuttleTraderFlagAdmin(ReadOnlyAdmin):
    list_display = ["traveller", "flagged_on", "entries", "heavy_visits", "largest_share"]

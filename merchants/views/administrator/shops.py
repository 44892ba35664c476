"""The shop registry, for administrators: every unit with a shop as a map by building and floor, and the same
units as a table below, filtered by side of the zone and building."""

from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from horgos.pages import paged_table
from merchants.choices import MerchantState, ShopState
from merchants.filtersets import ShopMapFilterSet
from merchants.models import Shop
from merchants.pages import administrators_only, render_page
from merchants.selectors import registry as selectors
from merchants.tables import UnitTable


@dataclass
class UnitCell:
    """One unit on the shop map: the shop in it and whether it trades, as words (the colour only repeats them)."""

    shop: Shop
    status: str
    label: str
    note: str = ""


def _unit_cell(shop: Shop) -> UnitCell:
    if shop.state == ShopState.CLOSED:
        return UnitCell(shop, "vacant", _("Vacant"), _("Shop closed"))
    if shop.merchant.state != MerchantState.APPROVED:
        note = _("Merchant %(state)s") % {"state": shop.merchant.get_state_display().lower()}
        return UnitCell(shop, "inactive", _("Inactive"), note)
    return UnitCell(shop, "trading", _("Trading"))


def _shop_map(cells: list[UnitCell]) -> list[dict[str, Any]]:
    """The units, already in unit order, by building and floor: [{"building", "floors": [{"floor", "cells"}]}]."""
    return [
        {
            "building": building,
            "floors": [
                {"floor": floor, "cells": list(floor_cells)}
                for floor, floor_cells in groupby(building_cells, key=lambda cell: cell.shop.unit_floor)
            ],
        }
        for building, building_cells in groupby(cells, key=lambda cell: cell.shop.unit_building)
    ]


@administrators_only
@require_GET
def shops(request: HttpRequest) -> HttpResponse:
    """The shop registry as a map of units by building and floor, and the same shops as a table below."""
    filterset = ShopMapFilterSet(request.GET, queryset=selectors.registry_shops(request.user), request=request)
    cells = [_unit_cell(shop) for shop in filterset.qs]
    context = {
        "filter_form": filterset.form,
        "shop_map": _shop_map(cells),
        "table": paged_table(request, UnitTable(cells, caption=_("Units as a table"))),
        "shop_count": len(cells),
    }
    return render_page(request, "merchants/administrator/shops.html", context)

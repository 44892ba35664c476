"""The shop registry, for administrators: every unit with a shop drawn as a grid per building and floor (occupied,
vacant, closed; the shop and its merchant on hover or tap), and the same units as a table below, filtered by side
of the zone, building, floor, state and merchant."""

from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from horgos.pages import paged_table
from merchants.choices import UnitState
from merchants.filtersets import ShopMapFilterSet
from merchants.models import Shop
from merchants.pages import administrators_only, render_page
from merchants.selectors import registry as selectors
from merchants.tables import UnitTable


@dataclass
class UnitCell:
    """One unit on the shop map: the shop in it and its state on the map, in words (the colour only repeats them)."""

    shop: Shop
    status: str
    label: str
    note: str = ""

    @property
    def number(self) -> str:
        """The unit's own number on its floor (015 of B2-1-015)."""
        return self.shop.unit_code.rsplit("-", 1)[-1]


def _unit_cell(shop: Shop) -> UnitCell:
    state = UnitState(shop.unit_state)
    if state == UnitState.VACANT:
        return UnitCell(shop, state, state.label, _("Shop closed"))
    if state == UnitState.CLOSED:
        note = _("Merchant %(state)s") % {"state": shop.merchant.get_state_display().lower()}
        return UnitCell(shop, state, state.label, note)
    return UnitCell(shop, state, state.label)


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
    counts = {state: sum(cell.status == state for cell in cells) for state in UnitState.values}
    context = {
        "filter_form": filterset.form,
        "shop_map": _shop_map(cells),
        "table": paged_table(request, UnitTable(cells, caption=_("Units as a table"))),
        "shop_count": len(cells),
        "legend": [{"state": state, "label": label, "count": counts[state]} for state, label in UnitState.choices],
    }
    return render_page(request, "merchants/administrator/shops.html", context)

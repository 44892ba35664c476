"""The shop registry, for administrators: every unit with a shop drawn as a grid per building and floor (occupied,
vacant, closed; the shop and its merchant on hover or tap), and the same units as a table below, filtered by side
of the zone, building, floor, state and merchant."""

from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
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
    """One unit on the shop map: the shop in it and its state on the map, in words (the colour only repeats them),
    and the address of its merchant's page."""

    shop: Shop
    status: str
    label: str
    merchant_url: str
    note: str = ""

    @property
    def number(self) -> str:
        """The unit's own number on its floor (015 of B2-1-015)."""
        return self.shop.unit_code.rsplit("-", 1)[-1]

    def html(self) -> str:
        """The unit on the map: its number and state, opening (on hover or tap) to its shop and merchant.

        Written here rather than by a template loop, as a table's cells are (format_html escapes every value): the
        whole zone is 5,000 units, and the template engine took most of a second to write them."""
        shop = self.shop
        return format_html(
            UNIT_HTML,
            status=self.status,
            code=shop.unit_code,
            name=shop.name,
            merchant=shop.merchant.trade_name,
            merchant_url=self.merchant_url,
            number=self.number,
            symbol=UNIT_SYMBOLS[self.status],
            label=self.label,
            state=format_html("{} · {}", self.label, self.note) if self.note else self.label,
        )


UNIT_FIELDS = ("unit_code", "name", "side", "merchant__trade_name", "merchant__state")
UNIT_SYMBOLS = {UnitState.OCCUPIED: "●", UnitState.VACANT: "○", UnitState.CLOSED: "◌"}
UNIT_HTML = """<li class="reg-unit reg-unit-{status}" data-unit="{code}">
  <details>
    <summary title="{code} · {name} · {merchant} · {label}">
      <span aria-hidden="true">{number} {symbol}</span>
      <span class="visually-hidden">{code}: {label}</span>
    </summary>
    <div class="reg-unit-info">
      <strong class="reg-unit-code">{code}</strong>
      <span class="reg-unit-name">{name}</span>
      <a class="reg-unit-merchant" href="{merchant_url}">{merchant}</a>
      <span class="reg-unit-state">{state}</span>
    </div>
  </details>
</li>
"""


def _unit_cells(shops) -> list[UnitCell]:
    """The map's cells. The whole zone is 5,000 units: each state's words are translated once and each merchant's
    address reversed once, rather than for every unit (its state's words were translated three times a unit)."""
    labels = {state: str(label) for state, label in UnitState.choices}
    merchant_urls: dict[int, str] = {}
    cells = []
    for shop in shops:
        state = UnitState(shop.unit_state)
        if shop.merchant_id not in merchant_urls:
            merchant_urls[shop.merchant_id] = reverse("merchants:registry-merchant", args=[shop.merchant_id])
        note = ""
        if state == UnitState.VACANT:
            note = _("Shop closed")
        elif state == UnitState.CLOSED:
            note = _("Merchant %(state)s") % {"state": shop.merchant.get_state_display().lower()}
        cells.append(UnitCell(shop, state, labels[state], merchant_urls[shop.merchant_id], note))
    return cells


def _shop_map(cells: list[UnitCell]) -> list[dict[str, Any]]:
    """The units, already in unit order, by building and floor: [{"building", "floors": [{"floor", "units"}]}],
    each floor's units written as HTML at once (`UnitCell.html`)."""
    return [
        {
            "building": building,
            "floors": [
                {"floor": floor, "units": mark_safe("".join(cell.html() for cell in floor_cells))}
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
    # What the map and the table show of each shop: a whole row of shop and merchant was most of the reading.
    cells = _unit_cells(filterset.qs.only(*UNIT_FIELDS))
    counts = {state: sum(cell.status == state for cell in cells) for state in UnitState.values}
    context = {
        "filter_form": filterset.form,
        "shop_map": _shop_map(cells),
        "table": paged_table(request, UnitTable(cells, caption=_("Units as a table"))),
        "shop_count": len(cells),
        "legend": [{"state": state, "label": label, "count": counts[state]} for state, label in UnitState.choices],
    }
    return render_page(request, "merchants/administrator/shops.html", context)

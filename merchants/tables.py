"""The tables of the merchants app's list pages (django-tables2): the registry's, whose rows stack as cards on a
phone (.reg-table-stack in catalogue.css), and the portal's, which scroll sideways (.portal-table in merchants.css).

Each list keeps the order its selector gives, so no column sorts. Dates and times render as the pages always wrote
them; a state renders with the partial the other pages of its audience use.
"""

from typing import Any
from urllib.parse import urlencode

import django_tables2 as tables
from django.core.exceptions import FieldDoesNotExist
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.timesince import timesince
from django.utils.timezone import template_localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from horgos.models import AuditEntry
from horgos.tables import ActionColumn, StackedListTable
from merchants.choices import MerchantState, ShopState
from merchants.models import Listing, Merchant, MerchantMember, Shop
from merchants.pages import STATES
from merchants.services.listings import SUBMITTABLE


def shown_date(value, date_format: str) -> str:
    """A date or a moment as the `date` filter writes it in a template (a moment in the current time zone)."""
    return date_filter(template_localtime(value), date_format)


def code(value: str) -> str:
    return format_html("<code>{}</code>", value)


def merchant_link(merchant: Merchant) -> str:
    url = reverse("merchants:registry-merchant", args=[merchant.pk])
    return format_html('<a href="{}">{}</a>', url, merchant.trade_name)


def with_states(template: str, **context: Any) -> str:
    """A partial that compares states (`merchant.state == MerchantState.APPROVED`), rendered for one row."""
    return render_to_string(template, {**STATES, **context})


# --- The registry, for administrators --------------------------------------------------------------------


class RegistryTable(StackedListTable):
    class Meta(StackedListTable.Meta):
        attrs = {"class": "table reg-table reg-table-stack"}
        orderable = False


class MerchantTable(RegistryTable):
    """Every merchant of the registry, with its state and its number of shops (`shop_count`)."""

    trade_name = tables.Column(verbose_name=_("Trade name"))
    legal_name = tables.Column(verbose_name=_("Legal name"))
    # Through the code, as every country column: for a field with choices django-tables2 would first look up the
    # display name in every cell, which django-countries answers by normalising its 250 choices again.
    country = tables.Column(verbose_name=_("Country"), accessor="country__code")
    registration_number = tables.Column(verbose_name=_("Registration number"))
    state = tables.Column(verbose_name=_("State"))
    shop_count = tables.Column(verbose_name=_("Shops"), attrs={"cell": {"class": "num"}})

    class Meta(RegistryTable.Meta):
        empty_text = _("No merchants match.")

    def render_trade_name(self, record: Merchant) -> str:
        return merchant_link(record)

    # The record's Country, not the cell value (its code).
    def render_country(self, record: Merchant) -> str:
        return record.country.name

    def render_registration_number(self, value: str) -> str:
        return code(value)

    def render_state(self, record: Merchant) -> str:
        return with_states("merchants/administrator/_merchant_state.html", merchant=record)


class UnitTable(RegistryTable):
    """The shop map's units (`UnitCell`s of the shop registry) as a table: the shop, its merchant, whether it trades."""

    unit = tables.Column(verbose_name=_("Unit"), accessor="shop__unit_code")
    name = tables.Column(verbose_name=_("Shop name"), accessor="shop__name")
    side = tables.Column(verbose_name=_("Side of the zone"), accessor="shop")
    merchant = tables.Column(verbose_name=_("Merchant"), accessor="shop__merchant")
    state = tables.Column(verbose_name=_("State"), accessor="label")

    class Meta(RegistryTable.Meta):
        empty_text = _("No units match.")

    def render_unit(self, value: str) -> str:
        return code(value)

    def render_side(self, value: Shop) -> str:
        return value.get_side_display()

    def render_merchant(self, value: Merchant) -> str:
        return merchant_link(value)

    def render_state(self, value: str, record) -> str:
        return format_html("{} · {}", value, record.note) if record.note else value


class MerchantShopTable(RegistryTable):
    """A merchant's shops, on its page in the registry."""

    unit_code = tables.Column(verbose_name=_("Unit"))
    name = tables.Column(verbose_name=_("Shop name"))
    side = tables.Column(verbose_name=_("Side of the zone"))
    opened_on = tables.Column(verbose_name=_("Opened on"))
    state = tables.Column(verbose_name=_("State"))

    class Meta(RegistryTable.Meta):
        empty_text = _("No shops.")

    def render_unit_code(self, value: str) -> str:
        return code(value)

    def render_side(self, record: Shop) -> str:
        return record.get_side_display()

    def render_opened_on(self, value) -> str:
        return shown_date(value, "Y-m-d")

    def render_state(self, record: Shop) -> str:
        return record.get_state_display()


# The bulk form of the moderation page, which the rows' checkboxes belong to (they sit in the table, outside it).
MODERATION_FORM_ID = "moderation-bulk"


class ModerationTable(RegistryTable):
    """Listings waiting for review, oldest first: each row a checkbox for the bulk form and a link to the whole
    listing (photo, descriptions), then its merchant, shop, product group, origin, price and age."""

    title = tables.Column(verbose_name=_("Listing"), accessor="pk")
    merchant = tables.Column(verbose_name=_("Merchant"), accessor="shop__merchant")
    shop = tables.Column(verbose_name=_("Shop"), accessor="shop__unit_code")
    hs_code = tables.Column(verbose_name=_("HS code"))
    origin_country = tables.Column(verbose_name=_("Country of origin"), accessor="origin_country__code")
    price = tables.Column(verbose_name=_("Price (CNY)"), attrs={"cell": {"class": "num"}})
    submitted_at = tables.Column(verbose_name=_("Submitted"))

    class Meta(RegistryTable.Meta):
        empty_text = _("No listings are waiting for review.")
        row_attrs = {"id": lambda record: f"listing-{record.pk}", "class": "reg-moderation-row"}

    def __init__(self, *args, next_url: str = "", chosen: set[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.next_url = next_url
        self.chosen = chosen or set()

    def render_title(self, record: Listing) -> str:
        detail = reverse("merchants:registry-listing", args=[record.pk])
        if self.next_url:
            detail += "?" + urlencode({"next": self.next_url})
        return format_html(
            '<span class="reg-pick"><input type="checkbox" name="listings" value="{}" form="{}" id="pick-{}"{} '
            'aria-label="{}"> <a href="{}">{}</a></span>',
            record.pk,
            MODERATION_FORM_ID,
            record.pk,
            " checked" if str(record.pk) in self.chosen else "",
            gettext("Choose: %(title)s") % {"title": record.title},
            detail,
            record.title,
        )

    def render_merchant(self, value: Merchant) -> str:
        return merchant_link(value)

    def render_shop(self, value: str) -> str:
        return code(value)

    def render_hs_code(self, record: Listing) -> str:
        chapter = record.hs_heading.chapter
        return format_html(
            '<code>{}</code> <span class="help reg-chapter" title="{}">{} · {}</span>',
            record.hs_code,
            chapter.name,
            chapter.code,
            Truncator(chapter.name).chars(32),
        )

    def render_origin_country(self, record: Listing) -> str:
        return record.origin_country.name

    def render_price(self, value) -> str:
        return floatformat(value, 2)

    def render_submitted_at(self, value) -> str:
        return format_html(
            '<time datetime="{}">{}</time> <span class="help">{}</span>',
            shown_date(value, "c"),
            shown_date(value, "SHORT_DATETIME_FORMAT"),
            gettext("%(age)s ago") % {"age": timesince(value)},
        )


def _value_label(name: str, value: Any) -> Any:
    """A stored value as people read it: the label of a state, else the value itself."""
    if name == "state" and value in MerchantState.values:
        return MerchantState(value).label
    return "—" if value in (None, "") else value


def _field_label(name: str) -> str:
    try:
        return str(Merchant._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a key of `changes` that is not a merchant field (e.g. "user") reads as it is
        return name


def change_lines(changes: dict[str, Any]) -> list[dict[str, Any]]:
    """An audit row's `changes` as lines: {"field", "before", "after"} for a change, {"field", "value"} otherwise."""
    lines = []
    for name, value in (changes or {}).items():
        if isinstance(value, dict) and set(value) == {"before", "after"}:
            lines.append(
                {
                    "field": _field_label(name),
                    "before": _value_label(name, value["before"]),
                    "after": _value_label(name, value["after"]),
                }
            )
        else:
            lines.append({"field": _field_label(name), "value": _value_label(name, value)})
    return lines


def change_line_text(line: dict[str, Any]) -> str:
    if "value" in line:
        return format_html("{}: {}", line["field"], line["value"])
    return format_html("{}: {} → {}", line["field"], line["before"], line["after"])


class MerchantHistoryTable(RegistryTable):
    """A merchant's audit rows, newest first: when, who, what, and each change in words."""

    occurred_at = tables.Column(verbose_name=_("When"))
    actor_username = tables.Column(verbose_name=_("Who"), default=_("System"))
    action = tables.Column(verbose_name=_("What"))
    changes = tables.Column(verbose_name=_("Changes"), empty_values=())

    class Meta(RegistryTable.Meta):
        empty_text = _("No history yet.")
        row_attrs = {"class": "reg-history-entry"}

    def render_occurred_at(self, value) -> str:
        return format_html('<time datetime="{}">{}</time>', shown_date(value, "c"), shown_date(value, "Y-m-d H:i:s"))

    def render_action(self, record: AuditEntry) -> str:
        return record.get_action_display()

    def render_changes(self, value: dict) -> str:
        lines = format_html_join("", "<li>{}</li>", ((change_line_text(line),) for line in change_lines(value)))
        return format_html('<ul class="reg-plain-list">{}</ul>', lines)


# --- The portal, for a merchant's staff ------------------------------------------------------------------


class PortalTable(StackedListTable):
    """A portal table; each row has the id `<row_id>-<pk>`, where a button's redirect brings the user back."""

    row_id = ""

    class Meta(StackedListTable.Meta):
        attrs = {"class": "table portal-table"}
        orderable = False
        row_attrs = {"id": lambda table, record: f"{table.row_id}-{record.pk}"}


def portal_buttons(template_name: str, *, row_name: str, **extra_context: Any) -> ActionColumn:
    """The row's buttons, from a partial of the portal that calls the row `row_name`."""
    return ActionColumn(
        template_name=template_name,
        context_object_name=row_name,
        extra_context=extra_context,
        attrs={"td": {"class": "portal-action"}},
    )


# The form (on the listings page, outside the table) that the listings' tick boxes belong to.
SUBMIT_FORM_ID = "listings-submit"


class ListingTable(PortalTable):
    """A merchant's listings: each with its state (and a rejection's reason), an Edit button, and Submit while it
    is a draft or rejected; such a listing also has a tick box, to submit many at once (SUBMIT_FORM_ID)."""

    title = tables.Column(verbose_name=_("Title"), attrs={"td": {"class": "portal-title"}}, empty_values=())
    state = tables.Column(verbose_name=_("State"))
    price = tables.Column(verbose_name=_("Price"), attrs={"th": {"class": "num"}, "td": {"class": "num portal-price"}})
    stock_quantity = tables.Column(verbose_name=_("Stock"), attrs={"th": {"class": "num"}, "td": {"class": "num"}})
    shop = tables.Column(verbose_name=_("Shop"))
    hs_code = tables.Column(verbose_name=_("HS code"))
    select = tables.Column(verbose_name=_("Select"), empty_values=(), attrs={"td": {"class": "portal-select"}})
    actions = portal_buttons("merchants/merchant/_listing_actions.html", row_name="listing", submittable=SUBMITTABLE)
    row_id = "listing"

    class Meta(PortalTable.Meta):
        empty_text = _("No listings match.")

    def render_select(self, record: Listing) -> str:
        if record.state not in SUBMITTABLE:
            return ""
        return format_html(
            '<input type="checkbox" name="listing" value="{}" form="{}" aria-label="{}">',
            record.pk,
            SUBMIT_FORM_ID,
            gettext("Select “%(title)s”") % {"title": record.title},
        )

    def render_title(self, record: Listing) -> str:
        url = reverse("merchants:portal-listing-edit", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, record.title)

    def render_state(self, record: Listing) -> str:
        return with_states("merchants/merchant/_listing_state.html", listing=record)

    def render_price(self, value) -> str:
        return f"{floatformat(value, 2)} CNY"

    def render_stock_quantity(self, value: int) -> str:
        if value:
            return str(value)
        return format_html('<span class="portal-status portal-status-warn">{}</span>', gettext("Out of stock"))

    def render_shop(self, value: Shop) -> str:
        return format_html("{} {}", code(value.unit_code), value.name)

    def render_hs_code(self, value: str) -> str:
        return code(value)


class ShopTable(PortalTable):
    """A merchant's shops with their number of listings (`listing_count`); owners close and reopen them (the
    `actions` column, which the page excludes for clerks)."""

    unit_code = tables.Column(verbose_name=_("Unit"))
    state = tables.Column(verbose_name=_("State"))
    name = tables.Column(verbose_name=_("Name"))
    side = tables.Column(verbose_name=_("Side"))
    area_m2 = tables.Column(verbose_name=_("Area (m²)"), attrs={"cell": {"class": "num"}})
    opened_on = tables.Column(verbose_name=_("Opened on"))
    listing_count = tables.Column(verbose_name=_("Listings"), attrs={"cell": {"class": "num"}})
    actions = portal_buttons("merchants/merchant/_shop_actions.html", row_name="shop", ShopState=ShopState)
    row_id = "shop"

    class Meta(PortalTable.Meta):
        empty_text = _("Your merchant runs no shop yet.")

    def render_unit_code(self, value: str) -> str:
        return code(value)

    def render_state(self, record: Shop) -> str:
        kind, mark = ("ok", "✓") if record.state == ShopState.OPEN else ("muted", "✕")
        return format_html(
            '<span class="portal-status portal-status-{}"><span aria-hidden="true">{}</span> {}</span>',
            kind,
            mark,
            record.get_state_display(),
        )

    def render_side(self, record: Shop) -> str:
        return record.get_side_display()

    def render_area_m2(self, value) -> str:
        return floatformat(value, 2)

    def render_opened_on(self, value) -> str:
        return shown_date(value, "DATE_FORMAT")

    def render_listing_count(self, value: int, record: Shop) -> str:
        return format_html('<a href="{}?shop={}">{}</a>', reverse("merchants:portal-listings"), record.pk, value)


class MemberTable(PortalTable):
    """A merchant's staff, the signed-in user marked "you"; owners remove members (the `actions` column, which the
    page excludes for clerks)."""

    username = tables.Column(verbose_name=_("Username"), accessor="user__username")
    name = tables.Column(verbose_name=_("Name"), accessor="user", empty_values=())
    role = tables.Column(verbose_name=_("Role"))
    joined_at = tables.Column(verbose_name=_("Joined on"))
    actions = portal_buttons("merchants/merchant/_member_actions.html", row_name="member")
    row_id = "member"

    class Meta(PortalTable.Meta):
        pass

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def render_username(self, value: str, record: MerchantMember) -> str:
        if record.user_id != self.user.pk:
            return value
        return format_html('{} <span class="portal-status portal-status-muted">{}</span>', value, gettext("you"))

    def render_name(self, record: MerchantMember) -> str:
        return record.user.get_full_name() or "—"

    def render_role(self, record: MerchantMember) -> str:
        return record.get_role_display()

    def render_joined_at(self, value) -> str:
        return shown_date(value, "DATE_FORMAT")

"""Demo data for `make run`: the HS reference data, six approved merchants from five countries and one
pending application, their owners, twelve shops on both sides of the zone and about two hundred listings.
The merchants, shops and products (in four languages) are data, in merchants/data/demo.json.

Idempotent: when any merchant exists the command leaves the registry as it is. Deterministic: the same
listings, prices and states come out on every machine (a fixed seed). Rows are written in bulk, in one
transaction, so the command takes a second or two; the demo user `merchant` (from `load_demo_users`),
when present, becomes an owner of the first merchant.
"""

import json
import random
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from horgos.choices import Role
from horgos.models import User
from merchants.choices import ListingState, MemberRole, MerchantState, NotificationKind
from merchants.models import HsHeading, Listing, Merchant, MerchantMember, Notification, Shop
from merchants.models.catalogue import FEW_LEFT

DEMO_PASSWORD = "horgos-demo"  # the same as load_demo_users
DEMO_SEED = 2026
EXISTING_DEMO_USER = "merchant"
# Each merchant: its owner, its registry fields, the languages its listings are written in, its shops and the
# products every shop of it sells. Each product: HS code, origin, price (CNY) and weight (kg) at scale 1, title
# and description in each language, and variants: words added to the title in each language and the scale of
# their price and weight.
DEMO = json.loads((Path(__file__).resolve().parents[2] / "data" / "demo.json").read_text(encoding="utf-8"))
MERCHANTS, PENDING_APPLICATION, PRODUCTS = DEMO["merchants"], DEMO["pending_application"], DEMO["products"]
REJECTION_REASON = DEMO["rejection_reason"]
# The product the administrator turned down in the demo, for a wrong HS code: black tea filed as green (090210).
REJECTED_HS_CODE, WRONG_HS_CODE = "090240", "090210"


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        try:
            call_command("merchants_load_hs", verbosity=0)
        except FileNotFoundError as error:
            self.stderr.write(f"HS reference data not loaded ({error}); using the headings already in the database")
        if Merchant.objects.exists():
            self.stdout.write("merchants present; left as they are")
            return
        headings = {heading.code: heading for heading in HsHeading.objects.filter(code__in=_headings_needed())}
        missing = sorted(set(_headings_needed()) - set(headings))
        if missing:
            raise CommandError(f"HS headings missing for the demo listings: {', '.join(missing)}")
        with transaction.atomic():
            created = self._create(headings)
        self.stdout.write(self.style.SUCCESS(", ".join(f"{count} {what}" for what, count in created.items())))

    def _create(self, headings: dict[str, HsHeading]) -> dict[str, int]:
        rng = random.Random(DEMO_SEED)
        today = timezone.localdate()
        now = timezone.now()
        # One hash for every demo owner: hashing is deliberately slow, and the password is public anyway.
        password = make_password(DEMO_PASSWORD)
        merchants, shops, listings = [], [], []
        for index, spec in enumerate([*MERCHANTS, PENDING_APPLICATION]):
            pending = spec is PENDING_APPLICATION
            merchant = Merchant(
                **spec["merchant"],
                licence_valid_until=today + timedelta(days=400 + 90 * index),
                state=MerchantState.PENDING if pending else MerchantState.APPROVED,
            )
            merchant.full_clean()
            merchant.save()
            merchants.append(merchant)
            username = spec["owner"]["username"]
            owner = User.objects.filter(username=username, role=Role.MERCHANT).first() or User.objects.create(
                **spec["owner"], email=spec["merchant"]["email"], role=Role.MERCHANT, password=password
            )
            if not hasattr(owner, "merchant_membership"):
                MerchantMember.objects.create(user=owner, merchant=merchant, role=MemberRole.OWNER)
            if pending:
                continue
            for unit in spec["shops"]:
                shop = Shop(
                    merchant=merchant,
                    **{**unit, "area_m2": Decimal(unit["area_m2"])},
                    opened_on=today - timedelta(days=rng.randint(60, 900)),
                )
                shop.full_clean()
                shop.save()
                shops.append(shop)
                listings += _listings_for(shop, spec, headings, rng)
        _link_demo_user(merchants[0])
        _moderate(listings, rng, now)
        Listing.objects.bulk_create(listings)
        rejected = next(listing for listing in listings if listing.state == ListingState.REJECTED)
        Notification.objects.create(
            merchant=rejected.shop.merchant,
            kind=NotificationKind.LISTING_REJECTED,
            message=f"{rejected.title}: {rejected.rejection_reason}"[:500],
        )
        return {"merchants": len(merchants), "shops": len(shops), "listings": len(listings)}


def _headings_needed() -> list[str]:
    return sorted({product["hs"][:4] for product in PRODUCTS.values()})


def _listings_for(shop: Shop, spec: dict, headings: dict[str, HsHeading], rng: random.Random) -> list[Listing]:
    """A listing for each variant of each of the merchant's products (its shops carry the whole range),
    titled and described in the merchant's languages, priced a little differently in each shop."""
    listings = []
    for key in spec["products"]:
        product = PRODUCTS[key]
        for variant in product["variants"]:
            scale = Decimal(variant["scale"])
            price = Decimal(product["price"]) * scale * Decimal(rng.randint(92, 112)) / 100
            texts = {}
            for language in spec["languages"]:
                separator = " " if language == "zh_hans" else ", "
                texts[f"title_{language}"] = f"{product['title'][language]}{separator}{variant[language]}"
                texts[f"description_{language}"] = product["description"][language]
            listings.append(
                Listing(
                    shop=shop,
                    **texts,
                    hs_code=product["hs"],
                    hs_heading=headings[product["hs"][:4]],
                    origin_country=product["origin"],
                    price=price.quantize(Decimal("0.01")),
                    unit_weight_kg=(Decimal(product["weight"]) * scale).quantize(Decimal("0.001")),
                    stock_quantity=_stock_of(product, rng),
                )
            )
    return listings


def _stock_of(product: dict, rng: random.Random) -> int:
    """Units on hand: around the product's usual stock (demo.json), none for about one listing in ten and a few
    for another one in ten, so the catalogue shows "out of stock" and "few left" too."""
    draw = rng.random()
    if draw < 0.1:
        return 0
    if draw < 0.2:
        return rng.randint(1, FEW_LEFT)
    return round(product["stock"] * rng.uniform(0.5, 1.5))


def _moderate(listings: list[Listing], rng: random.Random, now) -> None:
    """Most listings approved, some waiting for review, a few drafts, and one black tea rejected for its HS code."""
    for listing in listings:
        draw = rng.random()
        days_ago = rng.randint(1, 120)
        if draw < 0.08:
            listing.state = ListingState.DRAFT
            continue
        listing.submitted_at = now - timedelta(days=days_ago, hours=rng.randint(1, 20))
        if draw < 0.22:
            listing.state = ListingState.SUBMITTED
        else:
            listing.state = ListingState.APPROVED
            listing.reviewed_at = listing.submitted_at + timedelta(hours=rng.randint(2, 40))
    black_tea = next(listing for listing in listings if listing.hs_code == REJECTED_HS_CODE)
    black_tea.hs_code = WRONG_HS_CODE  # the merchant's mistake the administrator caught
    black_tea.state = ListingState.REJECTED
    black_tea.rejection_reason = REJECTION_REASON
    black_tea.submitted_at = now - timedelta(days=3)
    black_tea.reviewed_at = now - timedelta(days=2)


def _link_demo_user(merchant: Merchant) -> None:
    """The demo login `merchant`, when it exists and belongs to no merchant yet, becomes an owner here."""
    user = User.objects.filter(username=EXISTING_DEMO_USER, role=Role.MERCHANT).first()
    if user is not None and not MerchantMember.objects.filter(user=user).exists():
        MerchantMember.objects.create(user=user, merchant=merchant, role=MemberRole.OWNER)

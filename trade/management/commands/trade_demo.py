"""Demo data for `make run`: a few thousand duty-free sales over the demo crossing history (with the daily exchange
rates they need; see trade.demo), and onward shipments of the demo merchants in every state of the customs timeline.

Run after merchants_demo. Each approved merchant sends consignments along the three corridors, registered by its
owner through the services (so every rule and audit row is as in real use), copied from its own listings: one
only registered, one declared, one inspected, one cleared with and one without inspection, departed ones, one held
(with its reason) and one held and released again. Idempotent: when any shipment exists the command leaves them
as they are. Deterministic: the same consignments come out on every machine (a fixed seed).
"""

import random
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from merchants.choices import MemberRole, MerchantState
from merchants.models import Listing, Merchant
from trade.choices import Corridor, ShipmentStep, TransportMode
from trade.demo import demo_sales_generate
from trade.models import Shipment
from trade.services.shipments import (
    ShipmentLineInput,
    shipment_advance,
    shipment_hold,
    shipment_register,
    shipment_release,
)
from trade.services.statistics import trade_statistics_fill

DEMO_SEED = 20260512
CONSIGNEES = {
    Corridor.CENTRAL_ASIA: [
        ("Tashkent Savdo Uyi LLC", "UZ", TransportMode.ROAD),
        ("ОсОО «Бишкек Опт»", "KG", TransportMode.ROAD),
        ("Dushanbe Trade Centre", "TJ", TransportMode.RAIL),
    ],
    Corridor.WEST_ASIA: [
        ("İstanbul Çarşı Ltd. Şti.", "TR", TransportMode.RAIL),
        ("Baku Goods MMC", "AZ", TransportMode.MULTIMODAL),
        ("Tehran Bazaar Co.", "IR", TransportMode.RAIL),
    ],
    Corridor.EUROPE: [
        ("Duisburg Rail Logistics GmbH", "DE", TransportMode.RAIL),
        ("Małaszewicze Terminal Sp. z o.o.", "PL", TransportMode.RAIL),
        ("Rotterdam Eurasia Trade B.V.", "NL", TransportMode.MULTIMODAL),
    ],
}
# The path of each demo shipment: the steps it went through, "hold" and "release" where it was held and released.
HOLD_REASON = "Certificate of origin missing for one line"
PATHS = [
    [],
    [ShipmentStep.DECLARED],
    [ShipmentStep.DECLARED, ShipmentStep.INSPECTED],
    [ShipmentStep.DECLARED, ShipmentStep.CLEARED],
    [ShipmentStep.DECLARED, ShipmentStep.INSPECTED, ShipmentStep.CLEARED],
    [ShipmentStep.DECLARED, ShipmentStep.CLEARED, ShipmentStep.DEPARTED],
    [ShipmentStep.DECLARED, ShipmentStep.INSPECTED, ShipmentStep.CLEARED, ShipmentStep.DEPARTED],
    [ShipmentStep.DECLARED, "hold"],
    [ShipmentStep.DECLARED, ShipmentStep.INSPECTED, "hold", "release", ShipmentStep.CLEARED, ShipmentStep.DEPARTED],
]


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        sales = demo_sales_generate()
        self.stdout.write(f"{sales} demo sales" if sales else "sales present (or no history yet); left as they are")
        if Shipment.objects.exists():
            self.stdout.write("shipments present; left as they are")
        else:
            self._shipments()
        # The trade statistics a night's run would have filled, so the trade statistics page shows the demo at once.
        self.stdout.write(f"trade statistics: {trade_statistics_fill()} side days filled")

    def _shipments(self) -> None:
        merchants = Merchant.objects.filter(state=MerchantState.APPROVED).order_by("id")
        rng = random.Random(DEMO_SEED)
        count = 0
        with transaction.atomic():
            for merchant_index, merchant in enumerate(merchants):
                owner = merchant.members.filter(role=MemberRole.OWNER).select_related("user").order_by("id").first()
                listings = list(Listing.objects.filter(shop__merchant=merchant).order_by("id"))
                if owner is None or not listings:
                    continue
                for path_index, path in enumerate(PATHS):
                    self._ship(merchant, owner.user, listings, path, rng, number=merchant_index * 100 + path_index)
                    count += 1
        self.stdout.write(self.style.SUCCESS(f"{count} shipments"))

    def _ship(self, merchant, user, listings, path, rng: random.Random, *, number: int) -> None:
        corridor = rng.choice(list(CONSIGNEES))
        consignee, country, transport = rng.choice(CONSIGNEES[corridor])
        # Older consignments have gone further: a day or two a step, then some hours at customs.
        moment = timezone.now() - timedelta(days=2 + 2 * len(path), hours=rng.randint(0, 20))
        shipment = shipment_register(
            merchant=merchant,
            reference=f"EXP-{timezone.localdate().year}-{number + 1:04d}",
            consignee_name=consignee,
            consignee_country=country,
            corridor=corridor,
            transport_mode=transport,
            lines=[
                ShipmentLineInput(listing=listing, quantity=rng.randint(5, 200))
                for listing in rng.sample(listings, k=min(len(listings), rng.randint(1, 4)))
            ],
            acting_user=user,
            at=moment,
        )
        for step in path:
            moment += timedelta(hours=rng.randint(3, 30))
            if step == "hold":
                shipment = shipment_hold(shipment=shipment, reason=HOLD_REASON, acting_user=user, at=moment)
            elif step == "release":
                shipment = shipment_release(shipment=shipment, acting_user=user, at=moment)
            else:
                shipment = shipment_advance(shipment=shipment, step=step, acting_user=user, at=moment)

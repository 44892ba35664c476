"""Load the trade's policy data as the zone has it (DESIGN.md section 1): the duty-free allowance of each side, and
when a pattern of entries and purchases is flagged as shuttle trading.

Idempotent: a policy already there for a side and day is left as it is. Exchange rates are not reference data:
administrators enter them (or import them from CSV) every day.
"""

from datetime import date
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction

from crossings.choices import CheckpointCode
from trade.choices import AllowancePeriod
from trade.models import AllowancePolicy, ShuttleTraderPolicy
from trade.services.policy import allowance_policy_add

POLICIES = [
    {
        "side": CheckpointCode.CN,
        "effective_from": date(2020, 1, 1),
        "period": AllowancePeriod.DAY,
        "currency": "CNY",
        "value_limit": Decimal("8000.00"),
    },
    {
        "side": CheckpointCode.KZ,
        "effective_from": date(2020, 1, 1),
        "period": AllowancePeriod.MONTH,
        "currency": "EUR",
        "value_limit": Decimal("1500.00"),
        "weight_limit_kg": Decimal("50.000"),
        "duty_rate": Decimal("0.3000"),
        "duty_minimum_per_kg": Decimal("4.00"),
    },
]
# At least 8 entries in 30 days, with purchases above half the allowance on more than half of those visits.
SHUTTLE_TRADER_POLICY = {
    "effective_from": date(2020, 1, 1),
    "window_days": 30,
    "min_entries": 8,
    "share_of_allowance": Decimal("0.500"),
    "share_of_visits": Decimal("0.500"),
}


class Command(BaseCommand):
    help = __doc__

    @transaction.atomic
    def handle(self, *args, **options):
        added = 0
        for policy in POLICIES:
            if not AllowancePolicy.objects.filter(
                side=policy["side"], effective_from=policy["effective_from"]
            ).exists():
                allowance_policy_add(**policy, acting_user=None)
                added += 1
        _, created = ShuttleTraderPolicy.objects.get_or_create(
            effective_from=SHUTTLE_TRADER_POLICY["effective_from"], defaults=SHUTTLE_TRADER_POLICY
        )
        self.stdout.write(f"allowance policies: {added} added; shuttle-trader policy: {'added' if created else 'kept'}")

"""The trade demo data: shipments of the demo merchants in every state, loaded once."""

import io

import pytest
from django.core.management import call_command

from trade.choices import ShipmentStep
from trade.models import Shipment, ShipmentEvent

pytestmark = pytest.mark.django_db


def test_trade_demo_has_shipments_in_every_state_and_runs_once():
    # Given the demo merchants
    call_command("merchants_demo", stdout=io.StringIO(), stderr=io.StringIO())
    # When the trade demo data is loaded, twice
    call_command("trade_demo", stdout=io.StringIO())
    count = Shipment.objects.count()
    out = io.StringIO()
    call_command("trade_demo", stdout=out)
    # Then every step of the timeline has shipments, some held, some released, and the second run added nothing
    assert "left as they are" in out.getvalue()
    assert Shipment.objects.count() == count > 0
    steps = set(Shipment.objects.values_list("step", flat=True))
    assert steps == {"registered", "declared", "inspected", "cleared", "departed"}
    assert Shipment.objects.filter(held=True).exists()
    assert ShipmentEvent.objects.filter(step=ShipmentStep.RELEASED).exists()
    # Cleared without inspection as well as after it
    assert Shipment.objects.filter(cleared_at__isnull=False, inspected_at__isnull=True).exists()
    assert Shipment.objects.filter(cleared_at__isnull=False, inspected_at__isnull=False).exists()
    assert Shipment.objects.average_clearance_time() is not None
    assert set(Shipment.objects.values_list("corridor", flat=True)) == {"central_asia", "west_asia", "europe"}

"""Onward shipments: registration, the forward-only customs timeline, holds and releases, who may do what."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from horgos.models import AuditEntry
from merchants.choices import MerchantState
from tests.trade.conftest import ship
from trade.choices import ShipmentStep
from trade.models import Shipment, ShipmentEvent, ShipmentLine
from trade.services import shipments as services
from trade.services.shipments import ShipmentLineInput

pytestmark = pytest.mark.django_db

DECLARED, INSPECTED, CLEARED, DEPARTED = (
    ShipmentStep.DECLARED,
    ShipmentStep.INSPECTED,
    ShipmentStep.CLEARED,
    ShipmentStep.DEPARTED,
)


def hours_ago(hours: float):
    """A moment `hours` before now, in whole minutes (so that differences between two are exact)."""
    return (timezone.now() - timedelta(hours=hours)).replace(second=0, microsecond=0)


def advance(shipping, shipment, step, *, hours_back=None, merchant=0, user=None):
    return services.shipment_advance(
        shipment=shipment,
        step=step,
        acting_user=user or shipping.owners[merchant],
        at=hours_ago(hours_back) if hours_back is not None else None,
    )


def refused_message(error: ValidationError) -> str:
    return " ".join(error.messages)


def test_a_registered_shipment_holds_its_lines_and_starts_its_timeline(shipping):
    # When merchant A's owner registers a consignment of three lines
    shipment = ship(shipping)
    # Then it is registered, with its lines (values in CNY) and one timeline entry, and the registration is audited
    assert (shipment.step, shipment.currency, shipment.held) == (ShipmentStep.REGISTERED, "CNY", False)
    assert [line.hs_code for line in shipment.lines.all()] == ["090210", "610910", "090210"]
    assert Shipment.objects.with_totals().get().total_value_cny == Decimal("20440.50")
    assert list(shipment.events.values_list("step", "by")) == [("registered", shipping.owners[0].pk)]
    audit = AuditEntry.objects.get(action="shipment.register")
    assert audit.changes == {"reference": "EXP-0001", "lines": 3, "total_value_cny": "20440.50"}


def test_a_line_from_a_listing_takes_what_is_left_blank_from_it(shipping):
    shipment = ship(shipping, lines=[ShipmentLineInput(quantity=4, listing=shipping.tea)])
    line = shipment.lines.get()
    assert (line.hs_code, line.description, line.origin_country.code) == ("090210", "Green tea", "CN")
    assert (line.value_cny, line.net_weight_kg, line.listing) == (Decimal("352.00"), Decimal("1.000"), shipping.tea)


def test_another_merchants_listing_is_refused(shipping):
    with pytest.raises(ValidationError) as refused:
        ship(shipping, lines=[ShipmentLineInput(quantity=1, listing=shipping.tea_b)])
    assert refused_message(refused.value) == "“Tea of B” is not a listing of your merchant."
    assert not Shipment.objects.exists()


def test_the_steps_go_forward_one_after_the_other_and_clearance_is_cleared_minus_declared(shipping):
    # Given a shipment registered five hours ago
    shipment = ship(shipping, registered_at=hours_ago(5))
    # When it is declared, inspected, cleared and departs
    advance(shipping, shipment, DECLARED, hours_back=4)
    advance(shipping, shipment, INSPECTED, hours_back=3)
    advance(shipping, shipment, CLEARED, hours_back=1.5)
    shipment = advance(shipping, shipment, DEPARTED)
    # Then every step has its moment and its timeline entry, in order, and customs took 2.5 hours
    assert shipment.step == DEPARTED
    assert list(shipment.events.values_list("step", flat=True)) == [
        "registered",
        "declared",
        "inspected",
        "cleared",
        "departed",
    ]
    assert shipment.clearance_time == timedelta(hours=2.5)
    assert Shipment.objects.average_clearance_time() == timedelta(hours=2.5)
    assert AuditEntry.objects.filter(action="shipment.advance").count() == 4


def test_inspection_may_be_skipped_but_not_recorded_afterwards(shipping):
    shipment = ship(shipping, registered_at=hours_ago(3))
    advance(shipping, shipment, DECLARED, hours_back=2)
    shipment = advance(shipping, shipment, CLEARED, hours_back=1)
    assert (shipment.step, shipment.inspected_at) == (CLEARED, None)
    with pytest.raises(ValidationError) as refused:
        advance(shipping, shipment, INSPECTED)
    assert refused_message(refused.value) == (
        "A shipment moves forward only: it is “Cleared”, which comes after “Inspected”."
    )


def test_no_step_may_be_skipped_but_inspection(shipping):
    shipment = ship(shipping)
    with pytest.raises(ValidationError) as refused:
        advance(shipping, shipment, CLEARED)
    assert refused_message(refused.value) == (
        "The shipment is “Registered”: it cannot be “Cleared” before it is “Declared”."
    )
    assert Shipment.objects.get().step == ShipmentStep.REGISTERED
    assert ShipmentEvent.objects.count() == 1


def test_a_step_already_reached_is_refused_and_nothing_is_written(shipping):
    shipment = ship(shipping)
    advance(shipping, shipment, DECLARED)
    with pytest.raises(ValidationError) as refused:
        advance(shipping, shipment, DECLARED)
    assert refused_message(refused.value) == "The shipment has already been “Declared”."
    with pytest.raises(ValidationError) as refused:
        advance(shipping, shipment, ShipmentStep.REGISTERED)
    assert refused.value.error_dict["step"]
    assert ShipmentEvent.objects.filter(step=DECLARED).count() == 1


def test_a_held_shipment_does_not_move_until_released(shipping):
    # Given a declared shipment that customs hold
    shipment = ship(shipping, registered_at=hours_ago(3))
    advance(shipping, shipment, DECLARED, hours_back=2)
    shipment = services.shipment_hold(
        shipment=shipment, reason="Documents incomplete", acting_user=shipping.owners[0], at=hours_ago(1)
    )
    assert (shipment.held, shipment.hold_reason) == (True, "Documents incomplete")
    # Then it cannot advance, nor be held twice
    with pytest.raises(ValidationError) as refused:
        advance(shipping, shipment, CLEARED)
    assert refused_message(refused.value) == (
        "The shipment is held (Documents incomplete): release it before it moves on."
    )
    with pytest.raises(ValidationError, match="already held"):
        services.shipment_hold(shipment=shipment, reason="Again", acting_user=shipping.owners[0])
    # When it is released, it moves on; a second release is refused
    shipment = services.shipment_release(shipment=shipment, acting_user=shipping.owners[0])
    assert (shipment.held, shipment.hold_reason) == (False, "")
    with pytest.raises(ValidationError, match="not held"):
        services.shipment_release(shipment=shipment, acting_user=shipping.owners[0])
    shipment = advance(shipping, shipment, CLEARED)
    assert list(shipment.events.values_list("step", "reason")) == [
        ("registered", ""),
        ("declared", ""),
        ("held", "Documents incomplete"),
        ("released", ""),
        ("cleared", ""),
    ]
    assert AuditEntry.objects.filter(action__in=["shipment.hold", "shipment.release"]).count() == 2


def test_a_hold_needs_a_reason_and_a_departed_shipment_cannot_be_held(shipping):
    shipment = ship(shipping)
    with pytest.raises(ValidationError) as refused:
        services.shipment_hold(shipment=shipment, reason="  ", acting_user=shipping.owners[0])
    assert refused.value.message_dict == {"reason": ["Give the reason for the hold."]}
    for step in (DECLARED, CLEARED, DEPARTED):
        shipment = advance(shipping, shipment, step)
    with pytest.raises(ValidationError) as refused:
        services.shipment_hold(shipment=shipment, reason="Late check", acting_user=shipping.owners[0])
    assert refused_message(refused.value) == "The shipment has departed: its timeline is complete."
    with pytest.raises(ValidationError, match="timeline is complete"):
        advance(shipping, shipment, DEPARTED)


def test_the_timeline_stays_in_order_and_never_runs_ahead_of_the_clock(shipping):
    shipment = ship(shipping, registered_at=hours_ago(2))
    with pytest.raises(ValidationError) as refused:
        advance(shipping, shipment, DECLARED, hours_back=3)
    assert "cannot be earlier than its last entry" in refused_message(refused.value)
    with pytest.raises(ValidationError) as refused:
        services.shipment_advance(
            shipment=shipment, step=DECLARED, acting_user=shipping.owners[0], at=timezone.now() + timedelta(hours=1)
        )
    assert refused.value.message_dict == {"at": ["The time of a step cannot be in the future."]}


def test_another_merchant_may_neither_register_for_nor_move_a_shipment_an_administrator_may_move_it(shipping):
    shipment = ship(shipping)
    with pytest.raises(PermissionDenied):
        services.shipment_register(
            merchant=shipping.merchants[0],
            reference="EXP-B",
            consignee_name="X",
            consignee_country="UZ",
            corridor="central_asia",
            transport_mode="road",
            lines=[ShipmentLineInput(quantity=1, listing=shipping.tea)],
            acting_user=shipping.owners[1],
        )
    for user in (shipping.owners[1], shipping.officer):
        with pytest.raises(PermissionDenied):
            advance(shipping, shipment, DECLARED, user=user)
        with pytest.raises(PermissionDenied):
            services.shipment_hold(shipment=shipment, reason="Stop", acting_user=user)
    with pytest.raises(PermissionDenied):
        services.shipment_update(shipment=shipment, acting_user=shipping.administrator, consignee_name="Other")
    assert advance(shipping, shipment, DECLARED, user=shipping.administrator).step == DECLARED


def test_only_an_approved_merchant_registers_shipments(shipping):
    shipping.merchants[0].state = MerchantState.SUSPENDED
    shipping.merchants[0].state_reason = "Licence expired"
    shipping.merchants[0].save()
    with pytest.raises(ValidationError) as refused:
        ship(shipping)
    assert refused_message(refused.value) == "Your merchant is not approved to trade now (Suspended)."


def test_a_reference_is_unique_per_merchant(shipping):
    ship(shipping, reference="EXP-7")
    with pytest.raises(ValidationError) as refused:
        ship(shipping, reference="EXP-7")
    assert refused.value.message_dict == {"reference": ["Your merchant already has a shipment with this reference."]}
    assert ship(shipping, merchant=1, reference="EXP-7").merchant == shipping.merchants[1]
    assert Shipment.objects.count() == 2


def test_bad_lines_are_refused_saying_which_line_and_nothing_is_written(shipping):
    lines = [
        ("090210", "Tea", "CN", 1, "10.00", "1.000"),
        ("999999", "Nothing", "CN", 1, "10.00", "1.000"),
    ]
    with pytest.raises(ValidationError) as refused:
        ship(shipping, lines=lines)
    assert refused.value.message_dict == {
        "lines": ["Line 2, HS code: 999999 is not an HS 2022 code: its first four digits name no heading."]
    }
    with pytest.raises(ValidationError) as refused:
        ship(shipping, lines=[("090210", "Tea", "CN", 0, "-1.00", "1.000")])
    assert refused.value.message_dict["lines"] == [
        "Line 1, quantity: Ensure this value is greater than or equal to 1.",
        "Line 1, value (CNY): Ensure this value is greater than or equal to 0.",
    ]
    with pytest.raises(ValidationError) as refused:
        ship(shipping, lines=[])
    assert refused.value.message_dict == {"lines": ["Add at least one line to the shipment."]}
    assert not Shipment.objects.exists() and not ShipmentLine.objects.exists()


def test_a_shipment_is_changed_or_deleted_only_while_registered(shipping):
    shipment = ship(shipping)
    shipment = services.shipment_update(
        shipment=shipment,
        acting_user=shipping.owners[0],
        consignee_name="Almaty Logistics",
        lines=[ShipmentLineInput(quantity=2, listing=shipping.tea)],
    )
    assert (shipment.consignee_name, shipment.lines.count()) == ("Almaty Logistics", 1)
    assert AuditEntry.objects.get(action="shipment.update").changes == {
        "consignee_name": {"before": "Tashkent Trade House LLC", "after": "Almaty Logistics"},
        "lines": {"before": 3, "after": 1},
    }
    advance(shipping, shipment, DECLARED)
    message = "Only a shipment that is still registered can be changed or deleted; this one is “Declared”."
    with pytest.raises(ValidationError) as refused:
        services.shipment_update(shipment=shipment, acting_user=shipping.owners[0], consignee_name="Other")
    assert refused_message(refused.value) == message
    with pytest.raises(ValidationError) as refused:
        services.shipment_delete(shipment=shipment, acting_user=shipping.owners[0])
    assert refused_message(refused.value) == message
    other = ship(shipping, reference="EXP-2")
    services.shipment_delete(shipment=other, acting_user=shipping.owners[0])
    assert list(Shipment.objects.values_list("reference", flat=True)) == ["EXP-0001"]
    assert AuditEntry.objects.filter(action="shipment.delete", target_repr="EXP-2").exists()


def test_the_database_refuses_a_second_entry_of_a_step_and_moments_that_do_not_match_the_step(shipping):
    shipment = ship(shipping)
    with pytest.raises(IntegrityError), transaction.atomic():
        ShipmentEvent.objects.create(shipment=shipment, step="registered", at=timezone.now(), by=shipping.owners[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        Shipment.objects.filter(pk=shipment.pk).update(step=CLEARED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Shipment.objects.filter(pk=shipment.pk).update(held=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        ShipmentLine.objects.filter(shipment=shipment).update(net_weight_kg=Decimal("-1"))

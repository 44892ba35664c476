"""The shipments pages: the merchant's list, registration, the shipment's page and its buttons; the administrators'
list of all shipments."""

import pytest
from django.urls import reverse

from tests.trade.conftest import ship
from trade.models import Shipment

pytestmark = pytest.mark.django_db

LIST = reverse("trade:shipments")
NEW = reverse("trade:shipment-new")
ALL = reverse("trade:all-shipments")


def page(shipment, name="trade:shipment"):
    return reverse(name, args=[shipment.pk])


def new_shipment_form(**overrides) -> dict:
    data = {
        "reference": "EXP-PAGE-1",
        "consignee_name": "Bishkek Wholesale",
        "consignee_country": "KG",
        "corridor": "central_asia",
        "transport_mode": "road",
        "lines-TOTAL_FORMS": "3",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "50",
        "lines-0-hs_code": "610910",
        "lines-0-description": "Футболки",
        "lines-0-origin_country": "KZ",
        "lines-0-quantity": "10",
        "lines-0-value_cny": "300.00",
        "lines-0-net_weight_kg": "2.500",
    }
    return {**data, **overrides}


def test_who_reaches_the_pages(shipping, signed_in):
    shipment = ship(shipping)
    assert signed_in(None).get(LIST).status_code == 302
    assert signed_in(shipping.officer).get(LIST).status_code == 403
    assert signed_in(shipping.officer).get(page(shipment)).status_code == 403
    assert signed_in(shipping.owners[0]).get(ALL).status_code == 403
    assert signed_in(shipping.owners[1]).get(page(shipment)).status_code == 404
    declaration = reverse("trade:shipment-declaration", args=[shipment.pk, "pdf"])
    assert signed_in(shipping.owners[1]).get(declaration).status_code == 404
    assert signed_in(shipping.administrator).get(page(shipment)).status_code == 200


def test_the_merchant_list_shows_its_own_shipments_filtered_and_as_csv(shipping, signed_in):
    ship(shipping, reference="EXP-A1")
    ship(shipping, reference="EXP-A2", corridor="europe", consignee_country="DE")
    ship(shipping, merchant=1, reference="EXP-B1")
    client = signed_in(shipping.owners[0])
    # The list: own shipments only, and the navigation leads to it
    response = client.get(LIST)
    content = response.content.decode()
    assert "EXP-A1" in content and "EXP-A2" in content and "EXP-B1" not in content
    assert f'href="{LIST}"' in content
    # Filtered by corridor
    filtered = client.get(LIST, {"corridor": "europe"}).content.decode()
    assert "EXP-A2" in filtered and "EXP-A1" not in filtered
    # The CSV holds the filtered rows
    csv = b"".join(client.get(LIST, {"corridor": "europe", "export": "csv"}).streaming_content).decode("utf-8-sig")
    header, *rows = csv.strip().splitlines()
    assert header.startswith("Reference,Consignee,Destination,Corridor")
    assert len(rows) == 1 and rows[0].startswith("EXP-A2,Tashkent Trade House LLC,DE,Europe")


def test_a_shipment_is_registered_through_the_page(shipping, signed_in):
    client = signed_in(shipping.owners[0])
    assert client.get(NEW).status_code == 200
    response = client.post(NEW, new_shipment_form(**{"lines-1-listing": str(shipping.tea.pk), "lines-1-quantity": "2"}))
    shipment = Shipment.objects.get()
    assert response.status_code == 302 and response["Location"] == page(shipment)
    assert (shipment.merchant, shipment.consignee_country.code) == (shipping.merchants[0], "KG")
    assert list(shipment.lines.values_list("description", "quantity")) == [("Футболки", 10), ("Green tea", 2)]
    assert "EXP-PAGE-1" in client.get(page(shipment)).content.decode()


def test_bad_input_on_the_page_shows_the_errors_and_writes_nothing(shipping, signed_in):
    client = signed_in(shipping.owners[0])
    response = client.post(NEW, new_shipment_form(**{"lines-0-hs_code": "999999"}))
    assert response.status_code == 200
    assert "Line 1, HS code: 999999 is not an HS 2022 code" in response.content.decode()
    response = client.post(NEW, new_shipment_form(**{"lines-0-quantity": "0", "reference": ""}))
    content = response.content.decode()
    assert "This field is required." in content and "Ensure this value is greater than or equal to 1." in content
    assert not Shipment.objects.exists()


def test_the_steps_are_recorded_through_the_page(shipping, signed_in):
    shipment = ship(shipping)
    client = signed_in(shipping.owners[0])
    detail = client.get(page(shipment)).content.decode()
    assert "Mark as Declared" in detail and "Mark as Cleared" not in detail
    response = client.post(page(shipment, "trade:shipment-advance"), {"step": "declared"}, follow=True)
    assert "Shipment EXP-0001: Declared." in response.content.decode()
    detail = response.content.decode()
    assert "Mark as Inspected" in detail and "Mark as Cleared" in detail
    # A refused step says why
    response = client.post(page(shipment, "trade:shipment-advance"), {"step": "departed"}, follow=True)
    assert "The shipment is “Declared”: it cannot be “Departed” before it is “Cleared”." in response.content.decode()
    # Held, it offers only the release; released, it moves on
    response = client.post(page(shipment, "trade:shipment-hold"), {"reason": "Seal broken"}, follow=True)
    content = response.content.decode()
    assert "Seal broken" in content and "Mark as Cleared" not in content and "Release" in content
    client.post(page(shipment, "trade:shipment-release"))
    client.post(page(shipment, "trade:shipment-advance"), {"step": "cleared"})
    shipment.refresh_from_db()
    assert (shipment.step, shipment.held) == ("cleared", False)
    assert "skipped" in client.get(page(shipment)).content.decode()


def test_a_hold_without_a_reason_is_shown_on_the_form(shipping, signed_in):
    shipment = ship(shipping)
    response = signed_in(shipping.owners[0]).post(page(shipment, "trade:shipment-hold"), {"reason": " "})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert Shipment.objects.get().held is False


def test_a_registered_shipment_is_deleted_through_the_page(shipping, signed_in):
    shipment = ship(shipping)
    response = signed_in(shipping.owners[0]).post(page(shipment, "trade:shipment-delete"))
    assert response.status_code == 302 and response["Location"] == LIST
    assert not Shipment.objects.exists()


def test_the_declaration_downloads_from_the_page(shipping, signed_in):
    shipment = ship(shipping)
    client = signed_in(shipping.owners[0])
    xlsx = client.get(reverse("trade:shipment-declaration", args=[shipment.pk, "xlsx"]))
    pdf = client.get(reverse("trade:shipment-declaration", args=[shipment.pk, "pdf"]))
    assert (xlsx.status_code, pdf.status_code) == (200, 200)
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert client.get(reverse("trade:shipment-declaration", args=[shipment.pk, "doc"])).status_code == 404


def test_administrators_see_every_shipment_and_filter_by_merchant(shipping, signed_in):
    ship(shipping, reference="EXP-A1")
    ship(shipping, merchant=1, reference="EXP-B1")
    client = signed_in(shipping.administrator)
    content = client.get(ALL).content.decode()
    assert "EXP-A1" in content and "EXP-B1" in content and "average clearance time" in content
    assert f'href="{ALL}"' in content
    filtered = client.get(ALL, {"merchant": shipping.merchants[1].pk}).content.decode()
    assert "EXP-B1" in filtered and "EXP-A1" not in filtered

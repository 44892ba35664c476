"""The shipments API: scoped like the merchant registry, idempotent creation, the timeline and the downloads."""

import io

import pytest
from openpyxl import load_workbook

from horgos.models import AuditEntry
from tests.trade.conftest import ship
from trade.models import Shipment, ShipmentLine

pytestmark = pytest.mark.django_db

NEW_SHIPMENT = {
    "reference": "EXP-API-1",
    "consignee_name": "Istanbul Bazaar Ltd",
    "consignee_country": "TR",
    "corridor": "west_asia",
    "transport_mode": "rail",
    "lines": [
        {
            "hs_code": "610910",
            "description": "Футболки хлопковые",
            "origin_country": "KZ",
            "quantity": 300,
            "value_cny": "9000.50",
            "net_weight_kg": "75.500",
        }
    ],
}


def url(shipment=None, action=""):
    base = "/api/v1/shipments/"
    return f"{base}{shipment.pk}/{action + '/' if action else ''}" if shipment else base


def test_anonymous_visitors_get_401_and_officers_403(shipping, api_client, api_client_for):
    shipment = ship(shipping)
    assert api_client.get(url()).status_code == 401
    assert api_client.get(url(shipment)).status_code == 401
    officer = api_client_for(shipping.officer)
    assert officer.get(url()).status_code == 403
    assert officer.get(url(shipment)).status_code == 403
    assert officer.post(url(shipment, "advance"), {"step": "declared"}, format="json").status_code == 403
    assert officer.post(url(), NEW_SHIPMENT, format="json").status_code == 403


def test_another_merchants_shipment_is_not_found(shipping, api_client_for):
    # Given a shipment of merchant A
    shipment = ship(shipping)
    other = api_client_for(shipping.owners[1])
    # Then merchant B neither lists it nor reaches it in any way (404, which does not say that it exists)
    assert other.get(url()).json()["count"] == 0
    assert other.get(url(shipment)).status_code == 404
    assert other.patch(url(shipment), {"consignee_name": "B"}, format="json").status_code == 404
    assert other.delete(url(shipment)).status_code == 404
    for action, body in (("advance", {"step": "declared"}), ("hold", {"reason": "x"}), ("release", {})):
        assert other.post(url(shipment, action), body, format="json").status_code == 404
    assert other.get(url(shipment, "declaration.xlsx")).status_code == 404
    assert other.get(url(shipment, "declaration.pdf")).status_code == 404
    assert Shipment.objects.get().step == "registered"


def test_a_merchant_lists_and_reads_its_own_and_an_administrator_all(shipping, api_client_for):
    own = ship(shipping)
    ship(shipping, merchant=1, reference="EXP-B")
    listed = api_client_for(shipping.owners[0]).get(url()).json()
    assert [row["reference"] for row in listed["results"]] == ["EXP-0001"]
    detail = api_client_for(shipping.owners[0]).get(url(own)).json()
    assert (detail["total_value_cny"], detail["line_count"], detail["step"]) == ("20440.50", 3, "registered")
    assert [event["step"] for event in detail["events"]] == ["registered"]
    administrator = api_client_for(shipping.administrator)
    assert administrator.get(url()).json()["count"] == 2
    by_merchant = administrator.get(url(), {"merchant": shipping.merchants[1].pk}).json()
    assert [row["reference"] for row in by_merchant["results"]] == ["EXP-B"]


def test_a_merchant_registers_a_shipment_once_with_an_idempotency_key(shipping, api_client_for):
    client = api_client_for(shipping.owners[0])
    headers = {"Idempotency-Key": "ship-1"}
    first = client.post(url(), NEW_SHIPMENT, format="json", headers=headers)
    again = client.post(url(), NEW_SHIPMENT, format="json", headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert first.json() == again.json()
    shipment = Shipment.objects.get()
    assert (shipment.merchant, shipment.created_by, shipment.lines.count()) == (
        shipping.merchants[0],
        shipping.owners[0],
        1,
    )
    assert first.json()["lines"][0]["description"] == "Футболки хлопковые"


def test_a_line_from_a_listing_needs_only_the_listing_and_quantity(shipping, api_client_for):
    body = {**NEW_SHIPMENT, "lines": [{"listing": shipping.tea.pk, "quantity": 4}]}
    response = api_client_for(shipping.owners[0]).post(url(), body, format="json")
    assert response.status_code == 201
    assert response.json()["lines"][0] | {"id": 0} == {
        "id": 0,
        "listing": shipping.tea.pk,
        "hs_code": "090210",
        "description": "Green tea",
        "origin_country": "CN",
        "quantity": 4,
        "value_cny": "352.00",
        "net_weight_kg": "1.000",
    }
    # Another merchant's listing is no valid choice
    body = {**NEW_SHIPMENT, "reference": "EXP-API-2", "lines": [{"listing": shipping.tea_b.pk, "quantity": 1}]}
    response = api_client_for(shipping.owners[0]).post(url(), body, format="json")
    assert response.status_code == 400
    assert "listing" in response.json()["error"]["fields"]["lines"]["0"]


def test_bad_input_is_400_with_field_messages_and_nothing_is_written(shipping, api_client_for):
    client = api_client_for(shipping.owners[0])
    bad_line = {**NEW_SHIPMENT["lines"][0], "hs_code": "61A9", "value_cny": "-1"}
    response = client.post(url(), {**NEW_SHIPMENT, "corridor": "moon", "lines": [bad_line]}, format="json")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert fields["corridor"] == ['"moon" is not a valid choice.']
    assert fields["lines"]["0"]["hs_code"] == ["An HS code has six digits."]
    assert fields["lines"]["0"]["value_cny"] == ["Ensure this value is greater than or equal to 0."]
    # The rules of the service answer in the same shape
    unknown_heading = {**NEW_SHIPMENT["lines"][0], "hs_code": "999999"}
    response = client.post(url(), {**NEW_SHIPMENT, "lines": [unknown_heading]}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "lines": ["Line 1, HS code: 999999 is not an HS 2022 code: its first four digits name no heading."]
    }
    response = client.post(url(), {**NEW_SHIPMENT, "lines": []}, format="json")
    assert response.json()["error"]["fields"] == {"lines": ["Add at least one line to the shipment."]}
    assert not Shipment.objects.exists() and not ShipmentLine.objects.exists()
    assert not AuditEntry.objects.filter(action="shipment.register").exists()


def test_the_timeline_through_the_api_forward_only_with_a_hold(shipping, api_client_for):
    shipment = ship(shipping)
    client = api_client_for(shipping.owners[0])
    assert client.post(url(shipment, "advance"), {"step": "declared"}, format="json").json()["step"] == "declared"
    held = client.post(url(shipment, "hold"), {"reason": "Certificate of origin missing"}, format="json").json()
    assert (held["held"], held["hold_reason"]) == (True, "Certificate of origin missing")
    refused = client.post(url(shipment, "advance"), {"step": "cleared"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {
        "non_field_errors": ["The shipment is held (Certificate of origin missing): release it before it moves on."]
    }
    assert client.post(url(shipment, "release"), {}, format="json").json()["held"] is False
    # An administrator may record the timeline too; inspection may be skipped
    cleared = api_client_for(shipping.administrator).post(url(shipment, "advance"), {"step": "cleared"}, format="json")
    assert cleared.status_code == 200
    assert cleared.json()["clearance_time"] is not None
    back = client.post(url(shipment, "advance"), {"step": "declared"}, format="json")
    assert back.status_code == 400
    assert back.json()["error"]["fields"]["non_field_errors"] == ["The shipment has already been “Declared”."]
    assert [event["step"] for event in cleared.json()["events"]] == [
        "registered",
        "declared",
        "held",
        "released",
        "cleared",
    ]


def test_changes_and_deletion_only_while_registered(shipping, api_client_for):
    shipment = ship(shipping)
    client = api_client_for(shipping.owners[0])
    changed = client.patch(url(shipment), {"consignee_name": "Baku Goods"}, format="json")
    assert changed.status_code == 200
    assert (changed.json()["consignee_name"], changed.json()["line_count"]) == ("Baku Goods", 3)
    assert api_client_for(shipping.administrator).patch(url(shipment), {"consignee_name": "X"}).status_code == 403
    client.post(url(shipment, "advance"), {"step": "declared"}, format="json")
    assert client.patch(url(shipment), {"consignee_name": "Late"}, format="json").status_code == 400
    assert client.delete(url(shipment)).status_code == 400
    other = ship(shipping, reference="EXP-2")
    assert client.delete(url(other)).status_code == 204
    assert list(Shipment.objects.values_list("reference", flat=True)) == ["EXP-0001"]


def test_the_declaration_downloads(shipping, api_client_for):
    shipment = ship(shipping)
    client = api_client_for(shipping.owners[0])
    xlsx = client.get(url(shipment, "declaration.xlsx"))
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="declaration-EXP-0001.xlsx"' in xlsx["Content-Disposition"]
    cells = {cell for row in load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active.values for cell in row}
    assert "绿茶 (龙井)" in cells
    pdf = api_client_for(shipping.administrator).get(url(shipment, "declaration.pdf"))
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_the_shipments_are_in_the_schema_with_examples(client):
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/shipments/{id}/advance/" in schema
    assert "EXP-2026-0042" in schema


def test_filters_narrow_the_list_and_refuse_values_out_of_their_caps(shipping, api_client_for):
    shipment = ship(shipping)
    ship(shipping, reference="EXP-2", consignee_name="Baku Goods")
    client = api_client_for(shipping.owners[0])
    client.post(url(shipment, "advance"), {"step": "declared"}, format="json")
    assert [row["reference"] for row in client.get(url(), {"step": "declared"}).json()["results"]] == ["EXP-0001"]
    assert [row["reference"] for row in client.get(url(), {"q": "baku"}).json()["results"]] == ["EXP-2"]
    assert client.get(url(), {"held": "true"}).json()["count"] == 0
    refused = client.get(url(), {"registered_from": "1900-01-01", "q": "x" * 101})
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {
        "registered_from": ["Ensure this value is greater than or equal to 2000-01-01."],
        "q": ["Ensure this value has at most 100 characters (it has 101)."],
    }

"""The till: scan the buyer, check what remains, confirm; the receipt; voiding; the sales list and its exports."""

import io

import openpyxl
import pytest

from tests.crossings.conftest import almaty, beijing
from tests.factories import AdministratorFactory, OfficerFactory
from tests.trade.conftest import enter, sell
from trade.choices import SaleState
from trade.models import Sale
from trade.services.sales import sale_void

pytestmark = pytest.mark.django_db
NEW = "/trade/sales/new/"


def till(trade, *, scan="N1234567", lines=((None, 1),), receipt="T-1", button="check"):
    data = {
        "shop": trade.shops[0].pk,
        "scan": scan,
        "receipt_number": receipt,
        "line-TOTAL_FORMS": "5",
        "line-INITIAL_FORMS": "0",
        "line-MIN_NUM_FORMS": "0",
        "line-MAX_NUM_FORMS": "20",
        button: "1",
    }
    for number, (listing, quantity) in enumerate(lines):
        data[f"line-{number}-listing"] = (listing or trade.kettle).pk
        data[f"line-{number}-quantity"] = quantity
    return data


def test_the_clerk_checks_the_allowance_then_confirms_and_gets_the_receipt(trade, at, signed_in):
    at(almaty(2026, 5, 12, 9, 0))
    enter(trade, checkpoint="KZ")
    clerk = signed_in(trade.clerks[0])
    # Checking shows what remains (CNY, EUR, kg) and the sale's total, and records nothing
    page = clerk.post(NEW, till(trade, lines=((trade.kettle, 2),)))
    html = page.content.decode()
    assert page.status_code == 200
    assert "CNY 11,700.00" in html and "EUR 1,500.00" in html and "50 kg" in html
    assert "This sale: CNY 2,000.00, 4 kg." in html
    assert "Abenova" not in html and "••••4567" in html
    assert 'name="confirm"' in html
    assert not Sale.objects.exists()
    # Confirming records it and shows the receipt
    response = clerk.post(NEW, till(trade, lines=((trade.kettle, 2),), button="confirm"), follow=True)
    sale = Sale.objects.get()
    assert response.redirect_chain[-1][0] == f"/trade/sales/{sale.pk}/"
    receipt = response.content.decode()
    assert "Duty-free receipt T-1" in receipt and "2,000.00" in receipt and "••••4567" in receipt


def test_a_sale_that_does_not_fit_is_a_form_error_saying_what_remains(trade, at, signed_in):
    at(beijing(2026, 5, 12, 10, 0))
    enter(trade)
    sell(trade, (trade.kettle, 7))
    page = signed_in(trade.clerks[0]).post(NEW, till(trade, lines=((trade.kettle, 2),), button="confirm"))
    assert page.status_code == 400
    assert "CNY 1,000.00" in page.content.decode()
    assert Sale.objects.count() == 1


@pytest.mark.parametrize(
    ("scan", "message"),
    [("X0000000", "No such document is registered"), ("N1234567", "not inside the zone")],
)
def test_an_unknown_document_or_a_buyer_outside_is_a_form_error(trade, at, signed_in, scan, message):
    at(beijing(2026, 5, 12, 10, 0))
    page = signed_in(trade.clerks[0]).post(NEW, till(trade, scan=scan, button="confirm"))
    assert page.status_code == 400
    assert message in page.content.decode()
    assert not Sale.objects.exists()


def test_the_till_reads_the_machine_readable_zone(trade, at, signed_in):
    at(beijing(2026, 5, 12, 10, 0))
    enter(trade)
    mrz = "P<KAZABENOVA<<AIGUL<<<<<<<<<<<<<<<<<<<<<<<<<\nN1234567<7KAZ8506151F3201015<<<<<<<<<<<<<<08"
    page = signed_in(trade.clerks[0]).post(NEW, till(trade, scan=mrz))
    assert page.status_code == 200, page.content.decode()
    assert "CNY 8,000.00" in page.content.decode()


def test_the_clerk_voids_a_sale_with_a_reason(trade, at, signed_in):
    at(beijing(2026, 5, 12, 10, 0))
    enter(trade)
    sale = sell(trade, (trade.kettle, 2))
    clerk = signed_in(trade.clerks[0])
    assert clerk.post(f"/trade/sales/{sale.pk}/void/", {"reason": ""}).status_code == 400
    clerk.post(f"/trade/sales/{sale.pk}/void/", {"reason": "Wrong product"})
    sale.refresh_from_db()
    assert (sale.state, sale.void_reason) == (SaleState.VOIDED, "Wrong product")
    assert "Voided" in clerk.get(f"/trade/sales/{sale.pk}/").content.decode()


def test_sales_pages_are_scoped_to_the_merchant(trade, at, signed_in):
    at(beijing(2026, 5, 12, 10, 0))
    enter(trade)
    sale = sell(trade, (trade.kettle, 1), receipt="MINE-1")
    other = signed_in(trade.clerks[1])
    assert other.get(f"/trade/sales/{sale.pk}/").status_code == 404
    assert other.post(f"/trade/sales/{sale.pk}/void/", {"reason": "x"}).status_code == 404
    assert "MINE-1" not in other.get("/trade/sales/").content.decode()
    assert "MINE-1" in signed_in(AdministratorFactory()).get("/trade/sales/").content.decode()
    assert signed_in(OfficerFactory()).get("/trade/sales/").status_code == 403
    assert signed_in(None).get("/trade/sales/").status_code == 302


def test_the_sales_list_filters_and_exports(trade, at, signed_in):
    at(beijing(2026, 5, 12, 10, 0))
    enter(trade)
    sell(trade, (trade.kettle, 1), receipt="=HYPERLINK(1)")
    voided = sell(trade, (trade.kettle, 2), receipt="B-2")
    sale_void(sale=voided, reason="Mistake", acting_user=trade.clerks[0])
    clerk = signed_in(trade.clerks[0])
    assert "B-2" not in clerk.get("/trade/sales/", {"state": "recorded"}).content.decode()
    assert "B-2" in clerk.get("/trade/sales/", {"state": "voided"}).content.decode()
    csv_text = b"".join(clerk.get("/trade/sales/", {"export": "csv"}).streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in csv_text and "••••4567" in csv_text and "N1234567" not in csv_text
    workbook = openpyxl.load_workbook(io.BytesIO(clerk.get("/trade/sales/", {"export": "xlsx"}).content))
    rows = [[cell.value for cell in row] for row in workbook.active.iter_rows()]
    assert rows[0][:2] == ["Receipt", "Shop"]
    receipts = {row[0]: row for row in rows[1:]}
    assert set(receipts) == {"=HYPERLINK(1)", "B-2"}
    assert workbook.active["A2"].data_type == "s" or workbook.active["A3"].data_type == "s"
    assert receipts["B-2"][5] == "2000.00"


def test_administrators_enter_rates_and_policies_on_their_pages(trade, signed_in):
    admin = signed_in(AdministratorFactory())
    response = admin.post(
        "/trade/rates/", {"rate-currency": "KZT", "rate-day": "2026-05-01", "rate-rate_to_cny": "0.0141", "rate": "1"}
    )
    assert response.status_code == 302
    assert "KZT" in admin.get("/trade/rates/").content.decode()
    bad = admin.post("/trade/rates/", {"rate-currency": "KZT", "rate-day": "May", "rate-rate_to_cny": "x", "rate": "1"})
    assert bad.status_code == 400
    assert admin.get("/trade/policies/").status_code == 200
    assert admin.get("/trade/shuttle-traders/").status_code == 200
    assert signed_in(trade.clerks[0]).get("/trade/rates/").status_code == 403

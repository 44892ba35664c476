import pytest

from horgos.models import User
from merchants.models import Merchant

pytestmark = pytest.mark.django_db

FORM = {
    "legal_name": "Altyn Dala Trading LLP",
    "trade_name": "Altyn Dala",
    "country": "KZ",
    "registration_number": "BIN 990140000123",
    "licence_number": "KZ-77-1234",
    "licence_valid_until": "2029-12-31",
    "contact_person": "Dana Serikova",
    "phone": "+7 701 555 0101",
    "email": "dana@altyndala.kz",
    "address": "Horgos ICBC, building B2",
    "username": "dana",
    "password": "Camel-Caravan-2027",
    "password_again": "Camel-Caravan-2027",
}


def test_a_business_applies_and_follows_its_application_in_the_portal(client):
    assert client.get("/apply/").status_code == 200
    response = client.post("/apply/", FORM, follow=True)
    assert response.redirect_chain[-1][0] == "/portal/"
    merchant = Merchant.objects.get()
    assert merchant.state == "pending"
    assert "Altyn Dala" in response.content.decode()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"password_again": "something-else"}, "password_again"),
        ({"password": "123", "password_again": "123"}, "password"),
        ({"phone": "call me"}, "phone"),
        ({"licence_valid_until": "soon"}, "licence_valid_until"),
    ],
)
def test_bad_applications_show_field_errors_and_write_nothing(client, change, field):
    response = client.post("/apply/", {**FORM, **change})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Merchant.objects.exists()
    assert not User.objects.exists()


def test_taken_username_and_registration_are_field_errors(client):
    client.post("/apply/", FORM)
    client.logout()
    again = client.post("/apply/", FORM)
    assert again.status_code == 400
    errors = again.context["form"].errors
    assert "registration_number" in errors or "username" in errors
    assert Merchant.objects.count() == 1

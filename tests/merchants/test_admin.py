"""The Django admin never writes around the services: the registry is read-only there, and of the HS reference
data only the names may be corrected."""

import pytest

from merchants.models import HsChapter, HsHeading

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["merchant", "shop", "listing", "notification"])
def test_registry_rows_are_read_only_in_the_admin(market, signed_in, model):
    client = signed_in(market.administrator)
    row = {"merchant": market.a, "shop": market.shop_a, "listing": market.listing_a}.get(model)
    assert client.get(f"/admin/merchants/{model}/").status_code == 200
    assert client.get(f"/admin/merchants/{model}/add/").status_code == 403
    if row is not None:
        assert client.post(f"/admin/merchants/{model}/{row.pk}/delete/", {"post": "yes"}).status_code == 403


def test_hs_names_are_editable_but_codes_and_chapters_are_not(market, signed_in):
    # Given the administrator on a heading's admin page
    client = signed_in(market.administrator)
    heading = HsHeading.objects.get(code="0902")
    clothes = HsChapter.objects.get(code="61")
    # When they post a new name, and a new code and chapter with it
    response = client.post(
        f"/admin/merchants/hsheading/{heading.pk}/change/",
        {"name_en": "Tea", "code": "6109", "chapter": clothes.pk},
    )
    # Then the name changes and the code and chapter stay: listings find their heading by the code
    assert response.status_code == 302
    heading.refresh_from_db()
    assert (heading.name_en, heading.code, heading.chapter.code) == ("Tea", "0902", "09")
    # And no HS row is added or deleted here
    assert client.get("/admin/merchants/hsheading/add/").status_code == 403
    assert client.get("/admin/merchants/hschapter/add/").status_code == 403
    assert client.post(f"/admin/merchants/hsheading/{heading.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"/admin/merchants/hschapter/{clothes.pk}/delete/", {"post": "yes"}).status_code == 403

import pytest
from django.db import IntegrityError, transaction

from horgos.choices import Role
from horgos.models import User
from tests.factories import AdministratorFactory, MerchantUserFactory, OfficerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.horgos.urls")]


@pytest.mark.parametrize(
    ("factory", "status"), [(OfficerFactory, 200), (AdministratorFactory, 200), (MerchantUserFactory, 403)]
)
def test_role_required_page_decorator(client, factory, status):
    client.force_login(factory())
    assert client.get("/officer-page/").status_code == status


def test_role_required_page_sends_anonymous_to_login(client):
    response = client.get("/officer-page/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize(("factory", "status"), [(MerchantUserFactory, 200), (OfficerFactory, 403)])
def test_role_required_mixin(client, factory, status):
    client.force_login(factory())
    assert client.get("/merchant-page/").status_code == status


def test_role_required_mixin_sends_anonymous_to_login(client):
    assert client.get("/merchant-page/").status_code == 302


def test_deactivated_user_loses_role_access(api_client_for):
    officer = OfficerFactory()
    client = api_client_for(officer)
    assert client.get("/api/v1/officer-only/").status_code == 200
    officer.is_active = False
    officer.save()
    assert client.get("/api/v1/officer-only/").status_code == 401


def test_database_refuses_an_unknown_role():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="x", role="pilot")


def test_database_refuses_admin_site_access_for_non_administrators():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="x", role=Role.OFFICER, is_staff=True)


def test_model_validation_explains_the_staff_rule():
    user = User(username="x", role=Role.MERCHANT, is_staff=True, password="x")
    with pytest.raises(Exception, match="Only administrators may use the administration site"):
        user.full_clean()


def test_createsuperuser_makes_an_administrator():
    user = User.objects.create_superuser("root", "root@example.org", "pw-Secret-123")
    assert user.role == Role.ADMINISTRATOR


def test_administrator_has_every_permission_and_others_none():
    assert AdministratorFactory().has_perm("horgos.delete_user")
    assert not OfficerFactory().has_perm("horgos.view_user")

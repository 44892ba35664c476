import re

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from horgos.choices import AuditAction, Role
from horgos.models import AuditEntry
from tests.factories import TEST_PASSWORD, AdministratorFactory, MerchantUserFactory, OfficerFactory
from tests.merchants.factories import OwnerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("factory", "page", "template"),
    [
        (OfficerFactory, "crossings:desk", "crossings/desk/desk.html"),
        (MerchantUserFactory, "merchants:portal", "merchants/merchant/no_membership.html"),
    ],
)
def test_officers_and_merchants_land_on_their_working_page(client, factory, page, template):
    user = factory()
    response = client.post(reverse("login"), {"username": user.username, "password": TEST_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse(page)
    assert template in [t.name for t in response.templates]


@pytest.mark.parametrize("factory", [OfficerFactory, MerchantUserFactory, AdministratorFactory])
def test_account_page_says_who_you_are(client, factory):
    user = factory(first_name="Aruzhan", last_name="Bekova")
    client.force_login(user)
    page = client.get(reverse("account")).content.decode()
    assert "Aruzhan Bekova" in page
    assert user.get_role_display() in page


@pytest.mark.parametrize(
    ("factory", "template", "phrase"),
    [
        (AdministratorFactory, "home/administrator.html", "administrator"),
    ],
)
def test_each_role_lands_on_its_own_home_after_login(client, factory, template, phrase):
    # Given a user of a role, when they sign in with the right password
    user = factory(first_name="Aruzhan", last_name="Bekova")
    response = client.post(reverse("login"), {"username": user.username, "password": TEST_PASSWORD}, follow=True)
    # Then they land on their role's home page, which says who they are and what their role is
    assert response.redirect_chain[-1][0] == reverse("home")
    assert template in [t.name for t in response.templates]
    page = response.content.decode()
    assert "Aruzhan Bekova" in page
    assert user.get_role_display() in page
    assert phrase in page


def test_wrong_password_shows_form_error_without_saying_which_part_was_wrong(client):
    user = OfficerFactory()
    response = client.post(reverse("login"), {"username": user.username, "password": "wrong"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please enter a correct username and password" in page
    assert "_auth_user_id" not in client.session
    # the same message for an unknown user: nothing tells which part was wrong
    unknown = client.post(reverse("login"), {"username": "nobody", "password": "wrong"})
    assert unknown.context["form"].non_field_errors() == response.context["form"].non_field_errors()


def test_logout_ends_the_session_and_returns_to_the_landing_page(client):
    client.force_login(OfficerFactory())
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("landing")
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.parametrize("url_name", ["home", "password_change"])
def test_anonymous_visitor_is_sent_to_login_from_protected_pages(client, url_name):
    url = reverse(url_name)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


def test_signed_in_user_visiting_landing_goes_home(client):
    client.force_login(MerchantUserFactory())
    assert client.get(reverse("landing")).url == reverse("home")


def test_password_change_takes_the_new_password(client):
    user = OfficerFactory()
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "Border-Lane-2027!", "new_password2": "Border-Lane-2027!"},
    )
    assert response.url == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password("Border-Lane-2027!")


def test_password_change_with_wrong_old_password_shows_field_error(client):
    user = OfficerFactory()
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": "nope", "new_password1": "Border-Lane-2027!", "new_password2": "Border-Lane-2027!"},
    )
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


def test_administrator_home_shows_user_counts_and_recent_audit_entries(client):
    admin = AdministratorFactory()
    OfficerFactory.create_batch(2)
    client.force_login(admin)
    client.post(reverse("api-token-rotate"))
    response = client.get(reverse("home"))
    assert response.context["user_counts"] == {Role.OFFICER: 2, Role.MERCHANT: 0, Role.ADMINISTRATOR: 1}
    assert [e.action for e in response.context["recent_audit_entries"]] == ["api_token.issue"]
    assert "API token issued" in response.content.decode()


@pytest.mark.parametrize("language", ["en", "zh-hans", "kk", "ru"])
def test_recent_activity_shows_the_action_label_in_the_page_language_not_its_code(client, language):
    admin = AdministratorFactory()
    AuditEntry.objects.create(
        actor=admin, actor_username=admin.username, action=AuditAction.CROSSING_ENTRY, target_type="x", target_id="1"
    )
    client.force_login(admin)
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    with translation.override(language):
        label = str(AuditAction.CROSSING_ENTRY.label)
    activity = page.split('id="recent-activity"')[1]
    assert f"<td>{label}</td>" in activity
    assert "crossing.entry" not in activity


def test_navigation_links_follow_the_role(client):
    client.force_login(OfficerFactory())
    officer_page = client.get(reverse("account")).content.decode()
    assert reverse("admin:index") not in officer_page
    client.force_login(AdministratorFactory())
    admin_page = client.get(reverse("home")).content.decode()
    assert reverse("admin:horgos_auditentry_changelist") in admin_page


def test_recent_activity_shows_the_reason_given_for_an_action(client):
    admin = AdministratorFactory()
    AuditEntry.objects.create(
        actor=admin, action=AuditAction.LANE_UPDATE, target_type="x", target_id="1", reason="Scanner broken"
    )
    client.force_login(admin)
    activity = client.get(reverse("home")).content.decode().split('id="recent-activity"')[1]
    assert "Reason: Scanner broken" in activity


# Every link each role's navigation had before it was grouped into menus (issue 12); the menus may add more.
NAVIGATION_LINKS = {
    "officer": [
        "crossings:desk", "crossings:inside", "crossings:overstays", "crossings:today", "crossings:charts",
        "crossings:statistics", "crossings:reports", "merchants:catalogue", "api-docs", "account",
        "crossings:traveller-search", "crossings:operations-alerts",
    ],
    "administrator": [
        "home", "crossings:desk", "crossings:traveller-search", "crossings:inside", "crossings:overstays",
        "crossings:today", "crossings:charts",
        "crossings:statistics", "crossings:reports", "crossings:operations", "merchants:registry-applications",
        "merchants:registry-moderation", "merchants:registry-shops", "trade:sales", "trade:rates", "trade:policies",
        "trade:flags", "trade:statistics", "trade:all-shipments", "admin:horgos_auditentry_changelist", "admin:index",
        "merchants:catalogue", "api-docs", "account",
    ],
    "merchant": [
        "merchants:portal", "merchants:portal-shops", "merchants:portal-listings", "merchants:portal-members",
        "trade:sale-new", "trade:sales", "trade:shipments", "merchants:catalogue", "api-docs", "account",
        "merchants:portal-notifications",
    ],
}  # fmt: skip


@pytest.mark.parametrize("factory", [OfficerFactory, AdministratorFactory, MerchantUserFactory])
def test_the_grouped_navigation_keeps_every_link_of_the_role(client, factory):
    user = factory()
    client.force_login(user)
    nav = client.get(reverse("account")).content.decode().split('class="site-nav"')[1].split("</nav>")[0]
    for name in NAVIGATION_LINKS[user.role]:
        assert f'href="{reverse(name)}"' in nav, name
    assert nav.count("<details") == (5 if user.role == Role.ADMINISTRATOR else 1)


def test_every_link_on_each_home_page_answers(client):
    # Given each role's home page (a merchant user on a merchant's staff), every local link answers
    for user in (OfficerFactory(), OwnerFactory().user, AdministratorFactory()):
        client.force_login(user)
        page = client.get(reverse("home"), follow=True).content.decode()
        for href in set(re.findall(r'href="(/[^"]*)"', page)):
            if href.startswith("/static/"):
                continue
            assert client.get(href).status_code in (200, 302), href


def test_api_token_rotation_replaces_the_token_and_is_audited(client):
    # Given a signed-in officer (a sign-in is a fresh password) who creates a token, then replaces it
    user = OfficerFactory()
    client.force_login(user)
    first = client.post(reverse("api-token-rotate")).context["issued_secret"]
    second = client.post(reverse("api-token-rotate")).context["issued_secret"]
    # Then the first stops working, the second works, and each issue and the revocation are audited
    assert first != second
    assert APIClient(HTTP_AUTHORIZATION=f"Token {first}").get("/api/v1/me/").status_code == 401
    assert APIClient(HTTP_AUTHORIZATION=f"Token {second}").get("/api/v1/me/").status_code == 200
    assert AuditEntry.objects.filter(action=AuditAction.API_TOKEN_ISSUE, actor=user).count() == 2
    assert AuditEntry.objects.filter(action=AuditAction.API_TOKEN_REVOKE, actor=user).count() == 1
    assert client.get(reverse("api-token-rotate")).status_code == 405

import pytest
from django.core.management import call_command

from horgos.choices import Role
from horgos.management.commands.load_demo_users import DEMO_PASSWORD
from horgos.models import AuditEntry, User
from scripts.dev import DEMO_LOGINS
from scripts.dev import DEMO_PASSWORD as PRINTED_PASSWORD

pytestmark = pytest.mark.django_db


def test_demo_users_load_once_however_often_the_command_runs():
    call_command("load_demo_users")
    call_command("load_demo_users")
    users = {user.username: user for user in User.objects.all()}
    assert {name: user.role for name, user in users.items()} == {
        "admin": Role.ADMINISTRATOR,
        "officer.cn": Role.OFFICER,
        "officer.kz": Role.OFFICER,
        "merchant": Role.MERCHANT,
    }
    assert all(user.check_password(DEMO_PASSWORD) for user in users.values())
    assert users["admin"].is_staff
    assert AuditEntry.objects.filter(action="user.create").count() == 4


def test_the_logins_make_run_prints_are_the_ones_loaded():
    call_command("load_demo_users")
    assert PRINTED_PASSWORD == DEMO_PASSWORD
    assert {username for username, _ in DEMO_LOGINS} == set(User.objects.values_list("username", flat=True))

from django.core.management.base import BaseCommand
from django.db import transaction

from horgos.choices import Role
from horgos.models import User
from horgos.services import user_create

DEMO_PASSWORD = "horgos-demo"
DEMO_USERS = [
    {"username": "admin", "role": Role.ADMINISTRATOR, "first_name": "Aigerim", "last_name": "Sadykova"},
    {"username": "officer.cn", "role": Role.OFFICER, "first_name": "Wei", "last_name": "Zhang"},
    {"username": "officer.kz", "role": Role.OFFICER, "first_name": "Nurlan", "last_name": "Abenov"},
    {"username": "merchant", "role": Role.MERCHANT, "first_name": "Li", "last_name": "Na"},
]


class Command(BaseCommand):
    help = "Create the demo users (idempotent: existing ones are left as they are)."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEMO_PASSWORD, help="password for newly created demo users")

    @transaction.atomic
    def handle(self, *args, password: str, **options):
        existing = set(
            User.objects.filter(username__in=[u["username"] for u in DEMO_USERS]).values_list("username", flat=True)
        )
        for fields in DEMO_USERS:
            if fields["username"] in existing:
                continue
            user_create(password=password, **fields)
            self.stdout.write(f"created {fields['username']} ({fields['role']})")
        self.stdout.write(self.style.SUCCESS(f"{len(DEMO_USERS)} demo users present"))

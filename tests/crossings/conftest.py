from contextlib import contextmanager
from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from crossings.models import Checkpoint, Lane, OfficerAssignment
from crossings.services.statistics_rebuild import statistics_fill_history
from crossings.views.officer.desk import SESSION_LANE
from tests.crossings.factories import DocumentFactory, TravellerFactory
from tests.factories import AdministratorFactory, MerchantUserFactory, OfficerFactory

BEIJING = ZoneInfo("Asia/Shanghai")
ALMATY = ZoneInfo("Asia/Almaty")


def beijing(*args) -> datetime:
    return datetime(*args, tzinfo=BEIJING)


def almaty(*args) -> datetime:
    return datetime(*args, tzinfo=ALMATY)


def zone_of_reference() -> SimpleNamespace:
    """The reference data of the zone, as `make run` loads it, with an officer at each checkpoint."""
    call_command("crossings_load_reference", verbosity=0)
    cn, kz = Checkpoint.objects.get(code="CN"), Checkpoint.objects.get(code="KZ")
    cn_officer, kz_officer = OfficerFactory(username="officer.cn"), OfficerFactory(username="officer.kz")
    OfficerAssignment.objects.create(officer=cn_officer, checkpoint=cn)
    OfficerAssignment.objects.create(officer=kz_officer, checkpoint=kz)

    def lane(checkpoint: str, code: str) -> Lane:
        return Lane.objects.select_related("checkpoint").get(checkpoint__code=checkpoint, code=code)

    return SimpleNamespace(
        cn=cn,
        kz=kz,
        lane=lane,
        cn_officer=cn_officer,
        kz_officer=kz_officer,
        administrator=AdministratorFactory(),
        merchant=MerchantUserFactory(),
    )


@pytest.fixture
def zone(db):
    """The reference data of the zone, with an officer at each checkpoint (see `zone_of_reference`)."""
    return zone_of_reference()


@contextmanager
def generated_history(
    django_db_blocker, *, travellers: int, days: int, daily_visits: int, seed: int, end: date, fill_at: datetime
):
    """The zone with generated traffic (`crossings_generate` with these options), filled as of `fill_at`: made once
    for the tests of a module, outside their transactions, and flushed after the last of them.

    The statistics are filled set-based (`statistics_fill_history`, whose rows a test of its own holds equal to the
    day-by-day fill's): day by day, a year and a half took most of a minute. Each test still runs in its own
    transaction, so what one test writes is gone before the next.
    """
    with django_db_blocker.unblock():
        zone = zone_of_reference()
        call_command("crossings_generate", "--travellers", str(travellers), "--days", str(days), "--daily-visits",
                     str(daily_visits), "--seed", str(seed), "--end", end.isoformat(), verbosity=0)  # fmt: skip
        statistics_fill_history(now=fill_at)
    try:
        yield zone
    finally:
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def administrator_client(zone, signed_in):
    """A page client signed in as the zone's administrator."""
    return signed_in(zone.administrator)


@pytest.fixture
def desk_client(zone, signed_in):
    """A page client of a user at the lane desk, their lane already chosen: `desk_client(zone.cn_officer)`."""

    def at_lane(user, checkpoint: str = "CN", lane: str = "E-F01"):
        client = signed_in(user)
        session = client.session
        session[SESSION_LANE] = zone.lane(checkpoint, lane).pk
        session.save()
        return client

    return at_lane


@pytest.fixture
def kazakh(db):
    """A Kazakh citizen with a valid Kazakh passport."""
    traveller = TravellerFactory(nationality="KZ", family_name="Abenova", given_names="Aigul")
    return DocumentFactory(traveller=traveller, issuing_country="KZ", number="N1234567", valid_until=date(2030, 1, 1))


@pytest.fixture
def chinese(db):
    """A Chinese citizen with a valid Chinese passport."""
    traveller = TravellerFactory(nationality="CN", family_name="Wang", given_names="Fang", family_name_native="王")
    return DocumentFactory(traveller=traveller, issuing_country="CN", number="E12345678", valid_until=date(2030, 1, 1))


@pytest.fixture
def at():
    """Travel to a moment: `at(beijing(2026, 3, 1, 10, 0))`; time then runs on from there."""
    travellers = []

    def travel(moment: datetime):
        traveller = time_machine.travel(moment, tick=True)
        traveller.start()
        travellers.append(traveller)
        return moment

    yield travel
    for traveller in reversed(travellers):
        traveller.stop()


@pytest.fixture
def files_of_this_test(settings, tmp_path):
    """Stored files of this test under its own folders: public (MEDIA_ROOT) and private (PRIVATE_MEDIA_ROOT)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return SimpleNamespace(public=settings.MEDIA_ROOT, private=settings.PRIVATE_MEDIA_ROOT)


@pytest.fixture
def first_of_may():
    """1 May 2026, the day after the generated histories end: 2026 is under way, 2027 has not begun."""
    with time_machine.travel(beijing(2026, 5, 1, 12, 0), tick=False):
        yield

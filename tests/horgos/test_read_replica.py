"""The read replica (DESIGN.md section 7): reports, statistics pages and their exports read from the `replica` alias
when one is configured, writes and reads inside a transaction stay on the primary, and without one everything uses
`default`. The test settings' `replica` alias is the test database itself (a test mirror), so every query lands on
the same rows and only the alias it went through tells the routes apart."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from crossings.models import AnnualReport, Checkpoint
from crossings.services.reports import annual_report_generate
from crossings.services.statistics_rebuild import statistics_fill_history
from horgos.db_routers import ReadReplicaRouter, reads_from_replica
from tests.crossings.conftest import zone_of_reference
from trade.services.statistics import trade_statistics_fill

# Transactional: a test inside one transaction on the primary would, rightly, read everything from the primary.
pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])
END = date(2026, 4, 30)
AFTER_END = datetime(2026, 5, 1, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def replica(settings):
    settings.READ_REPLICA_ALIAS = "replica"


@pytest.fixture
def filled():
    zone = zone_of_reference()
    call_command("crossings_generate", "--travellers", "60", "--days", "20", "--daily-visits", "5", "--seed", "3",
                 "--end", END.isoformat(), verbosity=0)  # fmt: skip
    statistics_fill_history(now=AFTER_END)
    trade_statistics_fill(now=AFTER_END)
    return zone


def queries_on(alias: str) -> CaptureQueriesContext:
    return CaptureQueriesContext(connections[alias])


def test_marked_reads_go_to_the_replica_and_writes_and_transactions_stay_on_the_primary(replica):
    router = ReadReplicaRouter()
    assert router.db_for_read(Checkpoint) == "default"  # not marked
    with reads_from_replica():
        assert router.db_for_read(Checkpoint) == "replica"
        assert router.db_for_write(Checkpoint) == "default"
        with transaction.atomic():
            assert router.db_for_read(Checkpoint) == "default"  # a transaction reads what it writes
        with reads_from_replica():  # nested
            assert router.db_for_read(Checkpoint) == "replica"
        assert router.db_for_read(Checkpoint) == "replica"
    assert router.db_for_read(Checkpoint) == "default"
    assert router.allow_migrate("replica", "crossings") is False
    assert router.allow_migrate("default", "crossings") is True


def test_without_a_replica_every_read_uses_the_primary(settings):
    settings.READ_REPLICA_ALIAS = ""
    with reads_from_replica(), queries_on("default") as primary, queries_on("replica") as copy:
        assert list(Checkpoint.objects.all()) == []
    assert len(primary) == 1 and len(copy) == 0


def test_statistics_pages_and_their_exports_read_from_the_replica(filled, replica, signed_in):
    client = signed_in(filled.administrator)
    for path, query in [
        ("/crossings/statistics/", {}),
        ("/crossings/statistics/", {"export": "months"}),
        ("/trade/statistics/", {}),
        ("/trade/statistics/", {"export": "side"}),
    ]:
        with queries_on("default") as primary, queries_on("replica") as copy:
            page = client.get(path, query)
            if hasattr(page, "streaming_content"):
                b"".join(page.streaming_content)
        assert page.status_code == 200, path
        statistics = [q["sql"] for q in copy if "_stat" in q["sql"] or "statistic" in q["sql"]]
        assert statistics, (path, query)
        # The primary answered only for the session and the signed-in user, before the view ran
        assert not [q["sql"] for q in primary if "_stat" in q["sql"] or "statistic" in q["sql"]], (path, query)


def test_the_annual_report_page_and_task_read_the_figures_from_the_replica(
    filled, replica, signed_in, settings, tmp_path
):
    settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT = tmp_path / "media", tmp_path / "private"
    with time_machine.travel(AFTER_END, tick=False):
        with queries_on("replica") as copy:
            page = signed_in(filled.administrator).get("/crossings/reports/2026/")
        assert page.status_code == 200
        assert copy.captured_queries
        report = AnnualReport.objects.create(year=2026, language="en", requested_by=filled.administrator)
        with queries_on("default") as primary, queries_on("replica") as copy:
            assert annual_report_generate(report_id=report.pk) == "done"
    # The figures came from the replica; the report's own row was locked and written on the primary
    assert copy.captured_queries
    assert not [q["sql"] for q in copy if "UPDATE" in q["sql"] or "FOR UPDATE" in q["sql"]]
    assert [q["sql"] for q in primary if "FOR UPDATE" in q["sql"]]


def test_reads_outside_the_marked_views_stay_on_the_primary(filled, replica, signed_in):
    with queries_on("replica") as copy:
        page = signed_in(filled.administrator).get("/crossings/reports/")
    assert page.status_code == 200
    assert len(copy) == 0

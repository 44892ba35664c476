"""The statistics page, the public traffic page and the figures API: figures from the statistics tables."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from crossings.choices import RefusalReason
from crossings.selectors import figures
from crossings.services.statistics import statistics_fill
from crossings.services.statistics_rebuild import statistics_fill_history
from tests.factories import MerchantUserFactory

pytestmark = pytest.mark.django_db
END = date(2026, 4, 30)


@pytest.fixture
def filled(zone):
    call_command("crossings_generate", "--travellers", "200", "--days", "30", "--daily-visits", "15", "--seed", "5",
                 "--end", END.isoformat(), verbosity=0)  # fmt: skip
    statistics_fill_history(now=datetime(2026, 5, 1, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    return zone


def test_the_administrator_sees_the_headline_and_downloads_each_table(filled, administrator_client):
    ytd = figures.year_to_date(END)
    with CaptureQueriesContext(connection) as queries:
        page = administrator_client.get("/crossings/statistics/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"{ytd.crossings:,} crossings in 2026" in html
    assert "By checkpoint" in html and "By nationality" in html
    april = figures.monthly_crossings(2026)[3]
    assert f'<th scope="row">4</th><td class="num">0</td><td class="num">{april:,}</td>' in html
    refusals = figures.refusals_by_reason(date(2026, 1, 1), END)
    shown = [f'<td>{RefusalReason(row["reason"]).label}</td><td class="num">{row["refusals"]}</td>' for row in refusals]
    assert all(cell in html for cell in shown) and ("No refusals." in html) == (not refusals)
    assert not [query["sql"] for query in queries if "crossings_crossing" in query["sql"]]
    months = b"".join(administrator_client.get("/crossings/statistics/", {"export": "months"}).streaming_content)
    assert months.decode("utf-8-sig").splitlines()[0] == "Month,2025,2026"
    groups = b"".join(administrator_client.get("/crossings/statistics/", {"export": "groups"}).streaming_content)
    assert "Kazakhstan" in groups.decode("utf-8-sig")


def test_an_officer_sees_their_own_checkpoint_only(filled, signed_in):
    page = signed_in(filled.kz_officer).get("/crossings/statistics/", {"checkpoint": "CN"})
    assert page.status_code == 200
    assert page.context["checkpoint"] == filled.kz
    assert "By checkpoint" not in page.content.decode()
    assert signed_in(MerchantUserFactory()).get("/crossings/statistics/").status_code == 403


def test_a_bad_day_is_a_form_error(filled, administrator_client):
    page = administrator_client.get("/crossings/statistics/", {"as_of": "3026-01-01"})
    assert page.status_code == 400
    assert "as_of" in page.context["form"].errors


def test_the_public_page_shows_counts_only_to_anyone(filled, client):
    page = client.get("/crossings/traffic/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"{figures.year_to_date(END).crossings:,} crossings so far in 2026" in html
    assert "Opening hours" in html
    body = APIClient().get("/api/v1/figures/public/").json()
    assert body["crossings"] == figures.year_to_date(END).crossings
    assert len(body["this_year"]) == 12
    assert "traveller" not in str(body).lower()


def test_the_figures_api_is_scoped_like_the_page(filled, api_client_for):
    assert APIClient().get("/api/v1/figures/").status_code == 401
    assert api_client_for(MerchantUserFactory()).get("/api/v1/figures/").status_code == 403
    officer = api_client_for(filled.cn_officer).get("/api/v1/figures/", {"checkpoint": "KZ"}).json()
    assert officer["by_checkpoint"] == {}
    assert officer["year_to_date"]["crossings"] == figures.year_to_date(END, checkpoint=filled.cn).crossings
    administrator = api_client_for(filled.administrator).get("/api/v1/figures/").json()
    assert set(administrator["by_checkpoint"]) == {"CN", "KZ"}
    assert api_client_for(filled.administrator).get("/api/v1/figures/", {"as_of": "May"}).status_code == 400


def test_before_the_first_run_the_pages_say_so(zone, client, administrator_client):
    assert "first night's statistics" in client.get("/crossings/traffic/").content.decode()
    assert "first run has not happened" in administrator_client.get("/crossings/statistics/").content.decode()


def test_the_public_figures_come_from_the_cache_the_nightly_run_refreshed(filled, client):
    # Given the nightly run has filled the statistics (the fixture) and left the figures in the cache
    expected = figures.public_figures(END)
    # When anyone reads the public page and the public API
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/crossings/traffic/")
        body = APIClient().get("/api/v1/figures/public/").json()
    # Then the figures are the run's, read without a statistics table
    assert page.status_code == 200 and body == expected
    tables = ("crossings_dailycrossingcount", "crossings_statisticsfillstate", "crossings_historicalmonthlytotal")
    assert not [query["sql"] for query in queries if any(table in query["sql"] for table in tables)]


def test_the_next_nightly_run_replaces_the_cached_public_figures(filled, client):
    # Given the figures cached as of the last filled day
    before = APIClient().get("/api/v1/figures/public/").json()
    assert before["as_of"] == END.isoformat()
    # When the next night fills one more day (with no crossings)
    statistics_fill(now=datetime(2026, 5, 2, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    # Then the public figures are as of that day at once, not after the cache expires
    after = APIClient().get("/api/v1/figures/public/").json()
    assert after["as_of"] == "2026-05-01"
    assert after == figures.public_figures(date(2026, 5, 1))


def test_an_empty_cache_means_the_public_figures_are_computed(filled, client):
    # Given a cache emptied (restarted Redis)
    from django.core.cache import cache

    cache.clear()
    # When the public API is read
    body = APIClient().get("/api/v1/figures/public/").json()
    # Then the figures are computed, and kept for the next request
    assert body == figures.public_figures(END)
    assert cache.get(figures.PUBLIC_FIGURES_KEY) == {"numbers": body}

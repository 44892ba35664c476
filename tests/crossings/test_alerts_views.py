"""Watchlist alerts for officers and administrators: the alerts page scoped to the officer's checkpoint, acknowledging
there and from the desk's live panel, and every alert time in the zone of its checkpoint."""

import pytest
from django.urls import reverse

from crossings.choices import WatchlistMatch
from crossings.models import Alert
from crossings.services.crossings import crossing_record_entry
from crossings.services.watchlist import alert_acknowledge, watchlist_add
from horgos.choices import AuditAction
from horgos.models import AuditEntry
from tests.crossings.conftest import almaty, beijing
from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    return reverse(f"crossings:{name}", args=args)


@pytest.fixture
def alerts(zone, kazakh, chinese, at) -> dict[str, Alert]:
    """Two open watchlist hits: at the Kazakh checkpoint on 12 May 2026 at 10:00 Almaty time (13:00 in Beijing, the
    site's zone), and at the Chinese checkpoint at 14:00 Beijing time."""
    at(almaty(2026, 5, 12, 9, 0))
    watchlist_add(match=WatchlistMatch.PERSON, family_name="Abenova", birth_date=kazakh.traveller.birth_date,
                  reason="Court order 17/2026", acting_user=zone.administrator)  # fmt: skip
    watchlist_add(match=WatchlistMatch.DOCUMENT, document_type="passport", document_issuing_country="CN",
                  document_number="E12345678", reason="Customs fraud", acting_user=zone.administrator)  # fmt: skip
    at(almaty(2026, 5, 12, 10, 0))
    crossing_record_entry(document=kazakh, lane=zone.lane("KZ", "E-C01"), acting_user=zone.kz_officer)
    at(beijing(2026, 5, 12, 14, 0))
    crossing_record_entry(document=chinese, lane=zone.lane("CN", "E-C01"), acting_user=zone.cn_officer)
    return {alert.crossing.lane.checkpoint.code: alert for alert in Alert.objects.select_related("crossing__lane")}


def acknowledgements() -> int:
    return AuditEntry.objects.filter(action=AuditAction.ALERT_ACKNOWLEDGE).count()


# --- the alerts page ---------------------------------------------------------------------------------


def test_an_officer_sees_the_alerts_of_their_checkpoint_only(signed_in, zone, alerts):
    response = signed_in(zone.kz_officer).get(url("operations-alerts"))
    assert response.status_code == 200
    assert list(response.context["page"]) == [alerts["KZ"]]
    assert response.context["open_count"] == 1
    page = response.content.decode()
    assert "Court order 17/2026" in page and "Customs fraud" not in page
    # Without the administrators' checkpoint filter, the operations menu or the watchlist entry's (admin) page
    assert 'name="checkpoint"' not in page
    assert url("operations-lanes") not in page
    assert url("operations-watchlist-entry", alerts["KZ"].watchlist_entry_id) not in page
    # Each alert leads to the traveller's page
    assert url("traveller", alerts["KZ"].crossing.traveller_id) in page


def test_an_officer_asking_for_the_other_checkpoint_still_sees_only_theirs(signed_in, zone, alerts):
    response = signed_in(zone.kz_officer).get(url("operations-alerts"), {"checkpoint": "CN"})
    assert list(response.context["page"]) == [alerts["KZ"]]


def test_an_unassigned_officer_sees_no_alert(signed_in, zone, alerts):
    response = signed_in(OfficerFactory()).get(url("operations-alerts"))
    assert response.status_code == 200
    assert list(response.context["page"]) == []


def test_an_administrator_sees_every_alert_and_filters_by_checkpoint(administrator_client, zone, alerts):
    response = administrator_client.get(url("operations-alerts"))
    assert set(response.context["page"]) == {alerts["KZ"], alerts["CN"]}
    assert response.context["open_count"] == 2
    assert 'name="checkpoint"' in response.content.decode()
    filtered = administrator_client.get(url("operations-alerts"), {"checkpoint": "CN"})
    assert list(filtered.context["page"]) == [alerts["CN"]]


def test_alert_times_are_in_the_checkpoint_zone_and_document_numbers_masked(administrator_client, zone, alerts):
    alert_acknowledge(alert=alerts["KZ"], acting_user=zone.kz_officer)
    page = administrator_client.get(url("operations-alerts")).content.decode()
    # The KZ crossing at 10:00 in Almaty (not 13:00 Beijing time), acknowledged at 14:00 Beijing time: 11:00 there
    assert '<time datetime="2026-05-12T10:00+05:00">' in page
    assert '<time datetime="2026-05-12T11:00+05:00">' in page
    assert '<time datetime="2026-05-12T14:00+08:00">' in page
    assert "+08:00" not in page.split('id="alert-{}"'.format(alerts["KZ"].pk))[1].split("</tr>")[0]
    assert "••••4567" in page and "N1234567" not in page
    assert "••••5678" in page and "E12345678" not in page


@pytest.mark.parametrize("caller", ["kz_officer", "administrator"])
def test_an_officer_of_the_checkpoint_or_an_administrator_acknowledges_on_the_page(signed_in, zone, alerts, caller):
    user = getattr(zone, caller)
    response = signed_in(user).post(
        url("operations-alert-acknowledge", alerts["KZ"].pk), {"next": url("operations-alerts")}, follow=True
    )
    assert response.redirect_chain[-1][0] == url("operations-alerts")
    assert "Alert acknowledged." in response.content.decode()
    alerts["KZ"].refresh_from_db()
    assert alerts["KZ"].acknowledged_by == user
    assert acknowledgements() == 1


def test_an_officer_cannot_acknowledge_the_other_checkpoints_alert(signed_in, zone, alerts):
    response = signed_in(zone.kz_officer).post(url("operations-alert-acknowledge", alerts["CN"].pk))
    assert response.status_code == 404
    alerts["CN"].refresh_from_db()
    assert not alerts["CN"].is_acknowledged
    assert acknowledgements() == 0


@pytest.mark.parametrize(("caller", "status"), [(None, 302), ("merchant", 403)])
def test_the_alerts_page_and_its_action_are_closed_to_others(signed_in, zone, alerts, caller, status):
    client = signed_in(getattr(zone, caller) if caller else None)
    assert client.get(url("operations-alerts")).status_code == status
    assert client.post(url("operations-alert-acknowledge", alerts["KZ"].pk)).status_code == status
    assert acknowledgements() == 0


def test_officers_find_the_alerts_page_in_their_navigation(signed_in, zone):
    page = signed_in(zone.kz_officer).get(url("inside")).content.decode()
    assert f'href="{url("operations-alerts")}"' in page


# --- the live panel of the lane desk ------------------------------------------------------------------


def test_live_panel_shows_each_open_alert_in_local_time_with_a_link_and_a_button(zone, desk_client, alerts, at):
    at(almaty(2026, 5, 12, 10, 30))
    panel = desk_client(zone.kz_officer, "KZ", "E-C01").get(url("desk-live")).content.decode()
    kz_alert = alerts["KZ"]
    # Raised at 10:00 Almaty time (not 13:00, Beijing's), in the active language's time format
    assert '<time datetime="2026-05-12T10:00+05:00">' in panel
    assert "13:00" not in panel
    assert f'href="{url("operations-alerts")}?state=open#alert-{kz_alert.pk}"' in panel
    assert f'hx-post="{url("desk-live-alert-acknowledge", kz_alert.pk)}"' in panel
    # Without JavaScript the button posts to the alerts page's action and comes back to the desk
    assert f'action="{url("operations-alert-acknowledge", kz_alert.pk)}"' in panel
    assert f'name="next" value="{url("desk")}"' in panel
    assert "Acknowledge the alert for ABENOVA Aigul" in panel
    assert f"alert-{alerts['CN'].pk}" not in panel  # the other checkpoint's


def test_acknowledging_from_the_live_panel_answers_the_panel_without_the_alert(zone, desk_client, alerts, at):
    at(almaty(2026, 5, 12, 10, 30))
    desk = desk_client(zone.kz_officer, "KZ", "E-C01")
    response = desk.post(url("desk-live-alert-acknowledge", alerts["KZ"].pk), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.templates[0].name == "crossings/desk/_live_panel.html"
    assert "No open alerts." in response.content.decode()
    alerts["KZ"].refresh_from_db()
    assert alerts["KZ"].acknowledged_by == zone.kz_officer
    # Twice (another desk was quicker): the panel says so, the first acknowledgement stays
    again = desk.post(url("desk-live-alert-acknowledge", alerts["KZ"].pk), HTTP_HX_REQUEST="true")
    assert "This alert has already been acknowledged." in again.content.decode()
    assert acknowledgements() == 1


def test_the_live_panel_refuses_another_checkpoints_alert(zone, desk_client, alerts):
    response = desk_client(zone.kz_officer, "KZ", "E-C01").post(url("desk-live-alert-acknowledge", alerts["CN"].pk))
    # Not found: the view looks among the officer's own alerts (the service's NOT_YOUR_ALERT stands behind it)
    assert response.status_code == 404
    assert not Alert.objects.get(pk=alerts["CN"].pk).is_acknowledged


def test_the_desk_acknowledgement_says_when_in_the_checkpoint_zone(zone, desk_client, alerts, at):
    at(almaty(2026, 5, 12, 10, 10))
    fragment = desk_client(zone.kz_officer, "KZ", "E-C01").post(
        url("desk-alert-acknowledge", alerts["KZ"].pk), HTTP_HX_REQUEST="true"
    )
    html = fragment.content.decode()
    assert "Acknowledged by officer.kz at" in html
    assert '<time datetime="2026-05-12T10:10+05:00">' in html

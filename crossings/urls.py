"""The crossings pages' URLs, under /crossings/: the officers' desk, lists and charts, and the administrators'
operations."""

from django.urls import path

from crossings.views.administrator import history, hours, index, lanes, users, watchlist
from crossings.views.officer import alerts, charts, desk, lists, reports, statistics, travellers
from crossings.views.public import traffic

app_name = "crossings"

urlpatterns = [
    # The lane desk
    path("desk/", desk.desk, name="desk"),
    path("desk/lane/", desk.desk_choose_lane, name="desk-lane"),
    path("desk/scan/", desk.desk_scan, name="desk-scan"),
    path("desk/documents/<int:document_id>/record/", desk.desk_record_document, name="desk-record"),
    path("desk/register/", desk.desk_register, name="desk-register"),
    path("desk/alerts/<int:alert_id>/acknowledge/", desk.desk_acknowledge_alert, name="desk-alert-acknowledge"),
    path("desk/live/", desk.desk_live, name="desk-live"),
    path(
        "desk/live/alerts/<int:alert_id>/acknowledge/",
        desk.desk_live_acknowledge_alert,
        name="desk-live-alert-acknowledge",
    ),
    # Lists, a traveller's page, charts
    path("inside/", lists.InsideView.as_view(), name="inside"),
    path("overstays/", lists.OverstaysView.as_view(), name="overstays"),
    path("today/", lists.TodayView.as_view(), name="today"),
    path("travellers/", travellers.traveller_search, name="traveller-search"),
    path("travellers/<int:pk>/", travellers.traveller_detail, name="traveller"),
    path(
        "travellers/<int:pk>/documents/<int:document_pk>/reveal/",
        travellers.document_number,
        name="document-reveal",
    ),
    path("charts/", charts.charts, name="charts"),
    path("charts/data/", charts.charts_data, name="charts-data"),
    path("statistics/", statistics.statistics, name="statistics"),
    # Annual reports: the list and requests, the list partial polled while one is written, a year as a page, files
    path("reports/", reports.reports, name="reports"),
    path("reports/list/", reports.reports_list, name="reports-list"),
    path("reports/<int:year>/", reports.report_page, name="report"),
    path("reports/files/<int:pk>/<str:file_format>/", reports.report_download, name="report-download"),
    # Public figures, for anyone
    path("traffic/", traffic.traffic, name="traffic"),
    # Operations (administrators)
    path("operations/", index.index, name="operations"),
    path("operations/lanes/", lanes.lanes, name="operations-lanes"),
    path("operations/lanes/<int:pk>/state/", lanes.lane_state, name="operations-lane-state"),
    path("operations/lanes/<int:pk>/close/", lanes.lane_close, name="operations-lane-close"),
    path("operations/hours/", hours.hours, name="operations-hours"),
    path("operations/hours/<str:checkpoint>/", hours.hours_set_week, name="operations-hours-set"),
    path("operations/closures/", hours.closure_add_view, name="operations-closure-add"),
    path("operations/closures/<int:pk>/remove/", hours.closure_remove_view, name="operations-closure-remove"),
    path("operations/watchlist/", watchlist.watchlist, name="operations-watchlist"),
    path("operations/watchlist/<int:pk>/", watchlist.watchlist_entry, name="operations-watchlist-entry"),
    path("operations/watchlist/<int:pk>/reveal/", watchlist.watchlist_entry_number, name="operations-watchlist-reveal"),
    path(
        "operations/watchlist/<int:pk>/deactivate/",
        watchlist.watchlist_entry_deactivate,
        name="operations-watchlist-deactivate",
    ),
    path("operations/users/", users.users, name="operations-users"),
    path("operations/users/<int:pk>/checkpoint/", users.user_checkpoint, name="operations-user-checkpoint"),
    path("operations/users/<int:pk>/deactivate/", users.user_deactivate_view, name="operations-user-deactivate"),
    path("operations/users/<int:pk>/reactivate/", users.user_reactivate_view, name="operations-user-reactivate"),
    path("operations/alerts/", alerts.alerts, name="operations-alerts"),
    path("operations/alerts/<int:pk>/acknowledge/", alerts.alert_acknowledge_view, name="operations-alert-acknowledge"),
    path("operations/history/", history.history, name="operations-history"),
]

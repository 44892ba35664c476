"""Who may do what, at every address of the site: one table (`MATRIX`) with a row for every named URL pattern
(pages, the API under /api/v1/, the schema and its docs, the language switch, probes; Django's admin by the one rule
of its site) and, for each method the route takes, the status each caller gets:

    anonymous · merchant (own object) · merchant (another merchant's object) · officer (own checkpoint's object)
    · officer (the other checkpoint's object) · administrator

The objects are the demo data of `make run` (tests/site_pages.py `site_data`, whose `SAMPLES` give each page's own
object) with a few rows more (`world`): another merchant's shop, listing, sale, shipment and import, alerts and
annual reports of both checkpoints. A route whose object belongs to no merchant or checkpoint has `-` in the two
"other" columns. Every request runs in the test's transaction and is rolled back; a refused one (a 302 to sign in,
401, 403, 404, 405) must also have written no row (PostgreSQL's per-transaction row counters say so).

A new route without a row fails `test_every_route_has_a_row`, naming it: add its row to `MATRIX` (and, if it has
parameters, its object to `SAMPLES` in tests/site_pages.py for a page, or `OBJECTS` below for a button or an API
route; `OTHER_OWNERS` when another merchant or checkpoint owns such objects).
"""

from collections.abc import Callable
from http.cookies import SimpleCookie
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import reverse

from tests.site_pages import SAMPLES, Route, all_routes, site_data

pytestmark = pytest.mark.django_db

LOGIN = "login"  # a 302 to the sign-in page (pages), with the address asked for as `next`
ADMIN_LOGIN = "admin-login"  # a 302 to the admin site's own sign-in page
_ = None  # a column that does not apply: the route's object belongs to no merchant or checkpoint
REFUSALS = {LOGIN, ADMIN_LOGIN, 401, 403, 404, 405}
COLUMNS = ("anonymous", "merchant", "other merchant's", "officer", "other checkpoint's", "administrator")
# Who asks in each column, and whose object they ask for.
CALLERS = {
    "anonymous": ("anonymous", "own"),
    "merchant": ("merchant", "own"),
    "other merchant's": ("merchant", "other merchant"),
    "officer": ("officer", "own"),
    "other checkpoint's": ("officer", "other checkpoint"),
    "administrator": ("administrator", "own"),
}


# Each route and method, and the status each column's caller gets: LOGIN is a 302 to the sign-in page, `_` a column
# that does not apply. Pages send anonymous visitors to sign in and refuse other roles with 403; the API answers
# anonymous callers 401 (token authentication first) and other roles 403; another merchant's or checkpoint's object
# is not found (404), so that an address says nothing of what it would show. A refused request writes nothing.
# A few allowed answers are not 200 by the data, not by the role: no statistics for this year yet (the report is a
# 404), an import without failing rows (404), empty forms (400, or a 302 back with the form's message).
# fmt: off
MATRIX: dict[str, tuple] = {
    # route and method                                    anon.  merch. other  offic. other  administrator
    #                                                            (own)  merch. (own)  checkp.
    # --- horgos ----------------------------------------
    "landing GET":                                       (200,   302,   _,     302,   _,     302),
    "landing POST":                                      (200,   302,   _,     302,   _,     302),
    "home GET":                                          (LOGIN, 302,   _,     302,   _,     200),
    "home POST":                                         (LOGIN, 302,   _,     302,   _,     200),
    "account GET":                                       (LOGIN, 200,   _,     200,   _,     200),
    "account POST":                                      (LOGIN, 200,   _,     200,   _,     200),
    "api-token-rotate GET":                              (LOGIN, 405,   _,     405,   _,     405),
    "api-token-rotate POST":                             (LOGIN, 200,   _,     200,   _,     200),
    "password-confirm GET":                              (LOGIN, 200,   _,     200,   _,     200),
    "password-confirm POST":                             (LOGIN, 200,   _,     200,   _,     200),
    "access-lockouts GET":                               (LOGIN, 403,   _,     403,   _,     200),
    "access-lockout-release GET":                        (LOGIN, 403,   _,     403,   _,     404),
    "access-lockout-release POST":                       (LOGIN, 403,   _,     403,   _,     404),
    "access-machine-tokens GET":                         (LOGIN, 403,   _,     403,   _,     200),
    "access-machine-tokens POST":                        (LOGIN, 403,   _,     403,   _,     400),
    "access-machine-token-revoke GET":                   (LOGIN, 403,   _,     403,   _,     200),
    "access-machine-token-revoke POST":                  (LOGIN, 403,   _,     403,   _,     200),
    "healthz GET":                                       (200,   200,   _,     200,   _,     200),
    "login GET":                                         (200,   302,   _,     302,   _,     302),
    "login POST":                                        (200,   302,   _,     302,   _,     302),
    "logout GET":                                        (405,   405,   _,     405,   _,     405),
    "logout POST":                                       (302,   302,   _,     302,   _,     302),
    "password_change GET":                               (LOGIN, 200,   _,     200,   _,     200),
    "password_change POST":                              (LOGIN, 200,   _,     200,   _,     200),
    "password_change_done GET":                          (LOGIN, 200,   _,     200,   _,     200),
    # --- crossings ----------------------------------------
    "crossings:desk GET":                                (LOGIN, 403,   _,     200,   _,     200),
    "crossings:desk-lane GET":                           (LOGIN, 403,   _,     405,   _,     405),
    "crossings:desk-lane POST":                          (LOGIN, 403,   _,     302,   _,     302),
    "crossings:desk-scan GET":                           (LOGIN, 403,   _,     405,   _,     405),
    "crossings:desk-scan POST":                          (LOGIN, 403,   _,     400,   _,     400),
    "crossings:desk-record GET":                         (LOGIN, 403,   _,     405,   _,     405),
    "crossings:desk-record POST":                        (LOGIN, 403,   _,     400,   _,     400),
    "crossings:desk-register GET":                       (LOGIN, 403,   _,     405,   _,     405),
    "crossings:desk-register POST":                      (LOGIN, 403,   _,     400,   _,     400),
    "crossings:desk-alert-acknowledge GET":              (LOGIN, 403,   403,   405,   405,   405),
    "crossings:desk-alert-acknowledge POST":             (LOGIN, 403,   403,   302,   404,   302),
    "crossings:desk-live GET":                           (LOGIN, 403,   _,     200,   _,     200),
    "crossings:desk-live-alert-acknowledge GET":         (LOGIN, 403,   403,   405,   405,   405),
    "crossings:desk-live-alert-acknowledge POST":        (LOGIN, 403,   403,   200,   404,   200),
    "crossings:inside GET":                              (LOGIN, 403,   _,     200,   _,     200),
    "crossings:overstays GET":                           (LOGIN, 403,   _,     200,   _,     200),
    "crossings:today GET":                               (LOGIN, 403,   _,     200,   _,     200),
    "crossings:traveller-search GET":                    (LOGIN, 403,   _,     200,   _,     200),
    "crossings:traveller-search POST":                   (LOGIN, 403,   _,     200,   _,     200),
    "crossings:traveller GET":                           (LOGIN, 403,   _,     200,   _,     200),
    "crossings:document-reveal GET":                     (LOGIN, 403,   _,     405,   _,     405),
    "crossings:document-reveal POST":                    (LOGIN, 403,   _,     200,   _,     200),
    "crossings:charts GET":                              (LOGIN, 403,   _,     200,   _,     200),
    "crossings:charts-data GET":                         (LOGIN, 403,   _,     200,   _,     200),
    "crossings:statistics GET":                          (LOGIN, 403,   _,     200,   _,     200),
    "crossings:statistics POST":                         (LOGIN, 403,   _,     200,   _,     200),
    "crossings:reports GET":                             (LOGIN, 403,   _,     200,   _,     200),
    "crossings:reports POST":                            (LOGIN, 403,   _,     400,   _,     400),
    "crossings:reports-list GET":                        (LOGIN, 403,   _,     200,   _,     200),
    "crossings:report GET":                              (LOGIN, 403,   _,     404,   _,     404),
    "crossings:report-download GET":                     (LOGIN, 403,   403,   200,   404,   200),
    "crossings:traffic GET":                             (200,   200,   _,     200,   _,     200),
    "crossings:operations GET":                          (LOGIN, 403,   _,     403,   _,     200),
    "crossings:operations-lanes GET":                    (LOGIN, 403,   _,     403,   _,     200),
    "crossings:operations-lanes POST":                   (LOGIN, 403,   _,     403,   _,     200),
    "crossings:operations-lane-state GET":               (LOGIN, 403,   _,     403,   _,     405),
    "crossings:operations-lane-state POST":              (LOGIN, 403,   _,     403,   _,     400),
    "crossings:operations-lane-close GET":               (LOGIN, 403,   _,     403,   _,     200),
    "crossings:operations-lane-close POST":              (LOGIN, 403,   _,     403,   _,     200),
    "crossings:operations-hours GET":                    (LOGIN, 403,   _,     403,   _,     200),
    "crossings:operations-hours-set GET":                (LOGIN, 403,   _,     403,   _,     405),
    "crossings:operations-hours-set POST":               (LOGIN, 403,   _,     403,   _,     200),
    "crossings:operations-closure-add GET":              (LOGIN, 403,   _,     403,   _,     405),
    "crossings:operations-closure-add POST":             (LOGIN, 403,   _,     403,   _,     200),
    "crossings:operations-closure-remove GET":           (LOGIN, 403,   _,     403,   _,     200),
    "crossings:operations-closure-remove POST":          (LOGIN, 403,   _,     403,   _,     200),
    "crossings:operations-watchlist GET":                (LOGIN, 403,   _,     403,   _,     200),
    "crossings:operations-watchlist POST":               (LOGIN, 403,   _,     403,   _,     200),
    "crossings:operations-watchlist-entry GET":          (LOGIN, 403,   _,     403,   _,     200),
    "crossings:operations-watchlist-reveal GET":         (LOGIN, 403,   _,     403,   _,     405),
    # (the sample entry names a person: there is no number to show, and the administrator is sent back to it)
    "crossings:operations-watchlist-reveal POST":        (LOGIN, 403,   _,     403,   _,     302),
    "crossings:operations-watchlist-deactivate GET":     (LOGIN, 403,   _,     403,   _,     405),
    "crossings:operations-watchlist-deactivate POST":    (LOGIN, 403,   _,     403,   _,     302),
    "crossings:operations-users GET":                    (LOGIN, 403,   _,     403,   _,     200),
    "crossings:operations-users POST":                   (LOGIN, 403,   _,     403,   _,     200),
    "crossings:operations-user-checkpoint GET":          (LOGIN, 403,   _,     403,   _,     405),
    "crossings:operations-user-checkpoint POST":         (LOGIN, 403,   _,     403,   _,     302),
    "crossings:operations-user-deactivate GET":          (LOGIN, 403,   _,     403,   _,     405),
    "crossings:operations-user-deactivate POST":         (LOGIN, 403,   _,     403,   _,     302),
    "crossings:operations-user-reactivate GET":          (LOGIN, 403,   _,     403,   _,     405),
    "crossings:operations-user-reactivate POST":         (LOGIN, 403,   _,     403,   _,     302),
    "crossings:operations-alerts GET":                   (LOGIN, 403,   _,     200,   _,     200),
    "crossings:operations-alert-acknowledge GET":        (LOGIN, 403,   403,   405,   405,   405),
    "crossings:operations-alert-acknowledge POST":       (LOGIN, 403,   403,   302,   404,   302),
    "crossings:operations-history GET":                  (LOGIN, 403,   _,     403,   _,     200),
    "crossings:operations-history POST":                 (LOGIN, 403,   _,     403,   _,     400),
    # --- merchants ----------------------------------------
    "merchants:apply GET":                               (200,   302,   _,     302,   _,     302),
    "merchants:apply POST":                              (200,   302,   _,     302,   _,     302),
    "merchants:catalogue GET":                           (200,   200,   _,     200,   _,     200),
    "merchants:catalogue-listing GET":                   (200,   200,   _,     200,   _,     200),
    "merchants:catalogue-shop GET":                      (200,   200,   _,     200,   _,     200),
    "merchants:catalogue-merchant GET":                  (200,   200,   _,     200,   _,     200),
    "merchants:portal GET":                              (LOGIN, 200,   _,     403,   _,     403),
    "merchants:portal-profile GET":                      (LOGIN, 200,   _,     403,   _,     403),
    "merchants:portal-profile POST":                     (LOGIN, 200,   _,     403,   _,     403),
    "merchants:portal-shops GET":                        (LOGIN, 200,   _,     403,   _,     403),
    "merchants:portal-shops POST":                       (LOGIN, 200,   _,     403,   _,     403),
    "merchants:portal-shop-close GET":                   (LOGIN, 405,   405,   403,   403,   403),
    "merchants:portal-shop-close POST":                  (LOGIN, 302,   404,   403,   403,   403),
    "merchants:portal-shop-reopen GET":                  (LOGIN, 405,   405,   403,   403,   403),
    "merchants:portal-shop-reopen POST":                 (LOGIN, 302,   404,   403,   403,   403),
    "merchants:portal-listings GET":                     (LOGIN, 200,   _,     403,   _,     403),
    "merchants:portal-listing-new GET":                  (LOGIN, 200,   _,     403,   _,     403),
    "merchants:portal-listing-new POST":                 (LOGIN, 200,   _,     403,   _,     403),
    "merchants:portal-listing-edit GET":                 (LOGIN, 200,   404,   403,   403,   403),
    "merchants:portal-listing-edit POST":                (LOGIN, 200,   404,   403,   403,   403),
    "merchants:portal-listing-submit GET":               (LOGIN, 405,   405,   403,   403,   403),
    "merchants:portal-listing-submit POST":              (LOGIN, 302,   404,   403,   403,   403),
    "merchants:portal-listings-submit GET":              (LOGIN, 405,   _,     403,   _,     403),
    "merchants:portal-listings-submit POST":             (LOGIN, 302,   _,     403,   _,     403),
    "merchants:portal-listing-delete GET":               (LOGIN, 405,   405,   403,   403,   403),
    "merchants:portal-listing-delete POST":              (LOGIN, 302,   404,   403,   403,   403),
    "merchants:portal-members GET":                      (LOGIN, 200,   _,     403,   _,     403),
    "merchants:portal-members POST":                     (LOGIN, 200,   _,     403,   _,     403),
    "merchants:portal-member-remove GET":                (LOGIN, 405,   405,   403,   403,   403),
    "merchants:portal-member-remove POST":               (LOGIN, 302,   404,   403,   403,   403),
    "merchants:portal-notifications GET":                (LOGIN, 200,   _,     403,   _,     403),
    "merchants:portal-notifications-read GET":           (LOGIN, 405,   _,     403,   _,     403),
    "merchants:portal-notifications-read POST":          (LOGIN, 302,   _,     403,   _,     403),
    "merchants:listing-import GET":                      (LOGIN, 200,   _,     403,   _,     403),
    "merchants:listing-import POST":                     (LOGIN, 200,   _,     403,   _,     403),
    "merchants:listing-import-template-csv GET":         (LOGIN, 200,   _,     403,   _,     403),
    "merchants:listing-import-template-xlsx GET":        (LOGIN, 200,   _,     403,   _,     403),
    "merchants:listing-import-detail GET":               (LOGIN, 200,   404,   403,   403,   403),
    "merchants:listing-import-progress GET":             (LOGIN, 200,   404,   403,   403,   403),
    "merchants:listing-import-confirm GET":              (LOGIN, 405,   405,   403,   403,   403),
    "merchants:listing-import-confirm POST":             (LOGIN, 302,   404,   403,   403,   403),
    "merchants:listing-import-failing-rows GET":         (LOGIN, 404,   404,   403,   403,   403),
    "merchants:listing-import-submit-drafts GET":        (LOGIN, 405,   405,   403,   403,   403),
    "merchants:listing-import-submit-drafts POST":       (LOGIN, 302,   404,   403,   403,   403),
    "merchants:listing-export GET":                      (LOGIN, 200,   _,     403,   _,     403),
    "merchants:registry-applications GET":               (LOGIN, 403,   _,     403,   _,     200),
    "merchants:registry-merchants GET":                  (LOGIN, 403,   _,     403,   _,     200),
    "merchants:registry-merchant GET":                   (LOGIN, 403,   _,     403,   _,     200),
    "merchants:registry-merchant-approve GET":           (LOGIN, 403,   _,     403,   _,     200),
    "merchants:registry-merchant-approve POST":          (LOGIN, 403,   _,     403,   _,     302),
    "merchants:registry-merchant-reject GET":            (LOGIN, 403,   _,     403,   _,     200),
    "merchants:registry-merchant-reject POST":           (LOGIN, 403,   _,     403,   _,     200),
    "merchants:registry-merchant-suspend GET":           (LOGIN, 403,   _,     403,   _,     200),
    "merchants:registry-merchant-suspend POST":          (LOGIN, 403,   _,     403,   _,     200),
    "merchants:registry-merchant-reinstate GET":         (LOGIN, 403,   _,     403,   _,     200),
    "merchants:registry-merchant-reinstate POST":        (LOGIN, 403,   _,     403,   _,     302),
    "merchants:registry-moderation GET":                 (LOGIN, 403,   _,     403,   _,     200),
    "merchants:registry-moderation POST":                (LOGIN, 403,   _,     403,   _,     200),
    "merchants:registry-listing GET":                    (LOGIN, 403,   _,     403,   _,     200),
    "merchants:registry-listing-approve GET":            (LOGIN, 403,   _,     403,   _,     405),
    "merchants:registry-listing-approve POST":           (LOGIN, 403,   _,     403,   _,     302),
    "merchants:registry-listing-reject GET":             (LOGIN, 403,   _,     403,   _,     405),
    "merchants:registry-listing-reject POST":            (LOGIN, 403,   _,     403,   _,     302),
    "merchants:registry-shops GET":                      (LOGIN, 403,   _,     403,   _,     200),
    # --- trade ----------------------------------------
    "trade:sales GET":                                   (LOGIN, 200,   _,     403,   _,     200),
    "trade:sale-new GET":                                (LOGIN, 200,   _,     403,   _,     403),
    "trade:sale-new POST":                               (LOGIN, 200,   _,     403,   _,     403),
    "trade:sale GET":                                    (LOGIN, 200,   404,   403,   403,   200),
    "trade:sale POST":                                   (LOGIN, 200,   404,   403,   403,   200),
    "trade:sale-void GET":                               (405,   405,   405,   405,   405,   405),
    "trade:sale-void POST":                              (LOGIN, 400,   404,   403,   403,   403),
    "trade:rates GET":                                   (LOGIN, 403,   _,     403,   _,     200),
    "trade:rates POST":                                  (LOGIN, 403,   _,     403,   _,     400),
    "trade:policies GET":                                (LOGIN, 403,   _,     403,   _,     200),
    "trade:policies POST":                               (LOGIN, 403,   _,     403,   _,     400),
    "trade:flags GET":                                   (LOGIN, 403,   _,     403,   _,     200),
    "trade:flags POST":                                  (LOGIN, 403,   _,     403,   _,     200),
    "trade:statistics GET":                              (LOGIN, 403,   _,     403,   _,     200),
    "trade:statistics POST":                             (LOGIN, 403,   _,     403,   _,     200),
    "trade:shipments GET":                               (LOGIN, 200,   _,     403,   _,     403),
    "trade:shipment-new GET":                            (LOGIN, 200,   _,     403,   _,     403),
    "trade:shipment-new POST":                           (LOGIN, 200,   _,     403,   _,     403),
    "trade:shipment GET":                                (LOGIN, 200,   404,   403,   403,   200),
    "trade:shipment-advance GET":                        (LOGIN, 405,   405,   403,   403,   405),
    "trade:shipment-advance POST":                       (LOGIN, 302,   404,   403,   403,   302),
    "trade:shipment-hold GET":                           (LOGIN, 405,   405,   403,   403,   405),
    "trade:shipment-hold POST":                          (LOGIN, 400,   404,   403,   403,   400),
    "trade:shipment-release GET":                        (LOGIN, 405,   405,   403,   403,   405),
    "trade:shipment-release POST":                       (LOGIN, 302,   404,   403,   403,   302),
    "trade:shipment-delete GET":                         (LOGIN, 405,   405,   403,   403,   403),
    "trade:shipment-delete POST":                        (LOGIN, 302,   404,   403,   403,   403),
    "trade:shipment-declaration GET":                    (LOGIN, 200,   404,   403,   403,   200),
    "trade:all-shipments GET":                           (LOGIN, 403,   _,     403,   _,     200),
    # --- horgos ----------------------------------------
    "set_language GET":                                  (302,   302,   _,     302,   _,     302),
    "set_language POST":                                 (302,   302,   _,     302,   _,     302),
    # --- api ----------------------------------------
    "api-me GET":                                        (401,   200,   _,     200,   _,     200),
    "api-token POST":                                    (400,   400,   _,     400,   _,     400),
    "user-list GET":                                     (401,   403,   _,     403,   _,     200),
    "user-detail GET":                                   (401,   403,   _,     403,   _,     200),
    "checkpoint-list GET":                               (401,   403,   _,     200,   _,     200),
    "checkpoint-detail GET":                             (401,   403,   _,     200,   _,     200),
    "checkpoint-detail PATCH":                           (401,   403,   _,     403,   _,     200),
    "lane-list GET":                                     (401,   403,   _,     200,   _,     200),
    "lane-list POST":                                    (401,   403,   _,     403,   _,     400),
    "lane-detail GET":                                   (401,   403,   _,     200,   _,     200),
    "lane-detail PATCH":                                 (401,   403,   _,     403,   _,     200),
    "traveller-list GET":                                (401,   403,   _,     403,   _,     200),
    "traveller-list POST":                               (401,   403,   _,     400,   _,     400),
    "traveller-search GET":                              (401,   403,   _,     405,   _,     405),
    "traveller-search POST":                             (401,   403,   _,     400,   _,     400),
    "traveller-reveal GET":                              (401,   403,   _,     405,   _,     405),
    "traveller-reveal POST":                             (401,   403,   _,     200,   _,     200),
    "traveller-detail GET":                              (401,   403,   _,     200,   _,     200),
    "traveller-crossings GET":                           (401,   403,   _,     200,   _,     200),
    "traveller-documents POST":                          (401,   403,   _,     400,   _,     400),
    "crossing-list GET":                                 (401,   403,   _,     200,   _,     200),
    "crossing-entry POST":                               (401,   403,   _,     400,   _,     400),
    "crossing-exit POST":                                (401,   403,   _,     400,   _,     400),
    "crossing-detail GET":                               (401,   403,   _,     200,   _,     200),
    "crossing-correct POST":                             (401,   403,   _,     403,   _,     400),
    "visit-list GET":                                    (401,   403,   _,     200,   _,     200),
    "visit-inside GET":                                  (401,   403,   _,     200,   _,     200),
    "visit-overstays GET":                               (401,   403,   _,     200,   _,     200),
    "visit-detail GET":                                  (401,   403,   _,     200,   _,     200),
    "watchlist-list GET":                                (401,   403,   _,     403,   _,     200),
    "watchlist-list POST":                               (401,   403,   _,     403,   _,     400),
    "watchlist-detail GET":                              (401,   403,   _,     403,   _,     200),
    "watchlist-deactivate POST":                         (401,   403,   _,     403,   _,     200),
    "watchlist-reveal GET":                              (401,   403,   _,     403,   _,     405),
    "watchlist-reveal POST":                             (401,   403,   _,     403,   _,     400),  # names a person
    "alert-list GET":                                    (401,   403,   _,     200,   _,     200),
    "alert-detail GET":                                  (401,   403,   403,   200,   404,   200),
    "alert-acknowledge POST":                            (401,   403,   403,   200,   404,   200),
    "figures-list GET":                                  (401,   403,   _,     200,   _,     200),
    "figures-public GET":                                (200,   200,   _,     200,   _,     200),
    "merchant-list GET":                                 (401,   200,   _,     403,   _,     200),
    "merchant-apply POST":                               (400,   400,   _,     400,   _,     400),
    "merchant-detail GET":                               (401,   200,   404,   403,   403,   200),
    "merchant-detail PATCH":                             (401,   200,   404,   403,   403,   200),
    "merchant-approve POST":                             (401,   403,   403,   403,   403,   400),
    "merchant-reinstate POST":                           (401,   403,   403,   403,   403,   400),
    "merchant-reject POST":                              (401,   403,   403,   403,   403,   400),
    "merchant-suspend POST":                             (401,   403,   403,   403,   403,   400),
    "shop-list GET":                                     (401,   200,   _,     403,   _,     200),
    "shop-list POST":                                    (401,   400,   _,     403,   _,     400),
    "shop-detail GET":                                   (401,   200,   404,   403,   403,   200),
    "shop-close POST":                                   (401,   200,   404,   403,   403,   200),
    "shop-reopen POST":                                  (401,   400,   404,   403,   403,   400),
    "listing-list GET":                                  (401,   200,   _,     403,   _,     200),
    "listing-list POST":                                 (401,   400,   _,     403,   _,     400),
    "listing-detail GET":                                (401,   200,   404,   403,   403,   200),
    "listing-detail PATCH":                              (401,   200,   404,   403,   403,   200),
    "listing-detail DELETE":                             (401,   204,   404,   403,   403,   204),
    "listing-approve POST":                              (401,   403,   403,   403,   403,   200),
    "listing-reject POST":                               (401,   403,   403,   403,   403,   400),
    "listing-submit POST":                               (401,   400,   404,   403,   403,   400),
    "catalogue-list GET":                                (200,   200,   _,     200,   _,     200),
    "catalogue-figures GET":                             (200,   200,   _,     200,   _,     200),
    "catalogue-detail GET":                              (200,   200,   _,     200,   _,     200),
    "sale-list GET":                                     (401,   200,   _,     403,   _,     200),
    "sale-list POST":                                    (401,   400,   _,     403,   _,     400),
    "sale-buyer POST":                                   (401,   400,   _,     403,   _,     400),
    "sale-detail GET":                                   (401,   200,   404,   403,   403,   200),
    "sale-void POST":                                    (401,   400,   404,   403,   403,   400),
    "allowance-policy-list GET":                         (401,   403,   _,     403,   _,     200),
    "allowance-policy-list POST":                        (401,   403,   _,     403,   _,     400),
    "allowance-policy-detail GET":                       (401,   403,   _,     403,   _,     200),
    "exchange-rate-list GET":                            (401,   403,   _,     403,   _,     200),
    "exchange-rate-list POST":                           (401,   403,   _,     403,   _,     400),
    "exchange-rate-detail GET":                          (401,   403,   _,     403,   _,     200),
    "shipment-list GET":                                 (401,   200,   _,     403,   _,     200),
    "shipment-list POST":                                (401,   400,   _,     403,   _,     403),
    "shipment-detail GET":                               (401,   200,   404,   403,   403,   200),
    "shipment-detail PATCH":                             (401,   200,   404,   403,   403,   403),
    "shipment-detail DELETE":                            (401,   204,   404,   403,   403,   403),
    "shipment-advance POST":                             (401,   400,   404,   403,   403,   400),
    "shipment-declaration-pdf GET":                      (401,   200,   404,   403,   403,   200),
    "shipment-declaration-xlsx GET":                     (401,   200,   404,   403,   403,   200),
    "shipment-hold POST":                                (401,   400,   404,   403,   403,   400),
    "shipment-release POST":                             (401,   400,   404,   403,   403,   400),
    "api-root GET":                                      (401,   200,   _,     200,   _,     200),
    # --- horgos ----------------------------------------
    "api-schema GET":                                    (200,   200,   _,     200,   _,     200),
    "api-docs GET":                                      (200,   200,   _,     200,   _,     200),
}
# fmt: on


def _pk(obj) -> dict:
    return {"pk": obj.pk}


# The objects of the routes with parameters that are not pages (`SAMPLES` has those): buttons' addresses, downloads,
# fragments and the API. Each takes `world` and gives the URL's arguments for the merchant's (or officer's
# checkpoint's) own object, or the one object there is.
OBJECTS: dict[str, Callable[[SimpleNamespace], dict]] = {
    # Pages' buttons and fragments
    "crossings:desk-record": lambda w: {"document_id": w.document.pk},
    "crossings:desk-alert-acknowledge": lambda w: {"alert_id": w.alert.pk},
    "crossings:desk-live-alert-acknowledge": lambda w: {"alert_id": w.alert.pk},
    "crossings:document-reveal": lambda w: {"pk": w.traveller.pk, "document_pk": w.document.pk},
    "crossings:report-download": lambda w: {"pk": w.report.pk, "file_format": "csv"},
    "crossings:operations-lane-state": lambda w: _pk(w.open_lane),
    "crossings:operations-hours-set": lambda w: {"checkpoint": "CN"},
    "crossings:operations-watchlist-deactivate": lambda w: _pk(w.watchlist_entry),
    "crossings:operations-watchlist-reveal": lambda w: _pk(w.watchlist_entry),
    "crossings:operations-user-checkpoint": lambda w: _pk(w.colleague),
    "crossings:operations-user-deactivate": lambda w: _pk(w.colleague),
    "crossings:operations-user-reactivate": lambda w: _pk(w.colleague),
    "crossings:operations-alert-acknowledge": lambda w: _pk(w.alert),
    "merchants:portal-shop-close": lambda w: _pk(w.shop),
    "merchants:portal-shop-reopen": lambda w: _pk(w.shop),
    "merchants:portal-listing-submit": lambda w: _pk(w.listing),
    "merchants:portal-listing-delete": lambda w: _pk(w.listing),
    "merchants:portal-member-remove": lambda w: _pk(w.member),
    "merchants:listing-import-progress": lambda w: _pk(w.listing_import),
    "merchants:listing-import-confirm": lambda w: _pk(w.listing_import),
    "merchants:listing-import-failing-rows": lambda w: _pk(w.listing_import),
    "merchants:listing-import-submit-drafts": lambda w: _pk(w.listing_import),
    "merchants:registry-listing-approve": lambda w: _pk(w.submitted_listing),
    "merchants:registry-listing-reject": lambda w: _pk(w.submitted_listing),
    "trade:sale-void": lambda w: _pk(w.sale),
    "trade:shipment-advance": lambda w: _pk(w.shipment),
    "trade:shipment-hold": lambda w: _pk(w.shipment),
    "trade:shipment-release": lambda w: _pk(w.shipment),
    "trade:shipment-delete": lambda w: _pk(w.shipment),
    "trade:shipment-declaration": lambda w: {**_pk(w.shipment), "file_format": "pdf"},
    # The API
    "user-detail": lambda w: _pk(w.colleague),
    "checkpoint-detail": lambda w: _pk(w.cn),
    "lane-detail": lambda w: _pk(w.open_lane),
    "traveller-detail": lambda w: _pk(w.traveller),
    "traveller-crossings": lambda w: _pk(w.traveller),
    "traveller-documents": lambda w: _pk(w.traveller),
    "crossing-detail": lambda w: _pk(w.crossing),
    "crossing-correct": lambda w: _pk(w.crossing),
    "visit-detail": lambda w: _pk(w.visit),
    "watchlist-detail": lambda w: _pk(w.watchlist_entry),
    "watchlist-deactivate": lambda w: _pk(w.watchlist_entry),
    "watchlist-reveal": lambda w: _pk(w.watchlist_entry),
    "traveller-reveal": lambda w: {"pk": w.traveller.pk, "document_id": w.document.pk},
    "alert-detail": lambda w: _pk(w.alert),
    "alert-acknowledge": lambda w: _pk(w.alert),
    "merchant-detail": lambda w: _pk(w.merchant),
    "merchant-approve": lambda w: _pk(w.merchant),
    "merchant-reject": lambda w: _pk(w.merchant),
    "merchant-suspend": lambda w: _pk(w.merchant),
    "merchant-reinstate": lambda w: _pk(w.merchant),
    "shop-detail": lambda w: _pk(w.shop),
    "shop-close": lambda w: _pk(w.shop),
    "shop-reopen": lambda w: _pk(w.shop),
    "listing-detail": lambda w: _pk(w.listing),
    "listing-submit": lambda w: _pk(w.listing),
    "listing-approve": lambda w: _pk(w.listing),
    "listing-reject": lambda w: _pk(w.listing),
    "catalogue-detail": lambda w: _pk(w.catalogue_listing),
    "sale-detail": lambda w: _pk(w.sale),
    "sale-void": lambda w: _pk(w.sale),
    "allowance-policy-detail": lambda w: _pk(w.allowance_policy),
    "exchange-rate-detail": lambda w: _pk(w.exchange_rate),
    "shipment-detail": lambda w: _pk(w.shipment),
    "shipment-advance": lambda w: _pk(w.shipment),
    "shipment-hold": lambda w: _pk(w.shipment),
    "shipment-release": lambda w: _pk(w.shipment),
    "shipment-declaration-pdf": lambda w: _pk(w.shipment),
    "shipment-declaration-xlsx": lambda w: _pk(w.shipment),
}

# Routes whose object belongs to a merchant or a checkpoint, and the object of another merchant or of the other
# checkpoint: `world.other` holds them. The own object is the route's sample, with `world.other` in place of
# `world`.
MERCHANT_OWNED = {
    *("merchants:portal-listing-edit", "merchants:portal-listing-submit", "merchants:portal-listing-delete"),
    *("merchants:portal-shop-close", "merchants:portal-shop-reopen", "merchants:portal-member-remove"),
    *("merchants:listing-import-detail", "merchants:listing-import-progress", "merchants:listing-import-confirm"),
    *("merchants:listing-import-failing-rows", "merchants:listing-import-submit-drafts"),
    *("trade:sale", "trade:sale-void"),
    *("trade:shipment", "trade:shipment-advance", "trade:shipment-hold", "trade:shipment-release"),
    *("trade:shipment-delete", "trade:shipment-declaration"),
    *("merchant-detail", "merchant-approve", "merchant-reject", "merchant-suspend", "merchant-reinstate"),
    *("shop-detail", "shop-close", "shop-reopen"),
    *("listing-detail", "listing-submit", "listing-approve", "listing-reject"),
    *("sale-detail", "sale-void"),
    *("shipment-detail", "shipment-advance", "shipment-hold", "shipment-release"),
    *("shipment-declaration-pdf", "shipment-declaration-xlsx"),
}
CHECKPOINT_OWNED = {
    *("crossings:desk-alert-acknowledge", "crossings:desk-live-alert-acknowledge"),
    *("crossings:operations-alert-acknowledge", "crossings:report-download"),
    *("alert-detail", "alert-acknowledge"),
}


def arguments(route: Route, world: SimpleNamespace, whose: str) -> dict:
    """The URL arguments of `route` for the own object (`whose` "own") or another merchant's or checkpoint's."""
    if not route.parameters:
        return {}
    sample = OBJECTS.get(route.name) or SAMPLES.get(route.name)
    assert sample, f"{route.name} ({route.route}): add its object to OBJECTS in {__name__} (or SAMPLES)"
    if whose == "own":
        kwargs = sample(world)
    else:
        kwargs = sample(world.other)
    assert kwargs, f"{route.name}: the world has no object for it"
    return kwargs


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo data and a few rows more, a signed-in client for each role, built once for the module and removed
    afterwards (each test's own changes roll back with the test)."""
    files = tmp_path_factory.mktemp("files")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=files / "public", PRIVATE_MEDIA_ROOT=files / "private"),
    ):
        connection.set_autocommit(False)
        try:
            data = site_data()
            _add_objects_of_both_owners(data)
            data.clients = {role: _client_for(user) for role, user in data.users.items()}
            yield data
        finally:
            connection.rollback()
            connection.set_autocommit(True)


def _client_for(user) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    if user is not None:
        client.force_login(user)
    return client


def _add_objects_of_both_owners(data: SimpleNamespace) -> None:
    """What the demo data lacks: an object of each kind for the merchant and for another merchant, for the officer's
    checkpoint (CN) and for the other one (KZ); and a colleague officer, a watchlist entry, a suspended merchant."""
    from crossings.choices import AnnualReportState, WatchlistMatch
    from crossings.models import Alert, AnnualReport, Checkpoint, Crossing, Visit, WatchlistEntry
    from merchants.choices import MerchantState
    from merchants.models import ListingImport, Merchant, MerchantMember
    from tests.factories import OfficerFactory
    from tests.merchants.factories import MerchantFactory
    from trade.models import AllowancePolicy, ExchangeRate

    administrator = data.users["administrator"]
    data.cn, data.kz = Checkpoint.objects.get(code="CN"), Checkpoint.objects.get(code="KZ")
    data.document = data.traveller.documents.order_by("id").first()
    data.colleague = OfficerFactory(username="walk.colleague")
    data.crossing = Crossing.objects.filter(lane__checkpoint=data.cn).order_by("id").first()
    data.visit = Visit.objects.order_by("id").first()
    data.allowance_policy = AllowancePolicy.objects.order_by("id").first()
    data.exchange_rate = ExchangeRate.objects.order_by("id").first()
    data.watchlist_entry = WatchlistEntry.objects.create(
        match=WatchlistMatch.PERSON,
        family_name="WALK",
        birth_date=data.traveller.birth_date,
        reason="Matrix",
        added_by=administrator,
    )
    data.merchants_by_state["suspended"] = MerchantFactory(state=MerchantState.SUSPENDED, state_reason="Matrix")

    def alert_at(checkpoint):
        crossing = Crossing.objects.filter(lane__checkpoint=checkpoint).order_by("-id").first()
        return Alert.objects.create(watchlist_entry=data.watchlist_entry, crossing=crossing)

    def report_of(checkpoint):
        report = AnnualReport.objects.create(
            year=data.year,
            checkpoint=checkpoint,
            language="en",
            state=AnnualReportState.DONE,
            requested_by=administrator,
        )
        report.csv_file.save("report.csv", ContentFile(b"year\n"), save=True)
        return report

    def import_of(merchant):
        upload = ListingImport(merchant=merchant, uploaded_by=merchant.members.first().user, original_name="a.csv")
        upload.file_format = "csv"
        upload.file.save("a.csv", ContentFile(b"title\n"), save=True)
        return upload

    def objects_of(merchant) -> dict:
        return {
            "merchant": merchant,
            "shop": merchant.shops.order_by("id").first(),
            "listing": data.listing if merchant == data.merchant else merchant.shops.first().listings.first(),
            "sale": data.sale if merchant == data.merchant else merchant.shops.first().sales.first(),
            "shipment": merchant.shipments.order_by("id").first(),
            "listing_import": import_of(merchant),
            "member": MerchantMember.objects.filter(merchant=merchant).exclude(role="owner").first()
            or MerchantMember.objects.filter(merchant=merchant).first(),
        }

    other_merchant = Merchant.objects.approved().exclude(pk=data.merchant.pk).order_by("id").first()
    for name, value in objects_of(data.merchant).items():
        setattr(data, name, value)
    data.alert, data.report = alert_at(data.cn), report_of(data.cn)
    data.other = SimpleNamespace(
        **{**vars(data), **objects_of(other_merchant), "alert": alert_at(data.kz), "report": report_of(data.kz)}
    )


def test_rows_written_counts_the_rows_this_transaction_writes(world):
    before = rows_written()
    with transaction.atomic():
        world.colleague.save(update_fields=["first_name"])
        transaction.set_rollback(True)
    assert rows_written() == before + 1


def rows_written() -> int:
    """Rows inserted, updated or deleted so far in this transaction (sessions aside), by PostgreSQL's counters."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables"
            " WHERE relname <> 'django_session'"
        )
        return cursor.fetchone()[0]


def is_api(route: Route) -> bool:
    return route.route.startswith("api/v1/")


def api_methods(route: Route) -> list[str]:
    """The methods an API route answers (its viewset's actions that the viewset allows), in a fixed order."""
    view = route.view.cls
    handlers = getattr(route.view, "actions", None) or {method: method for method in dir(view)}
    return [
        method.upper()
        for method in ("get", "post", "put", "patch", "delete")
        if method in handlers and method in view.http_method_names
    ]


def ask(world: SimpleNamespace, route: Route, method: str, column: str):
    """The answer `column`'s caller gets to `method` on `route` (an empty form or JSON body)."""
    role, whose = CALLERS[column]
    path = reverse(route.name, kwargs=arguments(route, world, whose))
    # A new client with the role's cookies each time: a request that signs out (or in) changes no later one.
    client = Client()
    client.cookies = SimpleCookie(world.clients[role].cookies.output(header="", sep="\n"))
    if method == "GET":
        return path, client.get(path)
    if is_api(route):
        return path, client.generic(method, path, "{}", content_type="application/json")
    return path, client.generic(method, path, "", content_type="application/x-www-form-urlencoded")


def _rows_by_route() -> dict[str, dict[str, tuple]]:
    rows: dict[str, dict[str, tuple]] = {}
    for key, statuses in MATRIX.items():
        name, method = key.rsplit(" ", 1)
        rows.setdefault(name, {})[method] = statuses
    return rows


ROWS = _rows_by_route()


def _routes_to_walk() -> dict[str, Route]:
    """Every route of the site but Django's admin (its own test below covers it by its one rule)."""
    return {route.name: route for route in all_routes() if not route.name.startswith("admin:")}


def test_every_route_has_a_row():
    routes = _routes_to_walk()
    where = f"add a row per method it takes to MATRIX in {__file__}"
    template = f"one status per column {COLUMNS}, e.g. (LOGIN, 403, _, 200, _, 200)"
    problems = [
        f'{name} (/{route.route}) has no row: {where}, "{name} GET": ({template})'
        + (" and its object to OBJECTS (or SAMPLES in tests/site_pages.py)" if route.parameters else "")
        for name, route in routes.items()
        if name not in ROWS
    ]
    problems += [f"{name} is in MATRIX but the site has no such route any more" for name in ROWS if name not in routes]
    for name, route in routes.items():
        if name not in ROWS:
            continue
        methods = api_methods(route) if is_api(route) else ["GET"]
        if not is_api(route) and 405 in ROWS[name].get("GET", ()):  # a button's address: what a POST does matters
            methods.append("POST")
        missing = [method for method in methods if method not in ROWS[name]]
        problems += [f'{name} takes {method} but MATRIX has no "{name} {method}" row' for method in missing]
        owned = name in MERCHANT_OWNED or name in CHECKPOINT_OWNED
        for method, statuses in ROWS[name].items():
            assert len(statuses) == len(COLUMNS), f"{name} {method}: one status per column {COLUMNS}"
            others = (statuses[2], statuses[4])
            if owned and None in others:
                problems.append(f"{name} {method}: its object has an owner: fill the two 'other' columns")
            if not owned and others != (None, None):
                problems.append(f"{name} {method}: the 'other' columns are `_` for an object nobody owns")
    assert not problems, "\n" + "\n".join(problems)


def _describe(response) -> object:
    """The response as the table writes it: LOGIN for a 302 to the sign-in page, else its status."""
    if response.status_code == 302 and response["Location"].startswith(f"{reverse(settings.LOGIN_URL)}?next="):
        return LOGIN
    if response.status_code == 302 and response["Location"].startswith(f"{reverse('admin:login')}?next="):
        return ADMIN_LOGIN
    return response.status_code


def _ask_and_undo(world: SimpleNamespace, route: Route, method: str, column: str):
    """`ask`, and the rows it wrote, undone afterwards: each caller finds the objects as the table's data has them."""
    with transaction.atomic():
        before = rows_written()
        path, response = ask(world, route, method, column)
        written = rows_written() - before
        transaction.set_rollback(True)
    return path, response, written


@pytest.mark.parametrize("name", sorted(ROWS))
def test_each_caller_gets_the_status_of_the_matrix(world, name):
    route = _routes_to_walk()[name]
    problems = []
    for method, statuses in ROWS[name].items():
        for column, expected in zip(COLUMNS, statuses, strict=True):
            if expected is None:
                continue
            path, response, written = _ask_and_undo(world, route, method, column)
            got = _describe(response)
            if got != expected:
                problems.append(f"{method} {path} as {column}: {got}, the matrix says {expected}")
            elif expected in REFUSALS and written:
                problems.append(f"{method} {path} as {column}: refused ({got}) but wrote {written} rows")
    assert not problems, "\n" + "\n".join(problems)


# What Django's admin site answers, for every route of it: the sign-in page of the admin to all but administrators
# (staff); the administrator gets the page, or 403 for what the read-only admin does not allow (adding, here).
ADMIN_SITE_OPEN_TO_ALL = {"admin:login", "admin:logout"}


def test_the_admin_site_lets_in_administrators_only(world):
    problems = []
    for route in all_routes():
        if not route.name.startswith("admin:") or route.name in ADMIN_SITE_OPEN_TO_ALL:
            continue
        kwargs = {name: "horgos" if name == "app_label" else "1" for name in route.parameters}
        path = reverse(route.name, kwargs=kwargs)
        for role in ("anonymous", "merchant", "officer"):
            before = rows_written()
            response = world.clients[role].get(path)
            if _describe(response) != ADMIN_LOGIN or rows_written() != before:
                problems.append(f"GET {path} as {role}: {_describe(response)}, not the admin's sign-in page")
        if not route.parameters:
            status = world.clients["administrator"].get(path).status_code
            if status not in (200, 403):
                problems.append(f"GET {path} as administrator: {status}")
    assert not problems, "\n" + "\n".join(problems)

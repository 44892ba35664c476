"""The merchants app's pages, by audience: the public catalogue and application, the merchant portal, the
administrators' registry."""

from django.urls import path

from merchants.choices import ListingImportFormat
from merchants.views.administrator import moderation, registry, shops
from merchants.views.merchant import imports, listings, portal
from merchants.views.public import application, catalogue

app_name = "merchants"

urlpatterns = [
    # Anyone
    path("apply/", application.apply, name="apply"),
    path("catalogue/", catalogue.catalogue, name="catalogue"),
    path("catalogue/listings/<int:pk>/", catalogue.listing_detail, name="catalogue-listing"),
    path("catalogue/shops/<str:unit_code>/", catalogue.shop_detail, name="catalogue-shop"),
    path("catalogue/merchants/<int:pk>/", catalogue.merchant_detail, name="catalogue-merchant"),
    # A merchant's staff
    path("portal/", portal.home, name="portal"),
    path("portal/profile/", portal.profile, name="portal-profile"),
    path("portal/shops/", portal.shops, name="portal-shops"),
    path("portal/shops/<int:pk>/close/", portal.shop_close_view, name="portal-shop-close"),
    path("portal/shops/<int:pk>/reopen/", portal.shop_reopen_view, name="portal-shop-reopen"),
    path("portal/listings/", listings.listings, name="portal-listings"),
    path("portal/listings/new/", listings.listing_new, name="portal-listing-new"),
    path("portal/listings/<int:pk>/", listings.listing_edit, name="portal-listing-edit"),
    path("portal/listings/<int:pk>/submit/", listings.listing_submit_view, name="portal-listing-submit"),
    path("portal/listings/submit/", listings.listings_submit_view, name="portal-listings-submit"),
    path("portal/listings/<int:pk>/delete/", listings.listing_delete_view, name="portal-listing-delete"),
    path("portal/members/", portal.members, name="portal-members"),
    path("portal/members/<int:pk>/remove/", portal.member_remove_view, name="portal-member-remove"),
    path("portal/notifications/", portal.notifications, name="portal-notifications"),
    path("portal/notifications/read/", portal.notifications_read, name="portal-notifications-read"),
    path("portal/listings/import/", imports.listing_import, name="listing-import"),
    path(
        "portal/listings/import/template.csv",
        imports.listing_import_template,
        {"file_format": ListingImportFormat.CSV},
        name="listing-import-template-csv",
    ),
    path(
        "portal/listings/import/template.xlsx",
        imports.listing_import_template,
        {"file_format": ListingImportFormat.XLSX},
        name="listing-import-template-xlsx",
    ),
    path("portal/listings/import/<int:pk>/", imports.listing_import_detail, name="listing-import-detail"),
    path("portal/listings/import/<int:pk>/progress/", imports.listing_import_progress, name="listing-import-progress"),
    path(
        "portal/listings/import/<int:pk>/confirm/", imports.listing_import_confirm_view, name="listing-import-confirm"
    ),
    path(
        "portal/listings/import/<int:pk>/failing-rows/",
        imports.listing_import_failing_rows,
        name="listing-import-failing-rows",
    ),
    path(
        "portal/listings/import/<int:pk>/submit-drafts/",
        imports.listing_import_submit_drafts,
        name="listing-import-submit-drafts",
    ),
    path("portal/listings/export/", imports.listing_export, name="listing-export"),
    # Administrators
    path("registry/applications/", registry.applications, name="registry-applications"),
    path("registry/merchants/", registry.merchant_list, name="registry-merchants"),
    path("registry/merchants/<int:pk>/", registry.merchant_detail, name="registry-merchant"),
    *[
        path(
            f"registry/merchants/<int:pk>/{action}/",
            registry.lifecycle_view(action),
            name=f"registry-merchant-{action}",
        )
        for action in registry.LIFECYCLE_ACTIONS
    ],
    path("registry/moderation/", moderation.moderation, name="registry-moderation"),
    path("registry/moderation/<int:pk>/", moderation.listing_review, name="registry-listing"),
    path("registry/moderation/<int:pk>/approve/", moderation.listing_approve, name="registry-listing-approve"),
    path("registry/moderation/<int:pk>/reject/", moderation.listing_reject, name="registry-listing-reject"),
    path("registry/shops/", shops.shops, name="registry-shops"),
]

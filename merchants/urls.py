from merchants.views import applications, catalogue, imports, operations, portal

app_name = "merchants"

urlpatterns = [
    *applications.urlpatterns,
    *portal.urlpatterns,
    *imports.urlpatterns,
    *operations.urlpatterns,
    *catalogue.urlpatterns,
]

from merchants.views import catalogue, imports, operations, portal

app_name = "merchants"

urlpatterns = [*portal.urlpatterns, *imports.urlpatterns, *operations.urlpatterns, *catalogue.urlpatterns]

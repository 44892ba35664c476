from crossings.views import desk, operations

app_name = "crossings"

urlpatterns = [*desk.urlpatterns, *operations.urlpatterns]

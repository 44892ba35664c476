from crossings.views import desk, lists, operations

app_name = "crossings"

urlpatterns = [*desk.urlpatterns, *lists.urlpatterns, *operations.urlpatterns]

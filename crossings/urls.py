from crossings.views import desk

app_name = "crossings"

urlpatterns = [*desk.urlpatterns]

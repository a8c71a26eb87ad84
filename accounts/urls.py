from .views import auth, home, people

app_name = "accounts"

urlpatterns = [*home.urlpatterns, *auth.urlpatterns, *people.urlpatterns]

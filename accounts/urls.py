from .views import auth, home, notices, people

app_name = "accounts"

urlpatterns = [
    *home.urlpatterns,
    *auth.urlpatterns,
    *people.urlpatterns,
    *notices.urlpatterns,
]

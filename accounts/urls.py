from .audit import urls as audit_urls
from .inbox import urls as inbox_urls
from .views import auth, home, notices, people

app_name = "accounts"

urlpatterns = [
    *home.urlpatterns,
    *auth.urlpatterns,
    *people.urlpatterns,
    *notices.urlpatterns,
    # 閲覧記録の監査: its own feature package, in this namespace (accounts:audit_…).
    *audit_urls.urlpatterns,
    # 課の対応事項: the department inbox, composed from every app's requests.
    *inbox_urls.urlpatterns,
]

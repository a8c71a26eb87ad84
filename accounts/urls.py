from .views import audit, audit_cases, audit_history, audit_integrity, auth, home, notices, people

app_name = "accounts"

urlpatterns = [
    *home.urlpatterns,
    *auth.urlpatterns,
    *people.urlpatterns,
    *notices.urlpatterns,
    # 閲覧記録の監査 (HQ auditors; the report also for the 統括管理責任者)
    *audit.urlpatterns,
    *audit_cases.urlpatterns,
    *audit_history.urlpatterns,
    *audit_integrity.urlpatterns,
]

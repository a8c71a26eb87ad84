"""URLs of the HQ audit. accounts/urls.py splices these patterns into the `accounts`
namespace, so the names stay `accounts:audit_…` and the paths `/…/audit/…`."""

from .views import cases, events, history, integrity

# 閲覧記録の監査 (HQ auditors; 要確認事案 also 取扱責任者; the report also 統括管理責任者)
urlpatterns = [
    *events.urlpatterns,
    *cases.urlpatterns,
    *history.urlpatterns,
    *integrity.urlpatterns,
]

"""Every staff URL of あんしんメール: each feature lists its own patterns in its urls.py."""

from django.urls import include, path

app_name = "alerts"

urlpatterns = [
    path("", include("alerts.drafts.urls")),
    path("", include("alerts.categories.urls")),
    path("", include("alerts.subscribers.staff_urls")),
    path("", include("alerts.operators.urls")),
    path("", include("alerts.delivery.urls")),
    path("reports/", include("alerts.reports.urls")),
    path("", include("alerts.archive.staff_urls")),
]

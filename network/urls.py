"""Every URL of 地域安全ネットワーク: each feature lists its own patterns in its urls.py."""

from django.urls import include, path

app_name = "network"

urlpatterns = [
    path("", include("network.members.urls")),
    path("", include("network.exchanges.urls")),
    path("", include("network.bulletins.urls")),
    path("", include("network.meetings.urls")),
    path("", include("network.requests.urls")),
    path("", include("network.overview.urls")),
]

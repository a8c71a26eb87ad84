"""Every URL of 巡回連絡: each feature lists its own patterns in its urls.py."""

from django.urls import include, path

app_name = "liaison"

urlpatterns = [
    path("", include("liaison.books.urls")),
    path("", include("liaison.cards.urls")),
    path("", include("liaison.filing.urls")),
    path("", include("liaison.glass.urls")),
    path("", include("liaison.visits.urls")),
    path("", include("liaison.night.urls")),
    path("", include("liaison.planning.urls")),
    path("", include("liaison.takeover.urls")),
    path("", include("liaison.progress.urls")),
    path("", include("liaison.instructions.urls")),
    path("", include("liaison.handouts.urls")),
    path("", include("liaison.areas.urls")),
    path("", include("liaison.guidance.urls")),
]

"""URLs of the progress pages and monthly plans. Included by liaison/urls.py under the `liaison` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("progress/", views.progress_home, name="progress_home"),
    path("progress/plan/", views.my_plans, name="my_plans"),
    path("progress/stations/<id:pk>/", views.station_progress, name="station_progress"),
    path(
        "progress/stations/<id:pk>/export.csv",
        views.station_progress_export,
        name="station_progress_export",
    ),
    path("progress/stations/<id:pk>/plans/", views.monthly_plans, name="monthly_plans"),
    path("progress/books/<id:pk>/overdue/", views.overdue_cards, name="overdue_cards"),
]

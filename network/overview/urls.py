from django.urls import path

from network.overview import views

urlpatterns = [
    path("overview/", views.overview_home, name="overview"),
    path("overview/station/<id:pk>/", views.station_overview, name="station_overview"),
]

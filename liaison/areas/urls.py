"""URLs of 管内: the beats' areas. Included by liaison/urls.py under the `liaison` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("beat-areas/", views.beat_area_list, name="beat_area_list"),
    path("beats/<id:pk>/areas/", views.beat_area_edit, name="beat_area_edit"),
]

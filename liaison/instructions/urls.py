"""URLs of 署長指示. Included by liaison/urls.py under the `liaison` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("instructions/", views.station_instructions_mine, name="station_instructions_mine"),
    path("stations/<id:pk>/instructions/", views.station_instructions, name="station_instructions"),
    path(
        "stations/<id:pk>/instructions/new/",
        views.station_instruction_create,
        name="station_instruction_create",
    ),
    path(
        "instructions/<id:pk>/end/", views.station_instruction_end, name="station_instruction_end"
    ),
]

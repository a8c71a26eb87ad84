"""URLs of 指導・評価: an officer's period page, his own figures, notes. Included by liaison/urls.py under the `liaison` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("progress/me/", views.my_figures, name="my_figures"),
    path(
        "progress/stations/<id:pk>/officers/<id:user_pk>/",
        views.officer_figures,
        name="officer_figures",
    ),
    path(
        "progress/stations/<id:pk>/officers/<id:user_pk>/notes/",
        views.officer_note_create,
        name="officer_note_create",
    ),
]

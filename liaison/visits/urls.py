"""URLs of visits, their follow-ups, and visits outside hours. Included by liaison/urls.py under the `liaison` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("follow-ups/", views.follow_up_list, name="follow_up_list"),
    # The department inbox's page of a follow-up: the note, not the card.
    path("follow-ups/<id:pk>/", views.follow_up_inbox_detail, name="follow_up_inbox_detail"),
    path("follow-ups/<id:pk>/close/", views.follow_up_inbox_close, name="follow_up_inbox_close"),
    path("cards/<id:pk>/visits/new/", views.visit_create, name="visit_create"),
    path("cards/<id:pk>/visits/absent/", views.visit_absent, name="visit_absent"),
    path("visits/<id:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<id:pk>/follow-up/", views.visit_follow_up_done, name="visit_follow_up_done"),
    path("visits/outside-hours/", views.visit_hours_list, name="visit_hours_list"),
    path(
        "visits/<id:pk>/acknowledge/", views.visit_hours_acknowledge, name="visit_hours_acknowledge"
    ),
]

"""URLs of requests heard from liaison members, under the `network` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("requests/<id:pk>/", views.request_detail, name="request_detail"),
    path("requests/<id:pk>/close/", views.request_close, name="request_close"),
]

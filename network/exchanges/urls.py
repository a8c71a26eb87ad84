"""URLs of exchanges, under the `network` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("exchanges/", views.exchange_list, name="exchange_list"),
    path("exchanges/new/", views.exchange_create, name="exchange_create"),
    path("exchanges/<id:pk>/", views.exchange_detail, name="exchange_detail"),
]

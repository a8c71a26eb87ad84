"""URLs of 夜間巡回連絡の承認. Included by liaison/urls.py under the `liaison` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("night/", views.night_request_list, name="night_request_list"),
    path("night/new/", views.night_request_create, name="night_request_create"),
    path("night/<id:pk>/", views.night_request_detail, name="night_request_detail"),
    path("night/<id:pk>/withdraw/", views.night_request_withdraw, name="night_request_withdraw"),
    path("night/<id:pk>/decide/", views.night_request_decide, name="night_request_decide"),
]

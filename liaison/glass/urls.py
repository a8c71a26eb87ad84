"""URLs of 緊急閲覧. Included by liaison/urls.py under the `liaison` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("break-glass/", views.break_glass, name="break_glass"),
    path("break-glass/<id:pk>/", views.break_glass_open, name="break_glass_open"),
]

"""URLs of the department inbox, in the `accounts` namespace (accounts:inbox…)."""

from django.urls import path

from . import views

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<id:pk>/", views.inbox_department, name="inbox_department"),
]

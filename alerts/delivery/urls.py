"""URLs of the sending queue's staff pages: an alert's live progress. Included by
alerts/urls.py under the `alerts` namespace, mounted at /alerts/."""

from django.urls import path

from . import views

urlpatterns = [
    path("<id:pk>/progress/", views.delivery_progress, name="delivery_progress"),
]

"""Public URLs of the archive, included by alerts/subscribers/public_urls.py at /anshin/archive/
(namespace "anshin", no sign-in)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.archive_list, name="archive_list"),
    path("feed/", views.archive_feed, name="archive_feed"),
    path("<id:pk>/", views.archive_detail, name="archive_detail"),
    path("<id:pk>/cap.xml", views.archive_cap, name="archive_cap"),
]

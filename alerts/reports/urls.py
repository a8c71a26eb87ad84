"""URLs of あんしんメールの統計, mounted at /alerts/reports/ in the `alerts` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.report_index, name="report_index"),
    path("<slug:key>.csv", views.report_csv, name="report_csv"),
]

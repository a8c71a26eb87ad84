"""URLs of the designation of the 発信操作担当者 (seed 003 6⑴). Included by alerts/urls.py
under the `alerts` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("operators/", views.operator_list, name="operator_list"),
    path("operators/new/", views.operator_designate, name="operator_designate"),
    path("operators/<id:pk>/end/", views.operator_end, name="operator_end"),
]

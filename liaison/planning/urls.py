"""URLs of the worklist, visit-frequency policy, 専従日. Included by liaison/urls.py under the `liaison` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("worklist/", views.worklist, name="worklist"),
    path("worklist/print.pdf", views.worklist_print, name="worklist_print"),
    path("policy/", views.visit_policy, name="visit_policy"),
    path("dedicated-days/", views.dedicated_days_mine, name="dedicated_days_mine"),
    path("stations/<id:pk>/dedicated-days/", views.dedicated_days, name="dedicated_days"),
    path("dedicated-days/<id:pk>/delete/", views.dedicated_day_delete, name="dedicated_day_delete"),
]

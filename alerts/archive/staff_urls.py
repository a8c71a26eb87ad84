"""Staff URLs of the archive (the withdrawal of a sent alert), included by alerts/urls.py
under the `alerts` namespace at /alerts/."""

from django.urls import path

from . import views

urlpatterns = [
    path("<id:pk>/withdraw/", views.alert_withdraw, name="alert_withdraw"),
    path("<id:pk>/withdraw/confirm/", views.alert_withdraw_confirm, name="alert_withdraw_confirm"),
]

"""Staff URLs of subscribers, included by alerts/urls.py under the "alerts" namespace."""

from django.urls import path

from . import staff_views

urlpatterns = [
    path("subscription/", staff_views.my_subscription, name="my_subscription"),
    path("subscription/staff/", staff_views.staff_subscriptions, name="staff_subscriptions"),
]

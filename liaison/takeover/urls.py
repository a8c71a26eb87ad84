"""URLs of 受持区の引継ぎ. Included by liaison/urls.py under the `liaison` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("takeover/", views.takeover_list, name="takeover_list"),
    path("takeover/<id:pk>/", views.takeover, name="takeover"),
]

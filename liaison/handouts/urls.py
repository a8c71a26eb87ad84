"""URLs of 手交. Included by liaison/urls.py under the `liaison` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("handouts/", views.handout_list, name="handout_list"),
    path("handouts/new/", views.handout_create, name="handout_create"),
    path("handouts/<id:pk>/", views.handout_detail, name="handout_detail"),
    path("handouts/<id:pk>/collect/", views.handout_collect, name="handout_collect"),
    path("handouts/<id:pk>/give-up/", views.handout_give_up, name="handout_give_up"),
]

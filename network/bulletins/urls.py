"""URLs of the bulletin shelf, under the `network` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("bulletins/", views.bulletin_list, name="bulletin_list"),
    path("bulletins/new/", views.bulletin_create, name="bulletin_create"),
    path("bulletins/<id:pk>/", views.bulletin_detail, name="bulletin_detail"),
    path("bulletins/<id:pk>/pdf/", views.bulletin_pdf, name="bulletin_pdf"),
    path("bulletins/<id:pk>/withdraw/", views.bulletin_withdraw, name="bulletin_withdraw"),
]

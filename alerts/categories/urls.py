"""URLs of the categories (配信区分) and of the approval chain in force. Included by
alerts/urls.py under the `alerts` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("categories/", views.category_list, name="category_list"),
    path("categories/new/", views.category_create, name="category_create"),
    path("categories/<id:pk>/edit/", views.category_edit, name="category_edit"),
    path("chain/", views.chain, name="chain"),
]

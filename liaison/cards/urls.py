"""URLs of 巡回連絡カード: create, read, correct, history, postal-code lookup. Included by liaison/urls.py under the `liaison` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("books/<id:pk>/cards/new/", views.book_card_create, name="book_card_create"),
    path("cards/new/", views.card_create, name="card_create"),
    path("cards/<id:pk>/", views.card_detail, name="card_detail"),
    path("cards/<id:pk>/edit/", views.card_edit, name="card_edit"),
    path("cards/<id:pk>/history/", views.card_history, name="card_history"),
    path("postal-code/", views.postal_lookup, name="postal_lookup"),
]

"""URLs of a card's steps: submit, assign, file, close, move, and the submitted list. Included by liaison/urls.py under the `liaison` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("cards/submitted/", views.submitted_list, name="submitted_list"),
    path("cards/<id:pk>/submit/", views.card_submit, name="card_submit"),
    path("cards/<id:pk>/assign/", views.card_assign, name="card_assign"),
    path("cards/<id:pk>/file/", views.card_file, name="card_file"),
    path("cards/<id:pk>/close/", views.card_close, name="card_close"),
    path("cards/<id:pk>/move/", views.card_move, name="card_move"),
]

"""URLs of 巡回連絡簿: the books, a book, its exports, search and printing. Included by liaison/urls.py under the `liaison` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("books/", views.book_list, name="book_list"),
    path("books/<id:pk>/", views.book_detail, name="book_detail"),
    path("books/<id:pk>/export.<str:fmt>", views.book_export, name="book_export"),
    path("stations/<id:pk>/export.<str:fmt>", views.station_export, name="station_export"),
    path("search/", views.card_search, name="card_search"),
    path("cards/<id:pk>/print.pdf", views.card_print, name="card_print"),
    path("cards/blank.pdf", views.blank_card_print, name="blank_card_print"),
]

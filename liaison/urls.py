from django.urls import path

from .views import (
    areas,
    books,
    cards,
    glass,
    guidance,
    handouts,
    hours,
    instructions,
    printing,
    progress,
    visits,
    work,
)

app_name = "liaison"

urlpatterns = [
    # 巡回連絡簿
    path("books/", books.book_list, name="book_list"),
    path("books/<id:pk>/", books.book_detail, name="book_detail"),
    path("books/<id:pk>/export.<str:fmt>", books.book_export, name="book_export"),
    path("stations/<id:pk>/export.<str:fmt>", books.station_export, name="station_export"),
    path("search/", books.card_search, name="card_search"),
    # 巡回連絡カード
    path("books/<id:pk>/cards/new/", cards.book_card_create, name="book_card_create"),
    path("cards/new/", cards.card_create, name="card_create"),
    path("cards/submitted/", cards.submitted_list, name="submitted_list"),
    path("cards/<id:pk>/", cards.card_detail, name="card_detail"),
    path("cards/<id:pk>/edit/", cards.card_edit, name="card_edit"),
    path("cards/<id:pk>/history/", cards.card_history, name="card_history"),
    path("cards/<id:pk>/submit/", cards.card_submit, name="card_submit"),
    path("cards/<id:pk>/assign/", cards.card_assign, name="card_assign"),
    path("cards/<id:pk>/file/", cards.card_file, name="card_file"),
    path("cards/<id:pk>/close/", cards.card_close, name="card_close"),
    path("cards/<id:pk>/move/", cards.card_move, name="card_move"),
    path("postal-code/", cards.postal_lookup, name="postal_lookup"),
    # 印刷
    path("cards/<id:pk>/print.pdf", printing.card_print, name="card_print"),
    path("cards/blank.pdf", printing.blank_card_print, name="blank_card_print"),
    # 緊急閲覧
    path("break-glass/", glass.break_glass, name="break_glass"),
    path("break-glass/<id:pk>/", glass.break_glass_open, name="break_glass_open"),
    # 巡回連絡 (issue 4): each module lists its own patterns.
    *visits.urlpatterns,
    *work.urlpatterns,
    *progress.urlpatterns,
    # 時間外の巡回連絡・署長指示 (issue 10)
    *hours.urlpatterns,
    *instructions.urlpatterns,
    # issue 10: 手交, 受持区の区域, 指導・評価.
    *handouts.urlpatterns,
    *areas.urlpatterns,
    *guidance.urlpatterns,
]

"""Filters of the 巡回連絡簿 page and the card search: input shape only. The filtering itself
is liaison.books.selectors.book_card_list / card_search."""

from __future__ import annotations

from typing import Any

from django import forms

from liaison.cards.models import CardKind, CardStatus
from liaison.text import nfkc

ORDER_CHOICES = [("address", "地番順"), ("kana", "50音順")]


STATUS_CHOICES = [
    (CardStatus.FILED.value, "編てつ済み"),
    (CardStatus.CLOSED.value, "廃止"),
    ("all", "すべて"),
]


# What the selector gets when a field is absent or invalid: the paper book's default view.
BOOK_FILTER_DEFAULTS: dict[str, Any] = {
    "order": "address",
    "kind": "",
    "status": CardStatus.FILED.value,
    "never_visited": False,
    "attention": False,
    "incomplete": False,
    "q": "",
}


# A search of one character would list half the book: ask for two.
SEARCH_MIN_LENGTH = 2


class BookCardFilterForm(forms.Form):
    """索引 (order), filters and a name or phone search within one book."""

    order = forms.ChoiceField(label="並び順", choices=ORDER_CHOICES, required=False)
    kind = forms.ChoiceField(
        label="種別", choices=[("", "すべて"), *CardKind.choices], required=False
    )
    status = forms.ChoiceField(label="状態", choices=STATUS_CHOICES, required=False)
    never_visited = forms.BooleanField(label="未訪問", required=False)
    attention = forms.BooleanField(label="要配意", required=False)
    incomplete = forms.BooleanField(label="未記入・回答拒否あり", required=False)
    q = forms.CharField(label="氏名・フリガナ・電話番号", max_length=100, required=False)

    def __init__(self, data, **kwargs):
        # Always bound, so that the page shows the default 索引 and status as chosen.
        data = data.copy()
        for name in ("order", "status"):
            if not data.get(name):
                data[name] = BOOK_FILTER_DEFAULTS[name]
        super().__init__(data, **kwargs)

    def selector_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of selectors.book_card_list; a bad value falls back to the
        default (the form shows its error)."""
        self.is_valid()
        values = {**BOOK_FILTER_DEFAULTS}
        for name in BOOK_FILTER_DEFAULTS:
            if self.cleaned_data.get(name) not in (None, ""):
                values[name] = self.cleaned_data[name]
        values["status"] = "" if values["status"] == "all" else values["status"]
        values["query"] = values.pop("q").strip()
        return values

    @property
    def filtered(self) -> bool:
        """Whether anything narrows the list (the 索引 alone does not)."""
        kwargs = self.selector_kwargs()
        return any(
            kwargs[name] != BOOK_FILTER_DEFAULTS[name]
            for name in ("kind", "status", "never_visited", "attention", "incomplete")
        ) or bool(kwargs["query"])


class CardSearchForm(forms.Form):
    q = forms.CharField(label="氏名・フリガナ・電話番号", max_length=100, required=False)

    def query(self) -> str:
        """The search words, or "" when there is nothing worth searching for."""
        if not self.is_valid():
            return ""
        words = self.cleaned_data["q"].strip()
        return words if len("".join(nfkc(words).split())) >= SEARCH_MIN_LENGTH else ""
